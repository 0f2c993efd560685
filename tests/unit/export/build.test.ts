import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { APP_GENERATOR, buildSessionExport } from "~/lib/export";
import { EXPORT_VERSION, minimalExportSchema, sessionExportSchema } from "~/lib/export/schema";
import { DEFAULT_SCORING, loadReference, referenceAnalysis } from "./fixture";

const now = new Date("2026-01-02T03:04:05.678Z");

// Section keys and fields exactly as listed in shared/spec/export.md (the golden list).
const SECTIONS = [
  "export_metadata",
  "session",
  "performance_scores",
  "compliance_breakdown",
  "scoring_configuration",
  "processing_parameters",
  "session_parameters",
  "data_completeness",
  "channels",
  "contractions",
];
const SPEC_FIELDS: Record<string, string[]> = {
  export_metadata: ["export_timestamp", "export_version", "session_id", "generator"],
  session: ["session_code", "patient_code", "therapist", "recorded_at", "source_filename", "file_sha256", "file_size_bytes", "processing_status", "game"],
  performance_scores: ["overall_score", "compliance_score", "symmetry_score", "effort_score", "game_score", "bfr_compliant", "bfr_pressure_aop", "rpe_post_session", "game_points_achieved", "game_points_max", "category"],
  scoring_configuration: ["id", "name", "weight_compliance", "weight_symmetry", "weight_effort", "weight_game", "weight_completion", "weight_intensity", "weight_duration", "rpe_mapping", "rpe_mapping_formatted"],
  processing_parameters: ["processing_version", "sampling_rate_hz", "filter_low_cutoff_hz", "filter_high_cutoff_hz", "filter_high_cutoff_requested_hz", "filter_order", "rms_window_ms", "rms_overlap_percent", "threshold_factor", "activated_threshold_factor", "merge_gap_ms", "min_duration_ms", "mvc_threshold_percentage"],
  session_parameters: ["rpe_pre_session", "rpe_post_session", "mvc_threshold_ch1", "mvc_threshold_ch2", "contraction_duration_threshold", "target_duration_ch1_ms", "target_duration_ch2_ms", "expected_contractions_ch1", "expected_contractions_ch2", "session_duration_seconds", "rest_duration_seconds"],
  data_completeness: ["has_emg_data", "has_rpe", "has_game_data", "has_bfr_data", "rpe_source"],
};
const MUSCLE_FIELDS = ["channel", "overall_compliance", "completion_rate", "intensity_rate", "duration_rate", "contraction_count", "good_contraction_count", "intensity_compliant_count", "duration_compliant_count", "expected_contractions"];
const CHANNEL_FIELDS = ["label", "side", "timing_source", "mvc_value", "mvc_source", "rms", "mav", "mpf", "mdf", "fatigue_index_fi_nsm5", "duration_s", "contraction_count", "good_contraction_count", "intensity_compliant_count", "duration_compliant_count", "mean_duration_ms", "shortest_duration_ms", "longest_duration_ms", "total_time_under_tension_ms", "mean_peak_rms", "max_peak_rms", "warnings"];
const CONTRACTION_FIELDS = ["channel", "index", "start_ms", "end_ms", "duration_ms", "peak_rms", "mean_rms", "percent_mvc", "meets_intensity", "meets_duration", "is_good"];

function checkEveryField(exp: Record<string, unknown>) {
  expect(Object.keys(exp).slice(0, SECTIONS.length)).toEqual(SECTIONS);
  for (const [section, fields] of Object.entries(SPEC_FIELDS)) {
    expect(Object.keys(exp[section] as object), section).toEqual(expect.arrayContaining(fields));
  }
  const cb = exp.compliance_breakdown as Record<string, object>;
  for (const side of ["left_muscle", "right_muscle"]) expect(Object.keys(cb[side])).toEqual(expect.arrayContaining(MUSCLE_FIELDS));
  const sc = exp.scoring_configuration as { rpe_mapping_formatted: { scale: string; ranges: Record<string, object> }; bfr_pressure_min_aop: number; bfr_pressure_max_aop: number };
  expect(sc.rpe_mapping_formatted.scale).toBe("Borg CR-10");
  expect(Object.keys(sc.rpe_mapping_formatted.ranges)).toEqual(["optimal", "acceptable", "suboptimal", "poor"]);
  for (const r of Object.values(sc.rpe_mapping_formatted.ranges)) expect(Object.keys(r)).toEqual(["values", "score", "description"]);
  expect([sc.bfr_pressure_min_aop, sc.bfr_pressure_max_aop]).toEqual([40, 60]);
  expect(Object.keys((exp.session as { game: object }).game)).toEqual(expect.arrayContaining(["name", "level", "points", "version", "system"]));
  const channels = exp.channels as Record<string, object>;
  expect(Object.keys(channels)).toEqual(["CH1", "CH2"]);
  for (const ch of Object.values(channels)) expect(Object.keys(ch)).toEqual(expect.arrayContaining(CHANNEL_FIELDS));
  for (const c of exp.contractions as object[]) expect(Object.keys(c)).toEqual(CONTRACTION_FIELDS);
}

describe("buildSessionExport from an upload (SessionAnalysis)", () => {
  const analysis = referenceAnalysis("b");
  const exp = buildSessionExport(analysis, { now });

  it("validates against the contract and has every section and field of export.md", () => {
    expect(sessionExportSchema.parse(exp)).toEqual(exp);
    checkEveryField(exp as unknown as Record<string, unknown>);
    expect(exp.errors).toBeUndefined();
  });

  it("stamps the metadata: UTC timestamp, version 2.0.0, null session id, generator from package.json", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { name: string; version: string };
    expect(exp.export_metadata).toEqual({
      export_timestamp: "2026-01-02T03:04:05.678Z",
      export_version: "2.0.0",
      session_id: null,
      generator: `${pkg.name}/${pkg.version}`,
    });
    expect(APP_GENERATOR).toBe(`${pkg.name}/${pkg.version}`);
    expect(EXPORT_VERSION).toBe("2.0.0");
  });

  it("carries the reference values unchanged (scores, breakdown, contractions)", () => {
    const ref = loadReference();
    expect(exp.performance_scores).toEqual(ref.performance_scores);
    expect(exp.compliance_breakdown).toEqual(ref.compliance_breakdown);
    expect(exp.contractions).toEqual(ref.contractions);
    expect(exp.processing_parameters).toEqual(ref.processing_parameters);
    expect(exp.scoring_configuration).toEqual(DEFAULT_SCORING);
  });

  it("adds signals only when asked, as plain arrays that JSON can carry", () => {
    expect(exp.signals).toBeUndefined();
    const withSignals = buildSessionExport(analysis, { now, includeSignals: true });
    expect(withSignals.signals?.CH1.envelope).toEqual({ times_s: [0.05, 0.1, 0.15], values: [1e-5, 2.5e-4, 3e-5] });
    expect(JSON.parse(JSON.stringify(withSignals)).signals.CH2.envelope.values).toEqual([1e-5, 2.5e-4, 3e-5]);
    expect(withSignals.errors).toBeUndefined();
  });

  it("decimates raw and band-passed samples (every d-th sample) and says when they are not kept", () => {
    const raw = Float64Array.from({ length: 10 }, (_, i) => i);
    const source = { ...analysis, raw_signals: { CH1: { raw, bandpassed: raw }, CH2: { raw } } };
    const out = buildSessionExport(source, { now, includeSignals: { raw: true, bandpassed: true, decimation: 3 } });
    expect(out.signals?.CH1.raw).toEqual([0, 3, 6, 9]);
    expect(out.signals?.CH1.decimation).toBe(3);
    expect(out.errors).toEqual([{ section: "signals.CH2.bandpassed", message: expect.stringContaining("not kept") }]);
    expect(() => buildSessionExport(source, { now, includeSignals: { raw: true, decimation: 0 } })).toThrow(RangeError);
  });

  it("adds debug (C3D metadata, file warnings) only when asked", () => {
    expect(exp.debug).toBeUndefined();
    const out = buildSessionExport(analysis, { now, includeDebug: true });
    expect(out.debug).toEqual({ c3d_metadata: analysis.c3d_metadata, warnings: [] });
  });
});

describe("buildSessionExport from a stored session", () => {
  const stored = {
    ...referenceAnalysis("a"),
    session_id: "7f0c2a44-8a57-4a53-9d4c-2a3b8f1e0c11",
    session: { ...referenceAnalysis("a").session, session_code: "S-001", patient_code: "P-042", therapist: "T-7" },
  };

  it("has every section and field, with the stored id", () => {
    const exp = buildSessionExport(stored, { now });
    sessionExportSchema.parse(exp);
    checkEveryField(exp as unknown as Record<string, unknown>);
    expect(exp.export_metadata.session_id).toBe(stored.session_id);
    expect(exp.session?.patient_code).toBe("P-042");
  });

  it("keeps what the session lacks null (setting a: no RPE, BFR, game max) — no invented defaults", () => {
    const exp = buildSessionExport(stored, { now });
    expect(exp.performance_scores?.effort_score).toBeNull();
    expect(exp.performance_scores?.bfr_compliant).toBeNull();
    expect(exp.performance_scores?.game_score).toBeNull();
    expect(exp.session_parameters?.rpe_post_session).toBeNull();
    expect(exp.data_completeness?.has_rpe).toBe(false);
  });

  it("answers with what it has plus errors when sections are missing or malformed", () => {
    const broken = { ...stored, processing_parameters: undefined, scoring_configuration: { name: 3 }, contractions: [stored.contractions[0], { channel: "CH1" }] };
    const exp = buildSessionExport(broken, { now });
    sessionExportSchema.parse(exp);
    expect(exp.processing_parameters).toBeNull();
    expect(exp.scoring_configuration).toBeNull();
    expect(exp.contractions).toEqual([stored.contractions[0]]);
    expect(exp.performance_scores).toEqual(stored.performance_scores);
    expect(exp.errors?.map((e) => e.section)).toEqual(["scoring_configuration", "processing_parameters", "contractions[1]"]);
    expect(exp.errors?.[1].message).toBe("processing_parameters is not available for this session");
    expect(exp.errors?.[0].message).toMatch(/^scoring_configuration is malformed: /);
  });

  it("with USE_ENHANCED_EXPORT off gives only export_metadata, performance_scores and scoring_configuration", () => {
    const exp = buildSessionExport(stored, { now, enhanced: false, includeSignals: true, includeDebug: true });
    expect(Object.keys(exp)).toEqual(["export_metadata", "performance_scores", "scoring_configuration"]);
    expect(minimalExportSchema.strict().parse(exp)).toEqual(exp);
    expect(exp.performance_scores).toEqual(stored.performance_scores);
  });

  it("rejects an invalid clock instead of writing a bad timestamp", () => {
    expect(() => buildSessionExport(stored, { now: new Date("nope") })).toThrow(RangeError);
  });
});
