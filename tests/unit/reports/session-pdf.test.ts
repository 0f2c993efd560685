/**
 * The PDF session report of every analysable fixture, read back with poppler as a person's viewer
 * would: 1–3 A4 pages, every page renders, and the text holds the export's own values — patient,
 * session, file name, every score to one decimal, each muscle's contraction count and MVC — each
 * computed here from the export object, never pasted. A report without a therapist names none.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { SessionExport } from "~/lib/export/schema";
import { renderSessionReportPdf } from "~/lib/reports";
import { pdfPageCount, pdfText, renderPdfPages } from "../../support/reports";
import { analysableFixtures, EXAMPLE_FIXTURE, fixtureExport } from "./fixtures";

const dir = mkdtempSync(path.join(os.tmpdir(), "session-pdf-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writePdf(exp: SessionExport, name: string): Promise<string> {
  const file = path.join(dir, `${name}.pdf`);
  writeFileSync(file, await renderSessionReportPdf(exp));
  return file;
}

/** What the report must state, from the export: scores to one decimal, counts, MVC in µV. */
function expectedTexts(exp: SessionExport): string[] {
  const p = exp.performance_scores!;
  const texts = [exp.session!.patient_code!, exp.session!.session_code!, exp.session!.source_filename!, exp.session!.file_sha256!];
  for (const score of [p.overall_score, p.compliance_score, p.symmetry_score, p.effort_score, p.game_score]) {
    if (score !== null) texts.push(score.toFixed(1));
  }
  for (const side of ["left_muscle", "right_muscle"] as const) {
    const leg = exp.compliance_breakdown![side];
    const channel = exp.channels![leg.channel!];
    texts.push(`${channel.contraction_count} (${leg.expected_contractions})`);
    texts.push(`${(channel.mvc_value! * 1e6).toFixed(1)} µV`);
    texts.push(leg.overall_compliance!.toFixed(1));
  }
  return texts;
}

describe("PDF session report", () => {
  const files = analysableFixtures();

  it("covers the GHOSTLY fixtures and the other analysable files", () => {
    expect(files.filter((f) => f.startsWith("Ghostly_Emg_"))).toHaveLength(5);
    expect(files.length).toBeGreaterThanOrEqual(7);
  });

  it.each(files)("%s: 1–3 pages that render, with the export's identity, scores, counts and MVC as text", async (file) => {
    const exp = fixtureExport(file, { patient_code: "P042", session_code: "S-20230321-ABC123", therapist: "Dr. Ann Smith" });
    const pdf = await writePdf(exp, file);
    const pages = pdfPageCount(pdf);
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(3);
    const pageDir = mkdtempSync(path.join(dir, "pages-"));
    const images = renderPdfPages(pdf, pageDir);
    expect(images).toHaveLength(pages);
    for (const image of images) expect(image.bytes, image.file).toBeGreaterThan(5000);
    const text = pdfText(pdf);
    for (const expected of expectedTexts(exp)) expect(text, `${file}: "${expected}"`).toContain(expected);
    expect(text).toContain("Dr. Ann Smith");
    expect(text).toContain(`export_version ${exp.export_metadata.export_version}`);
    expect(text).toContain(exp.export_metadata.generator);
    expect(text).toContain(`page 1/${pages}`);
    expect(text).toContain(`${exp.processing_parameters!.filter_low_cutoff_hz}–${exp.processing_parameters!.filter_high_cutoff_hz} Hz`);
  });

  it("names no therapist when the export carries none (researchers' exports are pseudonymised)", async () => {
    const exp = fixtureExport(files[0], { patient_code: "P042", session_code: "S-1", therapist: null });
    const text = pdfText(await writePdf(exp, "pseudonymised"));
    expect(text).toContain("P042");
    expect(text).not.toContain("Therapist");
  });

  it("plots the export's own envelopes: an export without signals says so instead of drawing", async () => {
    const exp = fixtureExport(files[0], { patient_code: "P042", session_code: "S-1", therapist: null }, { signals: false });
    const text = pdfText(await writePdf(exp, "no-signals"));
    expect(text).toContain("The export has no envelope of this channel.");
    const withSignals = pdfText(
      await writePdf(fixtureExport(files[0], { patient_code: "P042", session_code: "S-1", therapist: null }), "signals"),
    );
    expect(withSignals).not.toContain("The export has no envelope");
    expect(withSignals).toContain("RMS envelope");
  });

  it("shows the data-quality section when the export has one", async () => {
    const exp = fixtureExport(files[0], { patient_code: "P042", session_code: "S-1", therapist: null });
    const withQuality = Object.assign(exp, {
      data_quality: {
        status: "review",
        findings: [
          {
            code: "clipping",
            severity: "warning",
            channel: "CH1",
            message: "CH1 sits at its rail for 1,620 samples",
            value: 1620,
            limit: 100,
          },
        ],
      },
    });
    const text = pdfText(await writePdf(withQuality, "quality"));
    for (const expected of ["Data quality", "review", "clipping", "CH1 sits at its rail for 1,620 samples", "1620"])
      expect(text).toContain(expected);
  });

  it("explains the overall score with the session's numbers", async () => {
    const exp = fixtureExport(EXAMPLE_FIXTURE, { patient_code: "P042", session_code: "S-1", therapist: null });
    const p = exp.performance_scores!;
    const c = exp.scoring_configuration!;
    const text = pdfText(await writePdf(exp, "formula"));
    const terms = [
      [c.weight_compliance, p.compliance_score],
      [c.weight_symmetry, p.symmetry_score],
      [c.weight_effort, p.effort_score],
      [c.weight_game, p.game_score],
    ].map(([w, s]) => `${w!.toFixed(2)} × ${s!.toFixed(1)}`);
    expect(text).toContain(`(${terms.join(" + ")}) / 1.00 = ${p.overall_score!.toFixed(1)}`);
    // Without a game maximum the game term drops out, and the report says so.
    const noGame = fixtureExport(
      EXAMPLE_FIXTURE,
      { patient_code: "P042", session_code: "S-1", therapist: null },
      { fields: { rpe_post_session: "5" } },
    );
    expect(noGame.performance_scores!.game_score).toBeNull();
    expect(pdfText(await writePdf(noGame, "no-game"))).toContain("No score for game: its weight is shared out among the others.");
  });
});
