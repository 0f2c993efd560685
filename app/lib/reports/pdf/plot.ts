/**
 * Line plots as PDF vector graphics, legible in greyscale: series differ by dash pattern and
 * marker, not by colour; shaded bands and dashed reference lines carry a legend entry each.
 * The plot draws the numbers it is given — it never derives a value to show.
 */
import { BOLD, FONT, type ReportPdf } from "./document";

export type Marker = "circle" | "square" | "triangle" | "diamond" | null;

export interface Series {
  label: string;
  xs: ArrayLike<number>;
  ys: ArrayLike<number | null>;
  /** [dash, gap] in points; null = solid. */
  dash?: [number, number] | null;
  width?: number;
  grey?: string;
  marker?: Marker;
  /** Thin the polyline to a min/max pair per horizontal step (long envelopes). */
  decimate?: boolean;
}

export interface Band {
  x0: number;
  x1: number;
  fill: string;
}

export interface ReferenceLine {
  y: number;
  label: string;
  dash: [number, number];
}

export interface PlotSpec {
  title: string;
  height: number;
  xLabel: string;
  yLabel: string;
  series: Series[];
  bands?: Band[];
  /** Legend entries of the band fills. */
  bandLegend?: { label: string; fill: string }[];
  lines?: ReferenceLine[];
  xRange?: [number, number];
  yRange?: [number, number];
  /** Integer x positions only (sessions). */
  integerX?: boolean;
}

const AXIS_FONT = 6.5;
const LEGEND_ROW = 9;

/** About `count` round tick values (1, 2 or 5 × 10^k apart) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step - 1e-9) * step; t <= max + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

function tickText(value: number, ticks: number[]): string {
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return value.toFixed(decimals);
}

function extent(values: Iterable<number | null>): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

function drawMarker(doc: PDFKit.PDFDocument, marker: Marker, x: number, y: number): void {
  const r = 2;
  if (marker === "circle") doc.circle(x, y, r);
  else if (marker === "square") doc.rect(x - r, y - r, 2 * r, 2 * r);
  else if (marker === "triangle") doc.polygon([x, y - r - 0.5], [x + r + 0.5, y + r], [x - r - 0.5, y + r]);
  else if (marker === "diamond") doc.polygon([x, y - r - 0.5], [x + r + 0.5, y], [x, y + r + 0.5], [x - r - 0.5, y]);
  else return;
  doc.fillAndStroke("white", "black");
}

function styleLine(doc: PDFKit.PDFDocument, s: { dash?: [number, number] | null; width?: number; grey?: string }): void {
  doc.lineWidth(s.width ?? 0.8).strokeColor(s.grey ?? "black");
  if (s.dash) doc.dash(s.dash[0], { space: s.dash[1] });
  else doc.undash();
}

/** The points of one series to draw: every point, or a min and a max per `step` of x. */
function pointsOf(s: Series, toX: (x: number) => number, toY: (y: number) => number, step: number): [number, number][][] {
  const runs: [number, number][][] = [];
  let run: [number, number][] = [];
  let bucket = NaN;
  let lo: [number, number] | null = null;
  let hi: [number, number] | null = null;
  const flush = () => {
    if (lo && hi) run.push(...(lo[0] <= hi[0] ? [lo, hi] : [hi, lo]));
    lo = hi = null;
  };
  for (let i = 0; i < s.xs.length; i++) {
    const y = s.ys[i];
    if (y === null || !Number.isFinite(y)) {
      if (s.decimate) flush();
      if (run.length) runs.push(run);
      run = [];
      continue;
    }
    const p: [number, number] = [toX(s.xs[i]), toY(y)];
    if (!s.decimate) {
      run.push(p);
      continue;
    }
    const b = Math.floor(p[0] / step);
    if (b !== bucket) {
      flush();
      bucket = b;
    }
    if (!lo || p[1] > lo[1]) lo = p; // PDF y grows downwards: the largest y is the lowest value
    if (!hi || p[1] < hi[1]) hi = p;
  }
  if (s.decimate) flush();
  if (run.length) runs.push(run);
  return runs;
}

/** Draws a titled plot with axes, ticks, the data and a legend at the cursor; moves the cursor below. */
export function drawPlot(pdf: ReportPdf, spec: PlotSpec): void {
  const { doc } = pdf;
  const legend = [
    ...spec.series.map((s) => ({ kind: "line" as const, label: s.label, style: s })),
    ...(spec.lines ?? []).map((l) => ({
      kind: "line" as const,
      label: l.label,
      style: { dash: l.dash, width: 0.8, grey: "#333333", marker: null as Marker },
    })),
    ...(spec.bandLegend ?? []).map((b) => ({ kind: "band" as const, label: b.label, fill: b.fill })),
  ];
  const legendRows = Math.ceil(legend.length / 2);
  pdf.ensure(spec.height + 14 + legendRows * LEGEND_ROW);
  doc.font(BOLD).fontSize(8.5).fillColor("black").text(spec.title, pdf.left, pdf.y, { width: pdf.width, lineBreak: false });
  const top = pdf.y + 12;
  const left = pdf.left + 42;
  const width = pdf.width - 46;
  const height = spec.height - 22;

  const xs = extent(spec.series.flatMap((s) => Array.from(s.xs)));
  const ys = extent([...spec.series.flatMap((s) => Array.from(s.ys)), ...(spec.lines ?? []).map((l) => l.y)]);
  const [x0, x1] = spec.xRange ?? xs ?? [0, 1];
  let [y0, y1] = spec.yRange ?? ys ?? [0, 1];
  if (!spec.yRange) {
    y0 = Math.min(0, y0);
    y1 = y1 > y0 ? y1 * 1.05 : y0 + 1;
  }
  const xSpan = x1 > x0 ? x1 - x0 : 1;
  const toX = (x: number) => left + ((x - x0) / xSpan) * width;
  const toY = (y: number) => top + height - ((y - y0) / (y1 - y0)) * height;

  // Grid and tick labels.
  const yTicks = niceTicks(y0, y1, 4);
  const xTicks = spec.integerX ? niceTicks(x0, x1, Math.min(10, Math.max(1, x1 - x0))).filter(Number.isInteger) : niceTicks(x0, x1, 8);
  doc.font(FONT).fontSize(AXIS_FONT).fillColor("black");
  for (const t of yTicks) {
    const y = toY(t);
    doc
      .save()
      .moveTo(left, y)
      .lineTo(left + width, y)
      .lineWidth(0.25)
      .strokeColor("#bbbbbb")
      .stroke()
      .restore();
    doc.text(tickText(t, yTicks), left - 40, y - 3, { width: 37, align: "right", lineBreak: false });
  }
  for (const t of xTicks) {
    const x = toX(t);
    doc
      .save()
      .moveTo(x, top + height)
      .lineTo(x, top + height + 2)
      .lineWidth(0.5)
      .stroke()
      .restore();
    doc.text(tickText(t, xTicks), x - 20, top + height + 3, { width: 40, align: "center", lineBreak: false });
  }
  doc.text(spec.xLabel, left, top + height + 11, { width, align: "center", lineBreak: false });
  doc.save().rotate(-90, { origin: [pdf.left + 4, top + height / 2] });
  doc.text(spec.yLabel, pdf.left + 4 - height / 2, top + height / 2 - 3, { width: height, align: "center", lineBreak: false });
  doc.restore();

  // Data, clipped to the plot area.
  doc.save().rect(left, top, width, height).clip();
  for (const band of spec.bands ?? []) {
    const bx0 = toX(band.x0);
    // At least 0.8 pt wide, so a short contraction stays visible at whole-session scale.
    doc.rect(bx0, top, Math.max(0.8, toX(band.x1) - bx0), height).fill(band.fill);
  }
  for (const line of spec.lines ?? []) {
    styleLine(doc, { dash: line.dash, grey: "#333333" });
    doc
      .moveTo(left, toY(line.y))
      .lineTo(left + width, toY(line.y))
      .stroke();
  }
  for (const s of spec.series) {
    styleLine(doc, s);
    for (const run of pointsOf(s, toX, toY, 0.5)) {
      doc.moveTo(run[0][0], run[0][1]);
      for (let i = 1; i < run.length; i++) doc.lineTo(run[i][0], run[i][1]);
      if (run.length === 1) doc.lineTo(run[0][0] + 0.01, run[0][1]);
      doc.stroke();
    }
    doc.undash();
    if (s.marker) {
      doc.lineWidth(0.6);
      for (const run of pointsOf({ ...s, decimate: false }, toX, toY, 0.5)) for (const [x, y] of run) drawMarker(doc, s.marker, x, y);
    }
  }
  doc.restore();
  doc.save().rect(left, top, width, height).lineWidth(0.5).undash().strokeColor("black").stroke().restore();

  // Legend, two entries a row.
  let ly = top + height + 21;
  legend.forEach((entry, i) => {
    const lx = pdf.left + (i % 2) * (pdf.width / 2) + 42;
    if (i > 0 && i % 2 === 0) ly += LEGEND_ROW;
    if (entry.kind === "band") {
      doc.save().rect(lx, ly, 16, 6).fillAndStroke(entry.fill, "#555555").restore();
    } else {
      doc.save();
      styleLine(doc, entry.style);
      doc
        .moveTo(lx, ly + 3)
        .lineTo(lx + 16, ly + 3)
        .stroke();
      doc.undash();
      if (entry.style.marker) drawMarker(doc.lineWidth(0.6), entry.style.marker, lx + 8, ly + 3);
      doc.restore();
    }
    doc
      .font(FONT)
      .fontSize(AXIS_FONT + 0.5)
      .fillColor("black")
      .text(entry.label, lx + 20, ly, { width: pdf.width / 2 - 64, lineBreak: false });
  });
  pdf.y = ly + LEGEND_ROW + 6;
}
