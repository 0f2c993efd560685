/**
 * An upload (C3D bytes + options) analysed without storing it, with the raw and band-passed samples
 * when asked — the one place POST /api/export, the quick analysis and bin/analyze.ts get an unsaved
 * session from. The result is what the export builder reads (`ExportSource`) without this layer
 * knowing the export format.
 */
import { readC3d } from "~/lib/c3d";
import { analyzeC3d, analyzeC3dDetailed } from "./analyze";
import { findMuscleChannels } from "./channels";
import type { AnalysisOptions } from "./options";
import type { SessionAnalysis } from "./types";

export interface UploadSignalRequest {
  /** Keep each muscle's raw samples for `signals.<id>.raw`. */
  raw?: boolean;
  /** Keep each muscle's band-passed samples for `signals.<id>.bandpassed`. */
  bandpassed?: boolean;
}

/** A session that was not stored (`session_id` null), with the samples a signal export asked for. */
export interface UploadAnalysis extends SessionAnalysis {
  session_id: null;
  /** Per muscle channel id: its raw and band-passed samples, when requested. */
  raw_signals?: Record<string, { raw?: Float64Array; bandpassed?: Float64Array }>;
}

/**
 * Analyses an upload without storing it.
 * @throws C3dError, ParameterError, AnalysisError exactly as `analyzeC3d`
 */
export function analyzeUploadForExport(bytes: Uint8Array, options: AnalysisOptions, signals: UploadSignalRequest = {}): UploadAnalysis {
  if (!signals.raw && !signals.bandpassed) return { ...analyzeC3d(bytes, options), session_id: null };
  const { analysis, muscles } = analyzeC3dDetailed(bytes, options);
  // The reader is re-run only for this rare request: analyzeC3d keeps no raw samples.
  const analog = readC3d(bytes).analog;
  const roles = findMuscleChannels(analog, options.channels);
  const raw_signals: NonNullable<UploadAnalysis["raw_signals"]> = {};
  roles.forEach((role, i) => {
    raw_signals[role.id] = {
      raw: signals.raw ? analog.channels[role.rawIndex] : undefined,
      bandpassed: signals.bandpassed ? (muscles[i]?.result.bandpassed ?? undefined) : undefined,
    };
  });
  return { ...analysis, session_id: null, raw_signals };
}
