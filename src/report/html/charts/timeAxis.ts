/**
 * An x encoding over day timestamps (ms, UTC). A utc scale formats its labels in UTC, so a report reads
 * the same, byte for byte, in every time zone; long runs label months instead of days.
 */
export function dayAxis(days: number) {
  return {
    field: "date",
    type: "temporal" as const,
    title: null,
    scale: { type: "utc" as const },
    // Short runs tick whole days: finer ticks would repeat a day's label.
    axis: { format: days > 180 ? "%Y-%m" : "%b %d", labelOverlap: true, ...(days <= 14 ? { tickCount: { interval: "day" as const, step: 1 } } : {}) },
  };
}
