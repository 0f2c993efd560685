/**
 * What the patient trend plot draws, as plain data: the measures it can show (scores, MPF, MDF,
 * fatigue index, MVC per leg), the points of each series in plot coordinates and the value axis.
 * Pure and browser-safe; the values are the sessions' stored (exported) ones, only scaled to the
 * unit shown (MVC volts → µV).
 */

export interface LegTrend {
  mvc: number | null;
  mpf: number | null;
  mdf: number | null;
  fatigue: number | null;
}

/** One session of the patient: its headline scores and each leg's channel values. */
export interface TrendPoint {
  sessionId: string;
  sessionCode: string;
  recordedAt: string | null;
  overall: number | null;
  compliance: number | null;
  symmetry: number | null;
  left: LegTrend;
  right: LegTrend;
}

export const TREND_VIEWS = ["scores", "mpf", "mdf", "fatigue", "mvc"] as const;
export type TrendView = (typeof TREND_VIEWS)[number];

export function isTrendView(value: string | null | undefined): value is TrendView {
  return (TREND_VIEWS as readonly string[]).includes(value ?? "");
}

interface SeriesDef {
  key: string;
  label: string;
  color: string;
  dash?: string;
  value: (p: TrendPoint) => number | null;
}

interface ViewDef {
  label: string;
  /** Unit of the axis and tooltips ("" for a plain ratio). */
  unit: string;
  /** Display value = stored value × scale. */
  scale: number;
  /** A fixed axis (scores are 0–100); otherwise from the data. */
  fixed?: [number, number];
  series: SeriesDef[];
}

const LEFT = { color: "#0b5cad" };
const RIGHT = { color: "#8a5a00", dash: "6 3" };
const legs = (field: keyof LegTrend): SeriesDef[] => [
  { key: `left-${field}`, label: "Left leg", ...LEFT, value: (p) => p.left[field] },
  { key: `right-${field}`, label: "Right leg", ...RIGHT, value: (p) => p.right[field] },
];

export const VIEWS: Record<TrendView, ViewDef> = {
  scores: {
    label: "Scores",
    unit: "",
    scale: 1,
    fixed: [0, 100],
    series: [
      { key: "overall", label: "Overall", color: "#0b5cad", value: (p) => p.overall },
      { key: "compliance", label: "Compliance", color: "#1a7f37", dash: "6 3", value: (p) => p.compliance },
      { key: "symmetry", label: "Symmetry", color: "#8a5a00", dash: "2 3", value: (p) => p.symmetry },
    ],
  },
  mpf: { label: "Mean power frequency (MPF)", unit: "Hz", scale: 1, series: legs("mpf") },
  mdf: { label: "Median frequency (MDF)", unit: "Hz", scale: 1, series: legs("mdf") },
  fatigue: { label: "Fatigue index (FI nsm5)", unit: "", scale: 1, series: legs("fatigue") },
  mvc: { label: "MVC", unit: "µV", scale: 1e6, series: legs("mvc") },
};

/** Milliseconds for ordering; a zone-less wall-clock time (recorded_at) is read as UTC, never as the server's zone. */
export function instant(iso: string | null): number {
  if (!iso) return Number.NaN;
  return Date.parse(/(Z|[+-]\d{2}:?\d{2})$/i.test(iso) ? iso : `${iso}Z`);
}

/** About `count` round ticks (1, 2, 2.5, 5 × 10ⁿ steps) covering [min, max], from a multiple of the step. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    return niceTicks(min - pad, max + pad, count);
  }
  const raw = (max - min) / Math.max(1, count - 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const first = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let v = first; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1] < max) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

/** A value as the axis and tooltips show it: short, exponent notation for very small or large ones. */
export function formatTrendValue(value: number, unit: string): string {
  const abs = Math.abs(value);
  const text = abs !== 0 && (abs < 1e-3 || abs >= 1e5) ? value.toExponential(2) : Number(value.toPrecision(4)).toString();
  return unit ? `${text} ${unit}` : text;
}

export interface PlotBox {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface PlottedPoint {
  sessionId: string;
  sessionCode: string;
  recordedAt: string;
  value: number;
  x: number;
  y: number;
}

export interface PlottedSeries {
  key: string;
  label: string;
  color: string;
  dash?: string;
  points: PlottedPoint[];
}

export interface TrendLayout {
  view: ViewDef;
  series: PlottedSeries[];
  ticks: { value: number; y: number }[];
  first: number;
  last: number;
}

/** The plot of one view; null when no session has a recording time and a value to show. */
export function layoutTrend(points: TrendPoint[], viewName: TrendView, box: PlotBox): TrendLayout | null {
  const view = VIEWS[viewName];
  const dated = points
    .map((p) => ({ p, t: instant(p.recordedAt) }))
    .filter((d) => Number.isFinite(d.t))
    .sort((a, b) => a.t - b.t);
  const values = dated.flatMap(({ p }) => view.series.map((s) => s.value(p)).filter((v): v is number => v !== null && Number.isFinite(v)));
  if (values.length === 0) return null;
  const scaled = values.map((v) => v * view.scale);
  const ticks = view.fixed ? niceTicks(...view.fixed) : niceTicks(Math.min(...scaled), Math.max(...scaled));
  const lo = ticks[0];
  const hi = ticks[ticks.length - 1];
  const t0 = dated[0].t;
  const t1 = dated[dated.length - 1].t;
  const innerW = box.width - box.left - box.right;
  const innerH = box.height - box.top - box.bottom;
  const x = (t: number) => (t1 === t0 ? box.left + innerW / 2 : box.left + ((t - t0) / (t1 - t0)) * innerW);
  const y = (v: number) => box.top + (1 - (v - lo) / (hi - lo)) * innerH;
  const series = view.series.map((s) => ({
    key: s.key,
    label: s.label,
    color: s.color,
    dash: s.dash,
    points: dated.flatMap(({ p, t }) => {
      const v = s.value(p);
      if (v === null || !Number.isFinite(v)) return [];
      const value = v * view.scale;
      return [{ sessionId: p.sessionId, sessionCode: p.sessionCode, recordedAt: p.recordedAt!, value, x: x(t), y: y(value) }];
    }),
  }));
  return { view, series, ticks: ticks.map((value) => ({ value, y: y(value) })), first: t0, last: t1 };
}
