/**
 * The HTML around the charts: one self-contained document (inline CSS, inline SVG) whose
 * Content-Security-Policy forbids every fetch, so a stray external reference fails loudly
 * in the browser instead of quietly needing the network.
 */

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; margin: 0; background: #f6f6f4; }
main { max-width: 1120px; margin: 0 auto; padding: 20px 28px 48px; background: #fff; }
h1 { font-size: 22px; margin: 4px 0 2px; }
h2 { font-size: 17px; margin: 28px 0 8px; padding-top: 8px; border-top: 1px solid #e4e4e4; }
.sub { color: #555; margin: 0 0 12px; }
.top { display: grid; grid-template-columns: minmax(0, 5fr) minmax(0, 7fr); gap: 8px 28px; }
.top h3 { font-size: 15px; margin: 6px 0 4px; }
.top table { font-size: 12px; }
.top th, .top td { padding: 2px 8px; }
.top td:nth-child(3) { white-space: nowrap; }
.top td:last-child { color: #555; }
.facts { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 10px 20px; margin: 12px 0; }
.facts b { display: block; font-size: 18px; }
.facts span { color: #666; font-size: 12px; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 13px; }
th, td { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
th { background: #fafafa; font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.ok { color: #1a7f37; font-weight: 600; }
.bad { color: #c62828; font-weight: 600; }
.warn { background: #fff8e1; border-left: 4px solid #f9a825; padding: 6px 12px; margin: 8px 0; }
.warn li { margin: 2px 0; }
figure.chart { margin: 12px 0 20px; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 12px; margin-top: 4px; }
.missing { color: #777; font-style: italic; }
.chart-warning { color: #b26a00; }
details pre { background: #f7f7f7; padding: 8px; overflow-x: auto; font-size: 12px; }
`;

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function htmlDocument(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style>${CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** A cell is text (escaped) or a number (right-aligned); `{ html }` passes markup through. */
export type Cell = string | number | { readonly html: string };

export function table(head: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const cell = (c: Cell) =>
    typeof c === "number" ? `<td class="n">${escapeHtml(formatNumber(c))}</td>` : typeof c === "string" ? `<td>${escapeHtml(c)}</td>` : `<td>${c.html}</td>`;
  return `<table>
<thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead>
<tbody>
${rows.map((r) => `<tr>${r.map(cell).join("")}</tr>`).join("\n")}
</tbody>
</table>`;
}

/** Headline numbers in a row. */
export function facts(items: readonly (readonly [label: string, value: string])[]): string {
  return `<div class="facts">${items.map(([label, value]) => `<div><b>${escapeHtml(value)}</b><span>${escapeHtml(label)}</span></div>`).join("")}</div>`;
}

export function warnings(list: readonly string[]): string {
  if (list.length === 0) return "";
  return `<div class="warn"><b>Warnings</b><ul>${list.map((w) => `<li>${escapeHtml(w)}</li>`).join("")}</ul></div>`;
}

export function verdict(ok: boolean): Cell {
  return { html: ok ? `<span class="ok">ok</span>` : `<span class="bad">FAIL</span>` };
}

const INTEGER = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const DECIMAL = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 4 });

/**
 * Integers, and any number of 1,000 or more, in whole units with separators (4 significant
 * digits of 70,438.5 would print 70,440, which looks exact and is not); smaller numbers to 4
 * significant digits, tiny ones in exponent form.
 */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return "n/a";
  const abs = Math.abs(x);
  if (Number.isInteger(x) || abs >= 1000) return INTEGER.format(x);
  return abs < 1e-3 ? x.toExponential(2) : DECIMAL.format(x);
}

export function percent(x: number, digits = 1): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(digits)} %` : "n/a";
}
