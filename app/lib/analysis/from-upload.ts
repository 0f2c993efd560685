/**
 * An upload (C3D bytes + options) as the builder's input, with the raw and band-passed samples
 * when asked — the one place both POST /api/export and bin/analyze.ts get an unsaved session from.
 * Server/CLI only (the analysis hashes with node:crypto): not re-exported by ./index.
 */
import { analyzeC3d, analyzeC3dDetailed } from "./analyze";
import { findMuscleChannels } from "./channels";
import type { AnalysisOptions } from "./options";
import { readC3d } from "~/lib/c3d";
import type { ExportSource } from "~/lib/export/build";

export interface UploadSignalRequest {
  /** Keep each muscle's raw samples for `signals.<id>.raw`. */
  raw?: boolean;
  /** Keep each muscle's band-passed samples for `signals.<id>.bandpassed`. */
  bandpassed?: boolean;
}

/**
 * Analyses an upload without storing it.
 * @throws C3dError, ParameterError, AnalysisError exactly as `analyzeC3d`
 */
export function analyzeUploadForExport(
  bytes: Uint8Array,
  options: AnalysisOptions,
  signals: UploadSignalRequest = {},
): ExportSource {
  if (!signals.raw && !signals.bandpassed) return { ...analyzeC3d(bytes, options), session_id: null };
  const { analysis, muscles } = analyzeC3dDetailed(bytes, options);
  // The reader is re-run only for this rare request: analyzeC3d keeps no raw samples.
  const analog = readC3d(bytes).analog;
  const roles = findMuscleChannels(analog, options.channels);
  const raw_signals: NonNullable<ExportSource["raw_signals"]> = {};
  roles.forEach((role, i) => {
    raw_signals[role.id] = {
      raw: signals.raw ? analog.channels[role.rawIndex] : undefined,
      bandpassed: signals.bandpassed ? (muscles[i]?.result.bandpassed ?? undefined) : undefined,
    };
  });
  return { ...analysis, session_id: null, raw_signals };
}
