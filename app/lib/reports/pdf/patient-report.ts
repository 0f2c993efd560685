/**
 * The PDF progress report of one patient (issue 15 §2): per session, oldest first, the trends of
 * the scores, the MVC, MPF/MDF and fatigue index and the contraction counts per muscle, then a
 * table of the sessions with their data-quality status. Every point is a value of that session's
 * canonical export; the report only lays them side by side.
 */
import type { ChannelResult, SessionExport } from "~/lib/export/schema";
import * as f from "../format";
import { dataQualityOf } from "../quality";
import { EMPTY, STRINGS } from "../strings";
import { BOLD, fitColumns, FONT, ReportPdf } from "./document";
import { drawPlot, type Marker, type Series } from "./plot";

const S = STRINGS;
const P = STRINGS.patient;
const TABLE_SIZE = 6.8;

export interface PatientReportInput {
  patientCode: string;
  /** The period asked for, as given (absent = open). */
  from?: string;
  to?: string;
  /** The patient's sessions in the period, oldest first. */
  exports: SessionExport[];
  /** When the report was made, and by which generator/export version (the footer). */
  now: Date;
  generator: string;
  exportVersion: string;
}

/** Line styles that stay apart in greyscale: dash pattern and marker, never colour alone. */
const STYLES: { dash: [number, number] | null; marker: Marker }[] = [
  { dash: null, marker: "circle" },
  { dash: [5, 2], marker: "square" },
  { dash: [1.2, 1.6], marker: "triangle" },
  { dash: [9, 2.5], marker: "diamond" },
];

function side(exp: SessionExport, which: "left_muscle" | "right_muscle"): ChannelResult | null {
  const id = exp.compliance_breakdown?.[which].channel;
  return id ? (exp.channels?.[id] ?? null) : null;
}

function series(label: string, values: (number | null)[], style: number): Series {
  return { label, xs: values.map((_, i) => i + 1), ys: values, ...STYLES[style], width: 0.8 };
}

function trends(pdf: ReportPdf, list: SessionExport[]): void {
  pdf.heading(P.trendsHeading);
  const n = list.length;
  const xRange: [number, number] = [0.5, n + 0.5];
  const common = { height: 128, xLabel: P.sessionAxis, xRange, integerX: true };
  const ps = list.map((e) => e.performance_scores);
  drawPlot(pdf, {
    ...common,
    title: P.scoresPlot,
    yLabel: "0–100",
    yRange: [0, 100],
    series: [
      series(
        S.scores.overall,
        ps.map((p) => p?.overall_score ?? null),
        0,
      ),
      series(
        S.scores.compliance,
        ps.map((p) => p?.compliance_score ?? null),
        1,
      ),
      series(
        S.scores.symmetry,
        ps.map((p) => p?.symmetry_score ?? null),
        2,
      ),
      series(
        S.scores.effort,
        ps.map((p) => p?.effort_score ?? null),
        3,
      ),
    ],
  });
  const left = list.map((e) => side(e, "left_muscle"));
  const right = list.map((e) => side(e, "right_muscle"));
  const uv = (c: ChannelResult | null) => (c?.mvc_value == null ? null : c.mvc_value * 1e6);
  drawPlot(pdf, {
    ...common,
    title: P.mvcPlot,
    yLabel: "µV",
    series: [series(P.leftSeries(P.mvc_), left.map(uv), 0), series(P.rightSeries(P.mvc_), right.map(uv), 1)],
  });
  drawPlot(pdf, {
    ...common,
    title: P.frequencyPlot,
    yLabel: "Hz",
    series: [
      series(
        P.leftSeries(P.mpf),
        left.map((c) => c?.mpf ?? null),
        0,
      ),
      series(
        P.rightSeries(P.mpf),
        right.map((c) => c?.mpf ?? null),
        1,
      ),
      series(
        P.leftSeries(P.mdf),
        left.map((c) => c?.mdf ?? null),
        2,
      ),
      series(
        P.rightSeries(P.mdf),
        right.map((c) => c?.mdf ?? null),
        3,
      ),
    ],
  });
  // FI_nsm5 is of the order of 1e-13: the axis shows it in units of a power of ten.
  const fis = [...left, ...right].map((c) => c?.fatigue_index_fi_nsm5 ?? null).filter((v): v is number => v !== null && v > 0);
  const exponent = fis.length ? Math.floor(Math.log10(Math.max(...fis))) : 0;
  const scaled = (c: ChannelResult | null) => (c?.fatigue_index_fi_nsm5 == null ? null : c.fatigue_index_fi_nsm5 / 10 ** exponent);
  drawPlot(pdf, {
    ...common,
    title: P.fatiguePlot(`1e${exponent}`),
    yLabel: `FI / 1e${exponent}`,
    series: [series(P.leftSeries(P.fi), left.map(scaled), 0), series(P.rightSeries(P.fi), right.map(scaled), 1)],
  });
  drawPlot(pdf, {
    ...common,
    title: P.countsPlot,
    yLabel: P.count,
    series: [
      series(
        P.leftSeries(P.count),
        left.map((c) => c?.contraction_count ?? null),
        0,
      ),
      series(
        P.rightSeries(P.count),
        right.map((c) => c?.contraction_count ?? null),
        1,
      ),
      series(
        P.leftSeries(P.goodCount),
        left.map((c) => c?.good_contraction_count ?? null),
        2,
      ),
      series(
        P.rightSeries(P.goodCount),
        right.map((c) => c?.good_contraction_count ?? null),
        3,
      ),
    ],
  });
}

function sessionsTable(pdf: ReportPdf, list: SessionExport[]): void {
  pdf.heading(P.sessionsHeading);
  const pair = (a: string, b: string) => `${a} / ${b}`;
  const rows = list.map((e, i) => {
    const p = e.performance_scores;
    const l = side(e, "left_muscle");
    const r = side(e, "right_muscle");
    return [
      String(i + 1),
      f.dateTime(e.session?.recorded_at).slice(0, 16),
      e.session?.session_code ?? e.export_metadata.session_id ?? EMPTY,
      f.score(p?.overall_score),
      f.score(p?.compliance_score),
      f.score(p?.symmetry_score),
      f.score(p?.effort_score),
      S.category(p?.category ?? null),
      pair(f.count(l?.contraction_count), f.count(r?.contraction_count)),
      pair(f.count(l?.good_contraction_count), f.count(r?.good_contraction_count)),
      pair(f.microvolts(l?.mvc_value, false), f.microvolts(r?.mvc_value, false)),
      dataQualityOf(e)?.status || EMPTY,
    ];
  });
  const columns = [
    { header: P.number },
    { header: P.date },
    { header: P.session },
    { header: P.overallShort, align: "right" as const },
    { header: P.complianceShort, align: "right" as const },
    { header: P.symmetryShort, align: "right" as const },
    { header: P.effortShort, align: "right" as const },
    { header: P.category },
    { header: P.contractions, align: "right" as const },
    { header: P.good, align: "right" as const },
    { header: P.mvc, align: "right" as const },
    { header: P.quality },
  ];
  pdf.table(fitColumns(pdf.doc, columns, rows, pdf.width, TABLE_SIZE), rows, { size: TABLE_SIZE });
}

/** The patient's progress report as PDF bytes. */
export async function renderPatientReportPdf(input: PatientReportInput): Promise<Uint8Array> {
  const pdf = new ReportPdf({ title: `${S.patientTitle} ${input.patientCode}`, subject: input.patientCode, created: input.now });
  const { doc } = pdf;
  doc.font(BOLD).fontSize(15).text(S.patientTitle, pdf.left, pdf.y, { width: pdf.width, lineBreak: false });
  doc
    .font(FONT)
    .fontSize(8)
    .fillColor("#444444")
    .text(S.app, pdf.left, pdf.y + 5, { width: pdf.width, align: "right", lineBreak: false });
  doc.fillColor("black");
  pdf.y += 22;
  pdf.rule(pdf.left, pdf.left + pdf.width, 0.8);
  pdf.y += 6;
  const period =
    input.from || input.to
      ? [input.from ? `${P.from} ${input.from}` : "", input.to ? `${P.to} ${input.to}` : ""].filter(Boolean).join(" ")
      : P.all;
  pdf.facts(
    [
      [S.header.patient, input.patientCode],
      [S.header.period, period],
      [S.header.sessions, String(input.exports.length)],
      [S.header.exportedAt, `${f.dateTime(input.now.toISOString())} UTC`],
    ],
    2,
    9,
    64,
  );
  if (input.exports.length === 0) pdf.text(P.noSessions);
  else {
    trends(pdf, input.exports);
    sessionsTable(pdf, input.exports);
  }
  return pdf.finish((page, pages) => S.patientFooter(input.exportVersion, input.generator, input.patientCode, page, pages));
}
