/**
 * SVG geometry of one channel's envelope plot, for the server-rendered (no-JavaScript) fallback of
 * EnvelopePlot. Pure and deterministic: the same envelope gives byte-identical markup on the server
 * and during hydration. All coordinates are integer pixels of the viewBox, which keeps the markup
 * small (a 75 s session at 20 windows/s would otherwise cost ~1500 float pairs per channel).
 */
import type { Contraction } from "~/lib/domain";

/** Same fills uPlot shades contractions with, so both renderings read the same. */
export const GOOD_FILL = "rgba(26, 127, 55, 0.28)";
export const OTHER_FILL = "rgba(180, 35, 24, 0.16)";
export const ENVELOPE_STROKE = "#0b5cad";
export const THRESHOLD_STROKE = "#8a5a00";

export interface EnvelopeSvgOptions {
  /** Number of pixel columns of the plot area; the decimated path has at most 2 points per column. */
  columns?: number;
  /** Height of the plot area in pixels. */
  plotHeight?: number;
}

export interface ColumnExtrema {
  /** Column index, 0 ≤ column < columns. */
  column: number;
  min: number;
  max: number;
}

export interface EnvelopeSvgGeometry {
  /** viewBox size. */
  width: number;
  height: number;
  /** Plot area inside the viewBox (axes outside it). */
  plot: { left: number; top: number; width: number; height: number };
  /** Data ranges mapped onto the plot area: x in seconds, y in volts. */
  xDomain: [number, number];
  yDomain: [number, number];
  /** Min/max of the envelope per column, in volts (what `path` draws). */
  columns: ColumnExtrema[];
  /** SVG path data of the decimated envelope, integer coordinates. */
  path: string;
  /** One band per contraction, in input order. */
  bands: { x: number; width: number; good: boolean; index: number }[];
  /** The MVC intensity threshold as a horizontal line, or null when there is none. */
  threshold: { y: number; value: number } | null;
  xTicks: { x: number; label: string }[];
  yTicks: { y: number; label: string }[];
}

const MARGIN = { left: 56, right: 14, top: 10, bottom: 34 };

/**
 * Min/max decimation of a sampled signal onto `columns` equal-width bins of [t0, t1].
 *
 * Parameters
 * ----------
 * times, values : sample times (any unit, ascending) and sample values, same length.
 * columns : number of output bins (one per pixel column of the plot).
 * t0, t1 : the time range mapped onto the bins; samples outside it are dropped.
 *
 * Returns
 * -------
 * The bins that hold at least one sample, with the smallest and largest value in each.
 *
 * Why min/max rather than taking every n-th sample: a contraction peak narrower than the stride
 * would vanish with naive subsampling, whereas min/max keeps every extreme of every column, so
 * the drawn shape reaches exactly the peaks (and troughs) a full-resolution plot would show at
 * this width — and the global maximum and minimum are always among the drawn points.
 */
export function minMaxDecimate(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  columns: number,
  t0: number,
  t1: number,
): ColumnExtrema[] {
  const span = t1 - t0;
  const min = new Float64Array(columns).fill(Number.POSITIVE_INFINITY);
  const max = new Float64Array(columns).fill(Number.NEGATIVE_INFINITY);
  const n = Math.min(times.length, values.length);
  for (let i = 0; i < n; i++) {
    const t = times[i];
    const v = values[i];
    if (!Number.isFinite(v) || !(t >= t0 && t <= t1)) continue;
    const c = span > 0 ? Math.min(columns - 1, Math.floor(((t - t0) / span) * columns)) : 0;
    if (v < min[c]) min[c] = v;
    if (v > max[c]) max[c] = v;
  }
  const out: ColumnExtrema[] = [];
  for (let c = 0; c < columns; c++) if (min[c] <= max[c]) out.push({ column: c, min: min[c], max: max[c] });
  return out;
}

/** Round tick step of 1, 2 or 5 × 10^k giving about `target` intervals over `span`. */
function niceStep(span: number, target: number): number {
  const raw = span / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / magnitude;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
}

function decimalsFor(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

function ticks(lo: number, hi: number, target: number): { values: number[]; decimals: number } {
  if (!(hi > lo)) return { values: [lo], decimals: 0 };
  const step = niceStep(hi - lo, target);
  const values: number[] = [];
  // Integer multiples of the step, so 0.1 + 0.2 style drift cannot creep into the labels.
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) values.push(k * step);
  return { values, decimals: decimalsFor(step) };
}

/**
 * Geometry of the envelope plot: the envelope (volts against seconds) min/max-decimated to one
 * column per pixel, a band per contraction, the MVC threshold and axis ticks (s and µV).
 * The y axis starts at 0 (an RMS envelope is non-negative) and ends 5 % above the larger of the
 * envelope maximum and the threshold, so the threshold line is always inside the plot.
 */
export function envelopeSvg(
  envelope: { times_s: ArrayLike<number>; values: ArrayLike<number> },
  contractions: readonly Contraction[],
  mvcThreshold: number | null,
  { columns = 600, plotHeight = 216 }: EnvelopeSvgOptions = {},
): EnvelopeSvgGeometry {
  const plot = { left: MARGIN.left, top: MARGIN.top, width: columns, height: plotHeight };
  const n = envelope.times_s.length;
  const t0 = n ? Math.min(0, envelope.times_s[0]) : 0;
  const t1 = n ? Math.max(envelope.times_s[n - 1], t0 + 1e-3) : 1;
  let vMax = 0;
  let vMin = 0;
  for (let i = 0; i < envelope.values.length; i++) {
    const v = envelope.values[i];
    if (Number.isFinite(v)) {
      if (v > vMax) vMax = v;
      if (v < vMin) vMin = v;
    }
  }
  const threshold = mvcThreshold != null && Number.isFinite(mvcThreshold) ? mvcThreshold : null;
  const top = Math.max(vMax, threshold ?? 0) * 1.05 || 1e-6;
  const xDomain: [number, number] = [t0, t1];
  const yDomain: [number, number] = [vMin, top];

  const xPos = (t: number) => plot.left + ((t - t0) / (t1 - t0)) * plot.width;
  const yPos = (v: number) => Math.round(plot.top + plot.height - ((v - vMin) / (top - vMin)) * plot.height);

  const cols = minMaxDecimate(envelope.times_s, envelope.values, columns, t0, t1);
  // One vertical stroke per column from its max down to its min, each joined to the next
  // column's max: at most 2 points per column whatever the envelope length.
  let path = "";
  for (const c of cols) {
    const x = plot.left + c.column;
    const yHi = yPos(c.max);
    const yLo = yPos(c.min);
    path += `${path ? "L" : "M"}${x} ${yHi}`;
    if (yLo !== yHi) path += `V${yLo}`;
  }

  const bands = contractions.map((c) => {
    const left = Math.max(plot.left, Math.min(plot.left + plot.width, Math.round(xPos(c.start_ms / 1000))));
    const right = Math.max(plot.left, Math.min(plot.left + plot.width, Math.round(xPos(c.end_ms / 1000))));
    // A contraction shorter than a pixel still gets a visible 1 px band: the band count is the
    // contraction count, as in the table below the plot.
    return { x: Math.min(left, plot.left + plot.width - 1), width: Math.max(1, right - left), good: c.is_good, index: c.index };
  });

  const xt = ticks(t0, t1, 8);
  const yt = ticks(vMin * 1e6, top * 1e6, 5);
  return {
    width: plot.left + plot.width + MARGIN.right,
    height: plot.top + plot.height + MARGIN.bottom,
    plot,
    xDomain,
    yDomain,
    columns: cols,
    path,
    bands,
    threshold: threshold == null ? null : { y: yPos(threshold), value: threshold },
    xTicks: xt.values.map((t) => ({ x: Math.round(xPos(t)), label: t.toFixed(xt.decimals) })),
    yTicks: yt.values.map((uv) => ({ y: yPos(uv / 1e6), label: uv.toFixed(yt.decimals) })),
  };
}
