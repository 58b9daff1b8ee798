import { counted } from "../../../plural.js";
import type { RunManifest } from "../../manifest.js";
import type { ReportChart } from "../chart.js";
import { formatNumber } from "../page.js";
import { OBSERVED_COLOR, TRUTH_COLOR } from "../palette.js";

const NAME = "throughput";

/** Events by kind, generated and observed, under the run's throughput (the one machine-dependent figure). */
export function throughput(m: RunManifest): ReportChart {
  const rows = Object.entries(m.events.byKind).flatMap(([kind, n]) => [
    { kind, series: "generated", events: n },
    { kind, series: "observed", events: m.events.observedByKind[kind] ?? 0 },
  ]);
  const kinds = Object.entries(m.events.byKind)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([kind]) => kind);
  const drawn = rows.filter((r) => r.events > 0);
  if (drawn.length === 0) return { name: NAME, title: "Throughput", missing: "the run generated no events" };
  const t = m.timing;
  return {
    name: NAME,
    caption: `Source: run.json events.byKind, events.observedByKind and timing. Both series count the ${formatNumber(m.events.duplicates)} re-delivered duplicate rows (events.duplicates) with the events they repeat.`,
    spec: {
      title: {
        text: `Throughput: ${formatNumber(t.eventsPerSecond)} events/s`,
        subtitle: `${formatNumber(m.events.total)} events in ${t.seconds} s (${t.simulateSeconds} s simulating), ${counted(m.workers, "worker")}, ${counted(m.shards.count, "shard")}; events by kind`,
      },
      width: 820,
      height: { step: 9 },
      data: { values: drawn },
      mark: "bar",
      encoding: {
        y: { field: "kind", type: "nominal", sort: kinds, title: null },
        yOffset: { field: "series", type: "nominal", sort: ["generated", "observed"] },
        // Powers of ten: a symlog scale's default ticks are evenly spaced values, which crowd into its right end.
        x: { field: "events", type: "quantitative", scale: { type: "symlog" }, title: "events (symmetric log scale)", axis: { values: powersOfTen(m.events.total), labelExpr: POWER_OF_TEN_LABEL } },
        color: { field: "series", type: "nominal", title: null, scale: { domain: ["generated", "observed"], range: [TRUTH_COLOR, OBSERVED_COLOR] } },
      },
    },
  };
}

/** 1, 10, 100, 1k, … (a shared SI prefix would print 1 and 10 as "0k"). */
const POWER_OF_TEN_LABEL = "datum.value >= 1e9 ? datum.value / 1e9 + 'G' : datum.value >= 1e6 ? datum.value / 1e6 + 'M' : datum.value >= 1e3 ? datum.value / 1e3 + 'k' : '' + datum.value";

/** 1, 10, 100, … up to the first power of ten at or above `max`. */
function powersOfTen(max: number): number[] {
  const ticks = [1];
  while (ticks[ticks.length - 1]! < max) ticks.push(ticks[ticks.length - 1]! * 10);
  return ticks;
}
