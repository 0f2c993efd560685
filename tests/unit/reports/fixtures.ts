/**
 * Exports of the C3D fixtures the pipeline analyses, as the report tests read them: setting b of
 * the reference (RPE 5, BFR 50 % AOP, game maximum 30), with the identity a stored session would
 * carry (patient, session code, therapist), and with the envelopes the PDF plots.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { analyzeUploadForExport, isInputError, parseAnalysisOptions } from "~/lib/analysis";
import { buildSessionExport } from "~/lib/export";
import type { SessionExport } from "~/lib/export/schema";

export const FIXTURES = path.resolve("tests/fixtures/c3d");
export const EXAMPLE_FIXTURE = "Ghostly_Emg_20230321_17-23-09-0409.c3d";
export const SETTING_B = { rpe_post_session: "5", bfr_pressure_aop: "50", game_points_max: "30" };
export const NOW = new Date("2026-03-04T05:06:07.891Z");

export interface Identity {
  patient_code: string;
  session_code: string;
  therapist: string | null;
}

export function fixtureExport(
  file: string,
  identity: Identity,
  options: { signals?: boolean; fields?: Record<string, string> } = {},
): SessionExport {
  const bytes = new Uint8Array(readFileSync(path.join(FIXTURES, file)));
  const source = analyzeUploadForExport(bytes, { ...parseAnalysisOptions(options.fields ?? SETTING_B), sourceFilename: file });
  return buildSessionExport(
    { ...source, session_id: `id-${file}`, session: { ...(source.session as object), ...identity } },
    { now: NOW, includeSignals: options.signals ?? true },
  );
}

/** Every fixture file the pipeline analyses (the others have no EMG channel or no analog data). */
export function analysableFixtures(): string[] {
  return readdirSync(FIXTURES)
    .filter((n) => /\.c3d$/i.test(n))
    .sort()
    .filter((file) => {
      try {
        analyzeUploadForExport(new Uint8Array(readFileSync(path.join(FIXTURES, file))), {
          ...parseAnalysisOptions({}),
          sourceFilename: file,
        });
        return true;
      } catch (error) {
        if (isInputError(error)) return false;
        throw error;
      }
    });
}
