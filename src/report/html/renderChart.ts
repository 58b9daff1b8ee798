import type { TopLevelSpec } from "vega-lite";

/** Look shared by every report chart: the page's font, no chart border, muted axes. */
const THEME = {
  font: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  background: "#ffffff",
  view: { stroke: null },
  axis: { labelColor: "#444", titleColor: "#222", gridColor: "#e6e6e6", domainColor: "#999", tickColor: "#999" },
  title: { anchor: "start", fontSize: 14, fontWeight: 600, subtitleColor: "#555", subtitleFontSize: 11 },
  legend: { labelColor: "#444", titleColor: "#222" },
} as const;

export interface RenderedChart {
  readonly svg: string;
  /** What vega-lite or vega warned about; kept off stderr so a run's output stays clean. */
  readonly warnings: string[];
}

/**
 * A vega-lite spec rendered server-side to an SVG string: vega-lite compiles it to a vega
 * spec, a headless vega View (no renderer, no DOM) lays it out and serialises the scene.
 * vega is imported on first use: it takes half a second to load, which commands that
 * write no report should not pay. `idPrefix` must be unique within the page.
 */
export async function renderChart(spec: TopLevelSpec, idPrefix: string): Promise<RenderedChart> {
  const [{ compile }, vega] = await Promise.all([import("vega-lite"), import("vega")]);
  const warnings: string[] = [];
  const logger = vega.logger(vega.Warn, undefined, (_method, _level, args) => warnings.push(args.map(String).join(" ")));
  const themed = { ...spec, config: { ...THEME, ...spec.config } } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(themed, { logger }).spec), { renderer: "none", logger });
  try {
    return { svg: scopeIds(await view.toSVG(), idPrefix), warnings };
  } finally {
    view.finalize();
  }
}

/**
 * vega numbers gradient and clip ids with a process-wide counter, so the same chart gets
 * other ids in a later report of the same process; ids named after the chart keep
 * reports byte-identical and unique within a page.
 */
function scopeIds(svg: string, prefix: string): string {
  const ids = new Map([...svg.matchAll(/\sid="([^"]+)"/g)].map((m, k) => [m[1]!, `${prefix}-${k}`]));
  return svg.replace(/(\sid="|url\(#)([^")]+)/g, (whole, lead: string, id: string) => {
    const to = ids.get(id);
    return to === undefined ? whole : `${lead}${to}`;
  });
}
