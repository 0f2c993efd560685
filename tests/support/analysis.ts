/**
 * A realistic `SessionAnalysis` built by hand (the real analyzeC3d is developed in parallel).
 * It is the worked example of docs/scoring.md: left (CH1) 11 contractions, 9 meet intensity,
 * 10 meet duration; right (CH2) 12, 8, 11; expected 12 each; RPE 6; BFR 52 % AOP; game 850 of 1000.
 * The scores are computed here with docs/scoring.md's formulas so every number is consistent.
 */
import { createHash, randomBytes } from "node:crypto";
import type { SessionAnalysis } from "~/lib/analysis/types";
import type { ChannelResult, Contraction, MuscleCompliance, ScoringConfigurationExport } from "~/lib/export/schema";
import { PROCESSING_VERSION } from "~/lib/export/schema";

const MVC_VOLTS = { CH1: 0.00042, CH2: 0.00038 } as const;
const TARGET_MS = 2000;
const EXPECTED = 12;
const HOP_S = 0.05; // 100 ms windows, 50 % overlap at 1000 Hz (docs/pipeline.md §2 defaults)
const DURATION_S = 60;

/** Contractions of one channel; `weak` fail intensity, `short` fail duration. */
function contractionsOf(channel: "CH1" | "CH2", count: number, weak: number[], short: number[]): Contraction[] {
  const mvc = MVC_VOLTS[channel];
  return Array.from({ length: count }, (_, index) => {
    const start_ms = 1500 + index * 4500;
    const duration_ms = short.includes(index) ? 1400 : 2300 + (index % 3) * 100;
    const peak_rms = weak.includes(index) ? mvc * 0.6 : mvc * (0.8 + (index % 4) * 0.04);
    const meets_intensity = peak_rms >= mvc * 0.75;
    const meets_duration = duration_ms >= TARGET_MS;
    return {
      channel,
      index,
      start_ms,
      end_ms: start_ms + duration_ms - 1,
      duration_ms,
      peak_rms,
      mean_rms: peak_rms * 0.7,
      percent_mvc: (peak_rms / mvc) * 100,
      meets_intensity,
      meets_duration,
      is_good: meets_intensity && meets_duration,
    };
  });
}

function channelOf(channel: "CH1" | "CH2", side: "left" | "right", list: Contraction[]): ChannelResult {
  const durations = list.map((c) => c.duration_ms);
  const peaks = list.map((c) => c.peak_rms);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    label: channel === "CH1" ? "CH1 Raw" : "CH2 Raw",
    side,
    timing_source: "activated",
    mvc_value: MVC_VOLTS[channel],
    mvc_source: "upload",
    mvc_threshold: MVC_VOLTS[channel] * 0.75,
    rms: 0.00011,
    mav: 0.000085,
    mpf: 92.4,
    mdf: 78.1,
    fatigue_index_fi_nsm5: 1.7e-9,
    target_duration_ms: TARGET_MS,
    contraction_count: list.length,
    good_contraction_count: list.filter((c) => c.is_good).length,
    intensity_compliant_count: list.filter((c) => c.meets_intensity).length,
    duration_compliant_count: list.filter((c) => c.meets_duration).length,
    mean_duration_ms: mean(durations),
    shortest_duration_ms: Math.min(...durations),
    longest_duration_ms: Math.max(...durations),
    total_time_under_tension_ms: durations.reduce((a, b) => a + b, 0),
    mean_peak_rms: mean(peaks),
    max_peak_rms: Math.max(...peaks),
    duration_s: DURATION_S,
    error: null,
    warnings: channel === "CH2" ? [{ code: "high_cutoff_clamped", message: "450 Hz clamped to 470.25 Hz" }] : [],
  };
}

/** A smooth RMS envelope with one bump per contraction (the review plot's data). */
function envelopeOf(list: Contraction[], baseline: number) {
  const n = Math.floor(DURATION_S / HOP_S);
  const times_s = new Float64Array(n);
  const values = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const t = k * HOP_S + 0.0495;
    times_s[k] = t;
    let v = baseline;
    for (const c of list) {
      if (t * 1000 >= c.start_ms && t * 1000 <= c.end_ms) {
        v = Math.max(v, c.peak_rms * Math.sin((Math.PI * (t * 1000 - c.start_ms)) / c.duration_ms));
      }
    }
    values[k] = v;
  }
  return { times_s, values };
}

const SUB = { completion: 0.333, intensity: 0.333, duration: 0.334 };
const WEIGHTS = { compliance: 0.5, symmetry: 0.25, effort: 0.25, game: 0 };

function muscleOf(channel: string, list: Contraction[]): MuscleCompliance {
  const count = list.length;
  const intensity = list.filter((c) => c.meets_intensity).length;
  const duration = list.filter((c) => c.meets_duration).length;
  const completion_rate = Math.min(count / EXPECTED, 1);
  const intensity_rate = count === 0 ? 0 : intensity / count;
  const duration_rate = count === 0 ? 0 : duration / count;
  return {
    channel,
    overall_compliance: 100 * (SUB.completion * completion_rate + SUB.intensity * intensity_rate + SUB.duration * duration_rate),
    completion_rate,
    intensity_rate,
    duration_rate,
    contraction_count: count,
    good_contraction_count: list.filter((c) => c.is_good).length,
    intensity_compliant_count: intensity,
    duration_compliant_count: duration,
    expected_contractions: EXPECTED,
  };
}

export const DEFAULT_SCORING_SNAPSHOT: ScoringConfigurationExport = {
  id: null,
  name: "GHOSTLY+ default",
  weight_compliance: WEIGHTS.compliance,
  weight_symmetry: WEIGHTS.symmetry,
  weight_effort: WEIGHTS.effort,
  weight_game: WEIGHTS.game,
  weight_completion: SUB.completion,
  weight_intensity: SUB.intensity,
  weight_duration: SUB.duration,
  rpe_mapping: { "0": 20, "1": 20, "2": 60, "3": 80, "4": 100, "5": 100, "6": 100, "7": 80, "8": 60, "9": 20, "10": 20 },
  rpe_mapping_formatted: {
    scale: "Borg CR-10",
    ranges: {
      optimal: { values: [4, 5, 6], score: 100, description: "optimal effort" },
      acceptable: { values: [3, 7], score: 80, description: "acceptable effort" },
      suboptimal: { values: [2, 8], score: 60, description: "suboptimal effort" },
      poor: { values: [0, 1, 9, 10], score: 20, description: "poor effort" },
    },
  },
  bfr_pressure_min_aop: 40,
  bfr_pressure_max_aop: 60,
};

/** Random bytes standing in for a C3D file (the repository never parses them). */
export function fakeC3dBytes(size = 4096): Uint8Array {
  return new Uint8Array(randomBytes(size));
}

/**
 * The worked example as a stored-upload analysis. recorded_at is wall-clock time without a zone
 * (docs/decisions/020), as the C3D reader produces it. `bytes` decides file_sha256/size, so each test
 * can make its own distinct "file".
 */
export function buildAnalysis(bytes: Uint8Array, options: { recordedAt?: string | null; filename?: string } = {}): SessionAnalysis {
  const left = contractionsOf("CH1", 11, [3, 7], [7]);
  const right = contractionsOf("CH2", 12, [1, 4, 8, 10], [10]);
  const leftMuscle = muscleOf("CH1", left);
  const rightMuscle = muscleOf("CH2", right);
  const sLeft = leftMuscle.overall_compliance!;
  const sRight = rightMuscle.overall_compliance!;
  const compliance = (sLeft + sRight) / 2;
  const symmetry = 100 * (1 - Math.abs(sLeft - sRight) / (sLeft + sRight));
  const effort = 100; // RPE 6 → optimal
  const game = 100 * Math.min(850 / 1000, 1);
  // BFR 52 % AOP is inside [40, 60]: the gate is 1; game weight 0 leaves the other three.
  const overall =
    (WEIGHTS.compliance * compliance + WEIGHTS.symmetry * symmetry + WEIGHTS.effort * effort + WEIGHTS.game * game) /
    (WEIGHTS.compliance + WEIGHTS.symmetry + WEIGHTS.effort + WEIGHTS.game);
  const recordedAt = options.recordedAt === undefined ? "2023-03-21T17:23:09" : options.recordedAt;
  return {
    session: {
      session_code: null,
      patient_code: null,
      therapist: null,
      recorded_at: recordedAt,
      source_filename: options.filename ?? "Ghostly_Emg_20230321_17-23-09-0409.c3d",
      file_sha256: createHash("sha256").update(bytes).digest("hex"),
      file_size_bytes: bytes.byteLength,
      processing_status: "completed",
      game: { name: "GHOSTLY", level: 3, level_name: null, points: 850, version: "2.1.0", system: null },
    },
    performance_scores: {
      overall_score: overall,
      compliance_score: compliance,
      symmetry_score: symmetry,
      effort_score: effort,
      game_score: game,
      bfr_compliant: true,
      bfr_pressure_aop: 52,
      rpe_post_session: 6,
      game_points_achieved: 850,
      game_points_max: 1000,
      category: overall >= 90 ? "target_achieved" : overall >= 80 ? "adequate" : "below_target",
    },
    compliance_breakdown: { left_muscle: leftMuscle, right_muscle: rightMuscle },
    scoring_configuration: DEFAULT_SCORING_SNAPSHOT,
    processing_parameters: {
      processing_version: PROCESSING_VERSION,
      sampling_rate_hz: 1000,
      filter_low_cutoff_hz: 20,
      filter_high_cutoff_hz: 450,
      filter_high_cutoff_requested_hz: 450,
      filter_order: 4,
      rms_window_ms: 100,
      rms_overlap_percent: 50,
      threshold_factor: 0.2,
      activated_threshold_factor: 0.05,
      merge_gap_ms: 200,
      min_duration_ms: 100,
      mvc_threshold_percentage: 75,
    },
    session_parameters: {
      rpe_pre_session: 2,
      rpe_post_session: 6,
      mvc_threshold_ch1: MVC_VOLTS.CH1 * 0.75,
      mvc_threshold_ch2: MVC_VOLTS.CH2 * 0.75,
      contraction_duration_threshold: TARGET_MS,
      target_duration_ch1_ms: TARGET_MS,
      target_duration_ch2_ms: TARGET_MS,
      expected_contractions_ch1: EXPECTED,
      expected_contractions_ch2: EXPECTED,
      session_duration_seconds: DURATION_S,
      rest_duration_seconds: 5,
    },
    data_completeness: { has_emg_data: true, has_rpe: true, has_game_data: true, has_bfr_data: true, rpe_source: "upload" },
    // A session to review: CH2's longest contraction (1,500 ms) is short of its 2,000 ms target.
    data_quality: {
      status: "review",
      findings: [
        {
          code: "duration_target_unreachable",
          severity: "warning",
          channel: "CH2",
          message: "No contraction of CH2 lasted 2,000 ms: the longest lasted 1,500 ms.",
          value: 1500,
          limit: 2000,
        },
      ],
    },
    channels: { CH1: channelOf("CH1", "left", left), CH2: channelOf("CH2", "right", right) },
    contractions: [...left, ...right],
    envelopes: { CH1: envelopeOf(left, 0.000021), CH2: envelopeOf(right, 0.000018) },
    c3d_metadata: {
      processor: "intel",
      analog_rate_hz: 1000,
      frames: 60000,
      labels: ["CH1 Raw", "CH1 activated", "CH2 Raw", "CH2 activated"],
      info: { TIME: "17:23:09", GAME_LEVEL: 3 },
    },
    warnings: [{ code: "assumed_side_mapping", message: "CH1 = left, CH2 = right" }],
  };
}
