/**
 * `analyzeC3d`: C3D bytes + options → the complete `SessionAnalysis` (every export section that
 * follows from the file). The upload, the export API and the CLI all call this one function.
 * Runs on the server and in the CLI only (it hashes with node:crypto).
 */
import { createHash } from "node:crypto";
import { readC3d } from "~/lib/c3d";
import { type MuscleResult, designBandpass, processMuscles } from "~/lib/emg/muscle";
import { resolveProcessingParameters, toExportProcessingParameters } from "~/lib/emg/parameters";
import type { Contraction, SessionParameters } from "~/lib/domain";
import { DEFAULT_SCORING_CONFIGURATION, parseScoringConfiguration, scoringConfigurationExport } from "~/lib/scoring/configuration";
import { type ScoredMuscle, scoreSession } from "~/lib/scoring/score";
import { findMuscleChannels } from "./channels";
import { AnalysisError } from "./errors";
import { type AnalysisOptions, validateAnalysisOptions } from "./options";
import { c3dMetadata, gameInfo, recordedAt } from "./metadata";
import { sessionQuality } from "./quality";
import type { SessionAnalysis } from "./types";

/** Per muscle: the pipeline's full result, for callers that need more than the export (debug, plots). */
export interface MuscleAnalysis {
  side: "left" | "right";
  result: MuscleResult;
}

/**
 * Reads and analyses one C3D recording.
 *
 * @throws C3dError (from the reader) for bytes that are not valid C3D
 * @throws ParameterError for an invalid option (names the field)
 * @throws AnalysisError when the file has no usable EMG channel (`no_emg_channels`, `channel_not_found`)
 */
export function analyzeC3d(bytes: Uint8Array, options: AnalysisOptions = {}): SessionAnalysis {
  return analyze(bytes, options, false).analysis;
}

/** `analyzeC3d` plus each muscle's intermediate signals (band-passed signal, envelope geometry). */
export function analyzeC3dDetailed(
  bytes: Uint8Array,
  options: AnalysisOptions = {},
): { analysis: SessionAnalysis; muscles: MuscleAnalysis[] } {
  return analyze(bytes, options, true);
}

/** Both entry points; `keepBandpassed` only for the detailed one (the export never reads them). */
function analyze(
  bytes: Uint8Array,
  options: AnalysisOptions,
  keepBandpassed: boolean,
): { analysis: SessionAnalysis; muscles: MuscleAnalysis[] } {
  validateAnalysisOptions(options);
  const config = options.scoring ? parseScoringConfiguration(options.scoring) : DEFAULT_SCORING_CONFIGURATION;
  const session = options.session ?? {};
  const file = readC3d(bytes);
  // A file without an ANALOG group has no analog rate (null): reported as 0, like a group without RATE.
  const fs = file.analog.rate ?? 0;
  if (!(Number.isFinite(fs) && fs > 0) || file.analog.labels.length === 0) {
    throw new AnalysisError(
      "no_analog_data",
      `the file has no analog data to analyse (ANALOG:RATE ${fs}, ${file.analog.labels.length} analog channels)`,
      422,
    );
  }
  const params = resolveProcessingParameters(
    {
      ...options.processing,
      // The configuration's target percentage applies unless this upload sets one.
      mvc_threshold_percentage: options.processing?.mvc_threshold_percentage ?? config.mvc_threshold_percentage,
    },
    fs,
  );
  const roles = findMuscleChannels(file.analog, options.channels);
  const sos = designBandpass(params);

  const targets = {
    left: session.target_duration_ch1_ms ?? config.target_duration_ms,
    right: session.target_duration_ch2_ms ?? config.target_duration_ms,
  };
  const expected = {
    left: session.expected_contractions_ch1 ?? config.expected_contractions,
    right: session.expected_contractions_ch2 ?? config.expected_contractions,
  };
  // Both muscles together: their signal stages run in shared SIMD lanes (processMuscles).
  const results = processMuscles(
    roles.map((role) => ({
      id: role.id,
      label: role.rawLabel,
      side: role.side,
      raw: file.analog.channels[role.rawIndex],
      activated: role.activatedIndex != null ? file.analog.channels[role.activatedIndex] : null,
      mvcUpload: role.side === "left" ? session.mvc_ch1 : session.mvc_ch2,
      mvcPatient: role.side === "left" ? options.patientMvc?.ch1 : options.patientMvc?.ch2,
      targetDurationMs: targets[role.side],
      expectedContractions: expected[role.side],
    })),
    params,
    sos,
    { keepBandpassed },
  );
  const muscles: MuscleAnalysis[] = roles.map((role, i) => ({ side: role.side, result: results[i] }));

  const channels: SessionAnalysis["channels"] = {};
  const envelopes: SessionAnalysis["envelopes"] = {};
  const contractions: Contraction[] = [];
  muscles.forEach(({ result }, i) => {
    const id = roles[i].id;
    channels[id] = result.channel;
    if (result.envelope) envelopes[id] = { times_s: result.envelope.times, values: result.envelope.values };
    for (const c of result.contractions) {
      contractions.push({
        channel: id,
        index: c.index,
        start_ms: c.start_ms,
        end_ms: c.end_ms,
        duration_ms: c.duration_ms,
        peak_rms: c.peak_rms,
        mean_rms: c.mean_rms,
        percent_mvc: c.percent_mvc,
        meets_intensity: c.meets_intensity,
        meets_duration: c.meets_duration,
        is_good: c.is_good,
      });
    }
  });

  const scored = (side: "left" | "right"): ScoredMuscle | null => {
    const i = muscles.findIndex((m) => m.side === side);
    if (i < 0) return null;
    return { channel: roles[i].id, expected_contractions: expected[side], rejected: muscles[i].result.channel.error != null };
  };
  const game = gameInfo(file);
  const { performance_scores, compliance_breakdown } = scoreSession(
    {
      contractions,
      left: scored("left"),
      right: scored("right"),
      rpe_post_session: session.rpe_post_session ?? null,
      bfr_pressure_aop: session.bfr_pressure_aop ?? null,
      game_points_achieved: game.points,
      game_points_max: session.game_points_max ?? null,
    },
    config,
  );

  const left = muscles.find((m) => m.side === "left")?.result.channel;
  const right = muscles.find((m) => m.side === "right")?.result.channel;
  const firstRaw = file.analog.channels[roles[0].rawIndex];
  const session_parameters: SessionParameters = {
    rpe_pre_session: session.rpe_pre_session ?? null,
    rpe_post_session: session.rpe_post_session ?? null,
    mvc_threshold_ch1: left?.mvc_threshold ?? null,
    mvc_threshold_ch2: right?.mvc_threshold ?? null,
    contraction_duration_threshold: targets.left === targets.right ? targets.left : null,
    target_duration_ch1_ms: targets.left,
    target_duration_ch2_ms: targets.right,
    expected_contractions_ch1: expected.left,
    expected_contractions_ch2: expected.right,
    session_duration_seconds: firstRaw.length / fs,
    rest_duration_seconds: session.rest_duration_seconds ?? null,
  };

  const warnings = file.warnings.map((w) => ({ code: w.code, message: w.message }));
  const sourceFilename = options.sourceFilename ?? null;
  const time = recordedAt(file, sourceFilename);
  if (time.recorded_at && !time.seconds_from_file_name) {
    warnings.push({
      code: "recorded_at_seconds_unknown",
      message: "INFO:TIME has no seconds and the file name does not give them (…_HH-MM-SS-…); recorded_at uses :00",
    });
  }
  if (roles.length < 2) {
    warnings.push({ code: "single_muscle", message: `only one EMG channel (${roles[0].rawLabel}); symmetry and session scores need two` });
  }

  const analysis: SessionAnalysis = {
    session: {
      session_code: null,
      patient_code: null,
      therapist: null,
      recorded_at: time.recorded_at,
      source_filename: sourceFilename,
      file_sha256: options.fileSha256 ?? createHash("sha256").update(bytes).digest("hex"),
      file_size_bytes: bytes.byteLength,
      processing_status: "completed",
      game,
    },
    performance_scores,
    compliance_breakdown,
    scoring_configuration: scoringConfigurationExport(config),
    processing_parameters: toExportProcessingParameters(params),
    session_parameters,
    data_completeness: {
      has_emg_data: muscles.some((m) => m.result.channel.error == null),
      has_rpe: session.rpe_post_session != null,
      has_game_data: game.points != null,
      has_bfr_data: session.bfr_pressure_aop != null,
      rpe_source: session.rpe_post_session != null ? "upload" : null,
    },
    data_quality: sessionQuality(file.completeness, file.analog, firstRaw.length / fs, roles, results),
    channels,
    contractions,
    envelopes,
    c3d_metadata: c3dMetadata(file),
    warnings,
  };
  return { analysis, muscles };
}
