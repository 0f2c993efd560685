/**
 * The PDF session report (issue 15 §1): one more rendering of the canonical export. Every number
 * printed is a number of the export (or its formula explanation, app/lib/scoring/explain.ts); the
 * envelope plots draw the export's `signals`, so the caller builds the export with signals.
 */
import type { SessionExport } from "~/lib/export/schema";
import { overallFormula, type OverallFormula } from "~/lib/scoring";
import * as f from "../format";
import { dataQualityOf } from "../quality";
import { EMPTY, STRINGS } from "../strings";
import { BOLD, FONT, ReportPdf } from "./document";
import { contractionTable, envelopePlots, errorsBlock, legTable, musclesOf, processingBlock, qualityBlock } from "./session-sections";

const S = STRINGS;

function title(pdf: ReportPdf, text: string): void {
  const { doc } = pdf;
  doc.font(BOLD).fontSize(15).fillColor("black").text(text, pdf.left, pdf.y, { width: pdf.width, lineBreak: false });
  doc
    .font(FONT)
    .fontSize(8)
    .fillColor("#444444")
    .text(S.app, pdf.left, pdf.y + 5, { width: pdf.width, align: "right", lineBreak: false });
  pdf.y += 22;
  pdf.rule(pdf.left, pdf.left + pdf.width, 0.8);
  pdf.y += 6;
  doc.fillColor("black");
}

function header(pdf: ReportPdf, exp: SessionExport): void {
  const s = exp.session;
  const game = s?.game;
  const gameText = game?.name
    ? `${game.name}${game.level !== null ? `, level ${game.level}` : ""}${game.points !== null ? `, ${game.points} points` : ""}`
    : EMPTY;
  const pairs: [string, string][] = [
    [S.header.patient, s?.patient_code ?? EMPTY],
    [S.header.session, s?.session_code ?? exp.export_metadata.session_id ?? EMPTY],
    [S.header.recordedAt, f.dateTime(s?.recorded_at)],
    // Only an export that carries the therapist names one: researchers' exports are pseudonymised.
    ...(s?.therapist ? [[S.header.therapist, s.therapist] as [string, string]] : []),
    [S.header.game, gameText],
    [S.header.exportedAt, `${f.dateTime(exp.export_metadata.export_timestamp)} UTC`],
  ];
  pdf.facts(pairs, 2, 9, 64);
  // The file name on a line of its own: it is what a reader searches for, so it must not wrap.
  pdf.facts([[S.header.sourceFile, s?.source_filename ?? EMPTY]], 1, 9, 64);
}

function formulaLines(formula: OverallFormula): string[] {
  const included = formula.terms.filter((t) => t.score !== null);
  const dropped = formula.terms.filter((t) => t.score === null);
  const lines: string[] = [];
  if (formula.overall !== null) {
    const sum = included.map((t) => `${f.weight(t.weight)} × ${f.score(t.score)}`).join(" + ");
    lines.push(`${S.scores.overall} = ${formula.bfr_gate} × (${sum}) / ${f.weight(formula.weight_sum)} = ${f.score(formula.overall)}`);
    if (Math.abs(formula.weight_sum - 1) > 1e-9) {
      lines.push(`= ${formula.bfr_gate} × (${included.map((t) => `${f.rate(t.share)} × ${f.score(t.score)}`).join(" + ")})`);
    }
  } else {
    lines.push(formula.missing === "weights" ? S.missing.weights : S.missing.muscle);
  }
  if (dropped.length) lines.push(S.missing.dropped(dropped.map((t) => S.component(t.component)).join(", ")));
  const [min, max] = formula.bfr_range.map(f.plain);
  const p = f.plain(formula.bfr_pressure_aop);
  lines.push(
    `${S.bfr.label}: ${formula.bfr_compliant === null ? S.bfr.unknown : formula.bfr_compliant ? S.bfr.inRange(p, min, max) : S.bfr.outOfRange(p, min, max)}`,
  );
  const bands = formula.bands.map((b, i) =>
    S.band(S.category(b.category), String(b.min), i === 0 ? null : String(formula.bands[i - 1].min)),
  );
  lines.push(`${S.scores.bandsHeading} ${bands.join(" · ")}`);
  return lines;
}

function scores(pdf: ReportPdf, exp: SessionExport): void {
  const p = exp.performance_scores;
  pdf.heading(S.scores.heading);
  const overall = p?.overall_score ?? null;
  pdf.text(
    `${S.scores.overall}: ${overall === null ? S.scores.notScored : `${f.score(overall)} ${S.scores.scale} — ${S.category(p?.category ?? null)}`}`,
    { size: 12, bold: true, gap: 4 },
  );
  const effortDetail =
    p?.rpe_post_session !== null && p?.rpe_post_session !== undefined ? ` (${S.effortDetail(String(p.rpe_post_session))})` : "";
  const gameDetail =
    p?.game_points_achieved != null && p?.game_points_max != null
      ? ` (${S.gameDetail(f.plain(p.game_points_achieved), f.plain(p.game_points_max))})`
      : "";
  pdf.facts(
    [
      [S.scores.compliance, f.score(p?.compliance_score)],
      [S.scores.symmetry, f.score(p?.symmetry_score)],
      [S.scores.effort, `${f.score(p?.effort_score)}${effortDetail}`],
      [S.scores.game, `${f.score(p?.game_score)}${gameDetail}`],
    ],
    2,
    9,
    64,
  );
  const formula = overallFormula(exp);
  if (!formula) return;
  pdf.y += 2;
  pdf.text(S.scores.formulaHeading, { size: 8.5, bold: true });
  pdf.text(S.scores.formulaIntro, { size: 8 });
  for (const line of formulaLines(formula)) pdf.text(line, { size: 8, x: pdf.left + 8, width: pdf.width - 8 });
  const help = formula.terms.map((t) => `${S.component(t.component)}: ${S.scores.componentHelp[t.component]}`).join("; ");
  pdf.text(help, { size: 7, grey: true, x: pdf.left + 8, width: pdf.width - 8 });
}

/** The session report of a full export (with `signals` for the plots) as PDF bytes. */
export async function renderSessionReportPdf(exp: SessionExport): Promise<Uint8Array> {
  const created = new Date(exp.export_metadata.export_timestamp);
  const pdf = new ReportPdf({
    title: `${S.sessionTitle} ${exp.session?.session_code ?? exp.session?.source_filename ?? ""}`.trim(),
    subject: exp.session?.patient_code ?? "",
    created: Number.isNaN(created.getTime()) ? new Date(0) : created,
  });
  title(pdf, S.sessionTitle);
  header(pdf, exp);
  scores(pdf, exp);
  const muscles = musclesOf(exp);
  legTable(pdf, exp, muscles);
  envelopePlots(pdf, exp, muscles);
  contractionTable(pdf, exp, muscles);
  const quality = dataQualityOf(exp);
  if (quality) qualityBlock(pdf, quality);
  processingBlock(pdf, exp, muscles);
  errorsBlock(pdf, exp);
  const m = exp.export_metadata;
  return pdf.finish((page, pages) => S.footer(m.export_version, m.generator, exp.session?.file_sha256 ?? EMPTY, page, pages));
}
