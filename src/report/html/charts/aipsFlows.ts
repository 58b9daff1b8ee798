import { AIPS_STATES } from "../../../events/enums.js";
import type { ReportChart } from "../chart.js";

const NAME = "aips-flows";
const TITLE = "AIPS state flows";
const STATES = AIPS_STATES.length;

/** From-state × to-state users the engine moved between day-end snapshots, over all days and brands. */
export function aipsFlows(moved: Float64Array | null): ReportChart {
  if (moved === null) return { name: NAME, title: TITLE, missing: "no aips_flows.arrow in the run directory" };
  const rows = [...moved].flatMap((users, cell) => (users > 0 ? [{ from: AIPS_STATES[Math.floor(cell / STATES)]!, to: AIPS_STATES[cell % STATES]!, users }] : []));
  if (rows.length === 0) return { name: NAME, title: TITLE, missing: "the engine moved no user between states" };
  const values = rows.map((r) => r.users);
  // Labels turn white on the darker half of the (logarithmic) colour scale.
  const middle = Math.sqrt(Math.min(...values) * Math.max(...values));
  const order = [...AIPS_STATES];
  return {
    name: NAME,
    caption: "Source: aips_flows.arrow (from_state, to_state, users) summed over days and brands; none = not met yet or decayed out of every state.",
    spec: {
      title: { text: `${TITLE}: users the engine moved, from → to`, subtitle: "Awareness → Interest → True Interest → Purchase → Share, summed over all days and brands" },
      width: 420,
      height: 260,
      data: { values: rows },
      encoding: {
        x: { field: "to", type: "ordinal", sort: order, title: "to state", axis: { orient: "top", labelAngle: 0 } },
        y: { field: "from", type: "ordinal", sort: order, title: "from state" },
      },
      layer: [
        { mark: "rect", encoding: { color: { field: "users", type: "quantitative", scale: { type: "log", scheme: "blues" }, title: "users", legend: { format: "~s" } } } },
        {
          mark: { type: "text", fontSize: 11 },
          encoding: {
            text: { field: "users", type: "quantitative", format: ".3~s" },
            color: { condition: { test: `datum.users > ${middle}`, value: "white" }, value: "#222" },
          },
        },
      ],
    },
  };
}
