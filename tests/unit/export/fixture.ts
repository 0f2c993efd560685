/**
 * A `SessionAnalysis` assembled from an independent reference (tests/fixtures/reference/pipeline,
 * SciPy) plus the scoring configuration defaults of docs/scoring.md — so export tests do not
 * depend on our own pipeline's output and their expected values are the reference's.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { SessionAnalysis } from "~/lib/analysis/types";
import { DEFAULT_SCORING_SNAPSHOT } from "../../support/analysis";

export const REFERENCE_FILE = "Ghostly_Emg_20230321_17-23-09-0409.c3d";

export function referencePath(file: string, setting: "a" | "b"): string {
  return fileURLToPath(new URL(`../../fixtures/reference/pipeline/${file}.${setting}.json`, import.meta.url));
}

// Default configuration of docs/scoring.md, written out once for all tests (tests/support/analysis.ts).
export const DEFAULT_SCORING = DEFAULT_SCORING_SNAPSHOT;

export interface Reference {
  performance_scores: SessionAnalysis["performance_scores"];
  compliance_breakdown: SessionAnalysis["compliance_breakdown"];
  processing_parameters: SessionAnalysis["processing_parameters"];
  session_parameters: SessionAnalysis["session_parameters"];
  data_completeness: Omit<SessionAnalysis["data_completeness"], "rpe_source">;
  channels: Record<string, Omit<SessionAnalysis["channels"][string], "error"> & { error?: unknown }>;
  contractions: SessionAnalysis["contractions"];
}

export function loadReference(file = REFERENCE_FILE, setting: "a" | "b" = "b"): Reference {
  return JSON.parse(readFileSync(referencePath(file, setting), "utf8")) as Reference;
}

/** The reference analysis as `analyzeC3d` would return it, with a small synthetic envelope. */
export function referenceAnalysis(setting: "a" | "b" = "b"): SessionAnalysis {
  const ref = loadReference(REFERENCE_FILE, setting);
  const channels: SessionAnalysis["channels"] = {};
  for (const [id, ch] of Object.entries(ref.channels)) channels[id] = { ...ch, error: null };
  const envelopes: SessionAnalysis["envelopes"] = {};
  for (const id of Object.keys(channels)) {
    envelopes[id] = { times_s: Float64Array.from([0.05, 0.1, 0.15]), values: Float64Array.from([1e-5, 2.5e-4, 3e-5]) };
  }
  return {
    session: {
      session_code: null,
      patient_code: null,
      therapist: null,
      recorded_at: "2023-03-21T17:23:09Z",
      source_filename: REFERENCE_FILE,
      file_sha256: "accb9d0fbead8f39fa008f14be5ae67c25fe29e245acb4296f60c798f49e68bf", // sha256sum of the fixture file
      file_size_bytes: 1234567,
      processing_status: "completed",
      game: { name: "GHOSTLY", level: 2, level_name: null, points: 24, version: null, system: null },
    },
    performance_scores: ref.performance_scores,
    compliance_breakdown: ref.compliance_breakdown,
    scoring_configuration: DEFAULT_SCORING,
    processing_parameters: ref.processing_parameters,
    session_parameters: ref.session_parameters,
    data_completeness: { ...ref.data_completeness, rpe_source: ref.performance_scores.rpe_post_session === null ? null : "upload" },
    // Two findings of different channels and codes, so the CSV's distinct sorted codes are exercised.
    data_quality: {
      status: "review",
      findings: [
        { code: "left_right_unverified", severity: "info", channel: null, message: "Sides by default.", value: null, limit: null },
        { code: "line_noise", severity: "warning", channel: "CH2", message: "Mains hum: 20 % of the power.", value: 0.2, limit: 0.15 },
        { code: "clipping", severity: "warning", channel: "CH1", message: "Clipped: 0.93 %.", value: 0.0093, limit: 0.0002 },
        { code: "line_noise", severity: "warning", channel: "CH1", message: "Mains hum: 18 % of the power.", value: 0.18, limit: 0.15 },
      ],
    },
    channels,
    contractions: ref.contractions,
    envelopes,
    c3d_metadata: { processor: "INTEL", analog_rate: 990 },
    warnings: [],
  };
}
