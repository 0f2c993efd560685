/**
 * Every section and field of docs/export.md, listed from the spec text (the golden list),
 * and a check that an export has all of them — shared by the unit and integration tests.
 */
import { expect } from "vitest";

// Section keys and fields exactly as listed in docs/export.md (the golden list).
export const SECTIONS = [
  "export_metadata",
  "session",
  "performance_scores",
  "compliance_breakdown",
  "scoring_configuration",
  "processing_parameters",
  "session_parameters",
  "data_completeness",
  "data_quality",
  "channels",
  "contractions",
];
const SPEC_FIELDS: Record<string, string[]> = {
  export_metadata: ["export_timestamp", "export_version", "session_id", "generator"],
  session: [
    "session_code",
    "patient_code",
    "therapist",
    "recorded_at",
    "source_filename",
    "file_sha256",
    "file_size_bytes",
    "processing_status",
    "game",
  ],
  performance_scores: [
    "overall_score",
    "compliance_score",
    "symmetry_score",
    "effort_score",
    "game_score",
    "bfr_compliant",
    "bfr_pressure_aop",
    "rpe_post_session",
    "game_points_achieved",
    "game_points_max",
    "category",
  ],
  scoring_configuration: [
    "id",
    "name",
    "weight_compliance",
    "weight_symmetry",
    "weight_effort",
    "weight_game",
    "weight_completion",
    "weight_intensity",
    "weight_duration",
    "rpe_mapping",
    "rpe_mapping_formatted",
  ],
  processing_parameters: [
    "processing_version",
    "sampling_rate_hz",
    "filter_low_cutoff_hz",
    "filter_high_cutoff_hz",
    "filter_high_cutoff_requested_hz",
    "filter_order",
    "rms_window_ms",
    "rms_overlap_percent",
    "threshold_factor",
    "activated_threshold_factor",
    "merge_gap_ms",
    "min_duration_ms",
    "mvc_threshold_percentage",
  ],
  session_parameters: [
    "rpe_pre_session",
    "rpe_post_session",
    "mvc_threshold_ch1",
    "mvc_threshold_ch2",
    "contraction_duration_threshold",
    "target_duration_ch1_ms",
    "target_duration_ch2_ms",
    "expected_contractions_ch1",
    "expected_contractions_ch2",
    "session_duration_seconds",
    "rest_duration_seconds",
  ],
  data_completeness: ["has_emg_data", "has_rpe", "has_game_data", "has_bfr_data", "rpe_source"],
  data_quality: ["status", "findings"],
};
const MUSCLE_FIELDS = [
  "channel",
  "overall_compliance",
  "completion_rate",
  "intensity_rate",
  "duration_rate",
  "contraction_count",
  "good_contraction_count",
  "intensity_compliant_count",
  "duration_compliant_count",
  "expected_contractions",
];
const CHANNEL_FIELDS = [
  "label",
  "side",
  "timing_source",
  "mvc_value",
  "mvc_source",
  "rms",
  "mav",
  "mpf",
  "mdf",
  "fatigue_index_fi_nsm5",
  "duration_s",
  "contraction_count",
  "good_contraction_count",
  "intensity_compliant_count",
  "duration_compliant_count",
  "mean_duration_ms",
  "shortest_duration_ms",
  "longest_duration_ms",
  "total_time_under_tension_ms",
  "mean_peak_rms",
  "max_peak_rms",
  "warnings",
];
export const CONTRACTION_FIELDS = [
  "channel",
  "index",
  "start_ms",
  "end_ms",
  "duration_ms",
  "peak_rms",
  "mean_rms",
  "percent_mvc",
  "meets_intensity",
  "meets_duration",
  "is_good",
];

export function checkEveryField(exp: Record<string, unknown>) {
  expect(Object.keys(exp).slice(0, SECTIONS.length)).toEqual(SECTIONS);
  for (const [section, fields] of Object.entries(SPEC_FIELDS)) {
    expect(Object.keys(exp[section] as object), section).toEqual(expect.arrayContaining(fields));
  }
  const cb = exp.compliance_breakdown as Record<string, object>;
  for (const side of ["left_muscle", "right_muscle"]) expect(Object.keys(cb[side])).toEqual(expect.arrayContaining(MUSCLE_FIELDS));
  const sc = exp.scoring_configuration as {
    rpe_mapping_formatted: { scale: string; ranges: Record<string, object> };
    bfr_pressure_min_aop: number;
    bfr_pressure_max_aop: number;
  };
  expect(sc.rpe_mapping_formatted.scale).toBe("Borg CR-10");
  expect(Object.keys(sc.rpe_mapping_formatted.ranges)).toEqual(["optimal", "acceptable", "suboptimal", "poor"]);
  for (const r of Object.values(sc.rpe_mapping_formatted.ranges)) expect(Object.keys(r)).toEqual(["values", "score", "description"]);
  expect([sc.bfr_pressure_min_aop, sc.bfr_pressure_max_aop]).toEqual([40, 60]);
  expect(Object.keys((exp.session as { game: object }).game)).toEqual(
    expect.arrayContaining(["name", "level", "points", "version", "system"]),
  );
  const channels = exp.channels as Record<string, object>;
  expect(Object.keys(channels)).toEqual(["CH1", "CH2"]);
  for (const ch of Object.values(channels)) expect(Object.keys(ch)).toEqual(expect.arrayContaining(CHANNEL_FIELDS));
  for (const c of exp.contractions as object[]) expect(Object.keys(c)).toEqual(CONTRACTION_FIELDS);
}
