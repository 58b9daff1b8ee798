import { AIPS_STATES } from "../../../events/enums.js";
import { DAY_MS } from "../../../sim/kernel.js";
import type { ReportChart } from "../chart.js";
import { stateScale } from "../palette.js";
import { dayAxis } from "./timeAxis.js";

const NAME = "aips-states";
const TITLE = "AIPS states per day";
const STATES = AIPS_STATES.length;
/** `none` counts everyone who ever met a brand; it would flatten the other lines. */
const DRAWN = AIPS_STATES.filter((s) => s !== "none");

/** Users in each AIPS state at each day's end, the engine's inference beside the latent truth. */
export function aipsStates(daily: { days: number; engine: Float64Array; truth: Float64Array } | null, start: string): ReportChart {
  if (daily === null || daily.days === 0) return { name: NAME, title: TITLE, missing: "no aips_daily.arrow rows in the run directory" };
  const startMs = Date.parse(`${start}T00:00:00Z`);
  // A state no user reached on any day would get a panel whose scale runs from 0 to 0,
  // which the renderer labels NaN: such states are named in the subtitle instead.
  const reached = DRAWN.filter((state) => {
    for (let day = 0; day < daily.days; day++) {
      const cell = day * STATES + AIPS_STATES.indexOf(state);
      if (daily.engine[cell]! > 0 || daily.truth[cell]! > 0) return true;
    }
    return false;
  });
  if (reached.length === 0) return { name: NAME, title: TITLE, missing: "no user reached any state but none" };
  const unreached = DRAWN.filter((state) => !reached.includes(state));
  const rows = [];
  for (let day = 0; day < daily.days; day++) {
    for (const state of reached) {
      const cell = day * STATES + AIPS_STATES.indexOf(state);
      const date = startMs + day * DAY_MS;
      rows.push({ date, state, source: "engine", users: daily.engine[cell]! }, { date, state, source: "truth", users: daily.truth[cell]! });
    }
  }
  return {
    name: NAME,
    caption: "Source: aips_daily.arrow (day, state, users_engine, users_truth) summed over brands; solid = engine from observed signals, dashed = latent truth.",
    spec: {
      title: {
        text: `${TITLE}: engine vs truth`,
        subtitle: `users in each state at day end, all brands; one panel per state, each on its own scale${unreached.length > 0 ? `; no user in ${unreached.join(", ")} on any day` : ""}`,
      },
      data: { values: rows },
      facet: { row: { field: "state", type: "nominal", sort: reached, title: null, header: { labelAngle: 0, labelAlign: "left", labelFontWeight: "bold" } } },
      resolve: { scale: { y: "independent" } },
      spacing: 6,
      spec: {
        width: 820,
        height: 56,
        // One day is one point per line, which a line alone does not draw.
        mark: { type: "line", strokeWidth: 1.6, ...(daily.days < 2 ? { point: true } : {}) },
        encoding: {
          x: dayAxis(daily.days),
          y: { field: "users", type: "quantitative", title: null, axis: { format: "~s", tickCount: 3 } },
          color: { field: "state", type: "nominal", legend: null, scale: stateScale(reached) },
          strokeDash: { field: "source", type: "nominal", title: "source", scale: { domain: ["engine", "truth"], range: [[1, 0], [5, 3]] } },
        },
      },
    },
  };
}
