/**
 * The blocks of the session report below the scores: per-muscle table, envelope plots, the
 * contraction table, data quality, processing parameters and export errors. Each reads the export
 * and prints it; none computes a value of its own.
 */
import { WELCH_MAX_SEGMENT_SAMPLES, WELCH_OVERLAP_PERCENT } from "~/lib/domain";
import type { ChannelResult, MuscleCompliance, SessionExport } from "~/lib/export/schema";
import { muscleFormula } from "~/lib/scoring";
import * as f from "../format";
import type { DataQuality } from "../quality";
import { EMPTY, STRINGS } from "../strings";
import { BOLD, fitColumns, type Column, type ReportPdf } from "./document";
import { drawPlot } from "./plot";

const S = STRINGS;
const TABLE_SIZE = 7;

export interface MuscleView {
  id: string;
  title: string;
  channel: ChannelResult | null;
  breakdown: MuscleCompliance | null;
}

/** The muscles to show: every exported channel, with its left/right compliance when it has one. */
export function musclesOf(exp: SessionExport): MuscleView[] {
  const breakdowns = [exp.compliance_breakdown?.left_muscle, exp.compliance_breakdown?.right_muscle].filter(
    (b): b is MuscleCompliance => !!b && b.channel !== null,
  );
  const ids = [...Object.keys(exp.channels ?? {})];
  for (const b of breakdowns) if (b.channel && !ids.includes(b.channel)) ids.push(b.channel);
  return ids.map((id) => {
    const channel = exp.channels?.[id] ?? null;
    return {
      id,
      title: `${S.side(channel?.side ?? null, id)} (${id}${channel ? `, ${channel.label}` : ""})`,
      channel,
      breakdown: breakdowns.find((b) => b.channel === id) ?? null,
    };
  });
}

/** "100 × (0.333 × 1.000 + 0.333 × 0.409 + 0.334 × 0.000)": S_m with the muscle's sub-weights and rates. */
function complianceFormulaText(m: MuscleView, exp: SessionExport): string {
  const b = m.breakdown;
  if (!b || b.overall_compliance === null || !exp.scoring_configuration) return EMPTY;
  const terms = muscleFormula(b, exp.scoring_configuration).terms.map((t) => `${f.weight(t.weight)} × ${f.rate(t.value)}`);
  return `= 100 × (${terms.join(" + ")})`;
}

export function legTable(pdf: ReportPdf, exp: SessionExport, muscles: MuscleView[]): void {
  pdf.heading(S.legs.heading);
  const pct = exp.processing_parameters?.mvc_threshold_percentage;
  const rows: [string, (m: MuscleView) => string][] = [
    [
      S.legs.contractions,
      (m) => `${f.count(m.channel?.contraction_count ?? m.breakdown?.contraction_count)} (${f.count(m.breakdown?.expected_contractions)})`,
    ],
    [S.legs.good, (m) => f.count(m.channel?.good_contraction_count)],
    [S.legs.intensityCompliant, (m) => f.count(m.channel?.intensity_compliant_count)],
    [S.legs.durationCompliant, (m) => f.count(m.channel?.duration_compliant_count)],
    [S.legs.completionRate, (m) => f.rate(m.breakdown?.completion_rate)],
    [S.legs.intensityRate, (m) => f.rate(m.breakdown?.intensity_rate)],
    [S.legs.durationRate, (m) => f.rate(m.breakdown?.duration_rate)],
    [S.legs.compliance, (m) => f.score(m.breakdown?.overall_compliance)],
    ["", (m) => complianceFormulaText(m, exp)],
    [S.legs.mvc, (m) => f.microvolts(m.channel?.mvc_value)],
    [S.legs.mvcSource, (m) => S.mvcSource(m.channel?.mvc_source ?? null)],
    [S.legs.threshold, (m) => `${f.microvolts(m.channel?.mvc_threshold)} (${f.plain(pct)} % MVC)`],
    [S.legs.targetDuration, (m) => `${f.plain(m.channel?.target_duration_ms)} ms`],
    [S.legs.timing, (m) => S.timingSource(m.channel?.timing_source ?? null)],
    [S.legs.mpf, (m) => `${f.fixed(m.channel?.mpf, 1)} Hz`],
    [S.legs.mdf, (m) => `${f.fixed(m.channel?.mdf, 1)} Hz`],
    [S.legs.fatigue, (m) => f.scientific(m.channel?.fatigue_index_fi_nsm5)],
  ];
  const body = rows.map(([label, value]) => [
    label,
    ...muscles.map((m) => (m.channel?.error ? `${S.legs.rejected}: ${m.channel.error.code}` : value(m))),
  ]);
  const valueWidth = muscles.length ? (pdf.width - 100) / muscles.length : 0;
  const columns: Column[] = [{ header: S.legs.muscle, width: 100 }, ...muscles.map((m) => ({ header: m.title, width: valueWidth }))];
  pdf.table(columns, body, { size: 7.5 });
}

export function envelopePlots(pdf: ReportPdf, exp: SessionExport, muscles: MuscleView[]): void {
  const pct = f.plain(exp.processing_parameters?.mvc_threshold_percentage);
  for (const m of muscles) {
    const env = exp.signals?.[m.id]?.envelope;
    if (!env || !m.channel) {
      pdf.text(`${S.plot.heading(m.title)}: ${S.plot.noSignal}`, { size: 8 });
      continue;
    }
    const own = (exp.contractions ?? []).filter((c) => c.channel === m.id);
    const toUv = (v: number) => v * 1e6;
    drawPlot(pdf, {
      title: S.plot.heading(m.title),
      height: 150,
      xLabel: S.plot.time,
      yLabel: S.plot.amplitude,
      xRange: [0, m.channel.duration_s ?? env.times_s[env.times_s.length - 1] ?? 1],
      series: [{ label: S.plot.envelope, xs: env.times_s, ys: env.values.map(toUv), width: 0.6, decimate: true }],
      bands: own.map((c) => ({ x0: c.start_ms / 1000, x1: c.end_ms / 1000, fill: c.is_good ? "#9a9a9a" : "#dcdcdc" })),
      bandLegend: [
        { label: S.plot.good, fill: "#9a9a9a" },
        { label: S.plot.notGood, fill: "#dcdcdc" },
      ],
      lines:
        m.channel.mvc_threshold === null
          ? []
          : [{ y: toUv(m.channel.mvc_threshold), label: S.plot.threshold(pct, f.microvolts(m.channel.mvc_threshold)), dash: [4, 2] }],
    });
  }
}

/** Contractions of up to two muscles side by side (one column group each), else one after the other. */
export function contractionTable(pdf: ReportPdf, exp: SessionExport, muscles: MuscleView[]): void {
  pdf.heading(S.contractions.heading);
  const list = exp.contractions ?? [];
  if (list.length === 0) {
    pdf.text(S.contractions.none);
    return;
  }
  const groups = muscles.filter((m) => list.some((c) => c.channel === m.id));
  const perRow = Math.min(2, groups.length);
  const groupWidth = (pdf.width - (perRow - 1) * 12) / perRow;
  const headers = [
    S.contractions.index,
    S.contractions.start,
    S.contractions.duration,
    S.contractions.peak,
    S.contractions.mean,
    S.contractions.percentMvc,
    S.contractions.intensity,
    S.contractions.durationOk,
    S.contractions.good,
  ];
  const cells = (m: MuscleView, i: number): string[] => {
    const c = list.filter((x) => x.channel === m.id)[i];
    if (!c) return Array.from({ length: 9 }, () => "");
    return [
      String(c.index),
      f.fixed(c.start_ms / 1000, 2),
      f.fixed(c.duration_ms, 0),
      f.microvolts(c.peak_rms, false),
      f.microvolts(c.mean_rms, false),
      f.fixed(c.percent_mvc, 1),
      S.yesNo(c.meets_intensity),
      S.yesNo(c.meets_duration),
      S.yesNo(c.is_good),
    ];
  };
  // One set of column widths for every muscle, fitted to the widest header or value.
  const allCells = groups.flatMap((m) => list.filter((x) => x.channel === m.id).map((_, i) => cells(m, i)));
  const aligned = headers.map((header, i) => ({ header, align: i === 0 ? ("left" as const) : ("right" as const) }));
  const sub = fitColumns(pdf.doc, aligned, allCells, groupWidth, TABLE_SIZE);
  for (let g = 0; g < groups.length; g += perRow) {
    const row = groups.slice(g, g + perRow);
    const columns = row.flatMap((_, i) => [...(i > 0 ? [{ header: "", width: 12 }] : []), ...sub]);
    const n = Math.max(...row.map((m) => list.filter((c) => c.channel === m.id).length));
    const body = Array.from({ length: n }, (_, i) => row.flatMap((m, k) => [...(k > 0 ? [""] : []), ...cells(m, i)]));
    pdf.ensure(40);
    row.forEach((m, i) =>
      pdf.doc
        .font(BOLD)
        .fontSize(7.5)
        .text(m.title, pdf.left + i * (groupWidth + 12), pdf.y, { width: groupWidth, lineBreak: false }),
    );
    pdf.y += 11;
    pdf.table(columns, body, { size: TABLE_SIZE });
  }
  pdf.text(S.contractions.legend, { size: 7, grey: true });
}

export function qualityBlock(pdf: ReportPdf, quality: DataQuality): void {
  pdf.heading(S.quality.heading);
  pdf.facts([[S.quality.status, quality.status || EMPTY]], 1);
  if (quality.findings.length === 0) {
    pdf.text(S.quality.noFindings, { size: 8 });
    return;
  }
  pdf.table(
    [
      { header: S.quality.severity, width: 48 },
      { header: S.quality.channel, width: 40 },
      { header: S.quality.code, width: 95 },
      { header: S.quality.value, width: 52, align: "right" },
      { header: S.quality.limit, width: 52, align: "right" },
      { header: S.quality.finding, width: 0 },
    ],
    quality.findings.map((q) => [q.severity, q.channel ?? S.quality.session, q.code, f.plain(q.value), f.plain(q.limit), q.message]),
    { size: 7 },
  );
}

export function processingBlock(pdf: ReportPdf, exp: SessionExport, muscles: MuscleView[]): void {
  const p = exp.processing_parameters;
  if (!p) return;
  pdf.heading(S.processing.heading);
  const segmentMs = (1000 * WELCH_MAX_SEGMENT_SAMPLES) / p.sampling_rate_hz;
  const requested = p.filter_high_cutoff_requested_hz !== p.filter_high_cutoff_hz ? f.plain(p.filter_high_cutoff_requested_hz) : null;
  const sources = muscles.map((m) => `${m.id} ${S.mvcSource(m.channel?.mvc_source ?? null)}`).join(", ");
  pdf.facts(
    [
      [S.processing.version, p.processing_version],
      [S.processing.samplingRate, `${f.plain(p.sampling_rate_hz)} Hz`],
      [
        S.processing.filter,
        S.processing.filterText(String(p.filter_order), f.plain(p.filter_low_cutoff_hz), f.plain(p.filter_high_cutoff_hz), requested),
      ],
      [S.processing.envelope, S.processing.envelopeText(f.plain(p.rms_window_ms), f.plain(p.rms_overlap_percent))],
      [S.processing.mvc, S.processing.mvcText(f.plain(p.mvc_threshold_percentage), sources || EMPTY)],
      [
        S.processing.detection,
        S.processing.detectionText(
          f.plain(p.threshold_factor),
          f.plain(p.activated_threshold_factor),
          f.plain(p.merge_gap_ms),
          f.plain(p.min_duration_ms),
        ),
      ],
      [
        S.processing.spectral,
        S.processing.spectralText(String(WELCH_MAX_SEGMENT_SAMPLES), f.fixed(segmentMs, 1), String(WELCH_OVERLAP_PERCENT)),
      ],
    ],
    1,
    8,
  );
}

export function errorsBlock(pdf: ReportPdf, exp: SessionExport): void {
  if (!exp.errors?.length) return;
  pdf.heading(S.errors.heading);
  for (const e of exp.errors) pdf.text(`${e.section}: ${e.message}`, { size: 7.5 });
}
