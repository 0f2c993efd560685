/**
 * analyzeC3d beyond the numbers of the golden tests: session facts, errors, options parsing,
 * re-scoring, and synthetic C3D files with and without `activated` channels.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AnalysisError, ParameterError, analyzeC3d, parseAnalysisOptions } from "~/lib/analysis";
import { C3dError } from "~/lib/c3d";
import { sessionExportSchema } from "~/lib/export/schema";
import { DEFAULT_SCORING_CONFIGURATION, scoreSession } from "~/lib/scoring";
import { type BuildParameter, buildC3d } from "../c3d/builder";
import { syntheticEmg } from "../emg/synthetic";

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/c3d/${name}`, import.meta.url)));
const provenance = new Map(
  readFileSync(new URL("../../fixtures/c3d/PROVENANCE.tsv", import.meta.url), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split("\t"))
    .map(([file, size, sha]) => [file, { size: Number(size), sha }]),
);

const GHOSTLY = "Ghostly_Emg_20230321_17-50-17-0881.c3d";

describe("session facts of a GHOSTLY file", () => {
  const analysis = analyzeC3d(fixture(GHOSTLY), { sourceFilename: GHOSTLY });

  it("hashes and sizes the bytes (values from PROVENANCE.tsv)", () => {
    expect(analysis.session.file_sha256).toBe(provenance.get(GHOSTLY)?.sha);
    expect(analysis.session.file_size_bytes).toBe(provenance.get(GHOSTLY)?.size);
  });

  it("takes recorded_at from INFO:TIME (2023 3 21 17 50) and the seconds from the file name", () => {
    expect(analysis.session.recorded_at).toBe("2023-03-21T17:50:17");
    expect(analysis.warnings).toEqual([]);
  });

  it("reads the game facts; the '---' level-name placeholder becomes null", () => {
    expect(analysis.session.game).toEqual({
      name: "Ghostly",
      level: 1,
      level_name: null,
      points: 12,
      version: "OpenFeasyo.Android",
      system: "OpenFeasyo",
    });
    expect(analysis.session.processing_status).toBe("completed");
  });

  it("keeps envelopes per channel and a small c3d_metadata", () => {
    expect(Object.keys(analysis.envelopes)).toEqual(["CH1", "CH2"]);
    expect(analysis.envelopes.CH1.values).toHaveLength(3466);
    expect(analysis.envelopes.CH1.times_s[0]).toBeCloseTo(0.049494949, 8);
    expect(analysis.c3d_metadata).toMatchObject({
      processor_type: "INTEL",
      data_type: "float",
      analog_rate_hz: 990,
      analog_labels: ["CH1 Raw", "CH2 Raw", "CH1 activated", "CH2 activated"],
      subjects: { GAME_SCORE: 12 },
    });
    expect(JSON.stringify(analysis.c3d_metadata).length).toBeLessThan(4000);
  });

  it("fits the canonical export schema once export metadata is added", () => {
    const { envelopes: _e, c3d_metadata: _m, warnings: _w, ...sections } = analysis;
    const exported = {
      export_metadata: { export_timestamp: "2026-01-01T00:00:00.000Z", export_version: "2.0.0", session_id: null, generator: "test" },
      ...sections,
    };
    expect(sessionExportSchema.safeParse(exported).success).toBe(true);
  });

  it("without a recognisable name the seconds are 0 and a warning says so", () => {
    const renamed = analyzeC3d(fixture(GHOSTLY), { sourceFilename: "upload.c3d" });
    expect(renamed.session.recorded_at).toBe("2023-03-21T17:50:00");
    expect(renamed.warnings.map((w) => w.code)).toEqual(["recorded_at_seconds_unknown"]);
  });
});

describe("re-scoring with scoreSession (what a therapist correction runs)", () => {
  const analysis = analyzeC3d(fixture(GHOSTLY));
  const inputs = {
    contractions: analysis.contractions,
    left: { channel: "CH1", expected_contractions: 12 },
    right: { channel: "CH2", expected_contractions: 12 },
    game_points_achieved: analysis.session.game.points,
  };

  it("reproduces the stored scores from the stored contractions", () => {
    const again = scoreSession({ ...inputs, rpe_post_session: null }, DEFAULT_SCORING_CONFIGURATION);
    expect(again.performance_scores).toEqual(analysis.performance_scores);
    expect(again.compliance_breakdown).toEqual(analysis.compliance_breakdown);
  });

  it("adds effort when an RPE is entered: P = (0.5·C + 0.25·S + 0.25·100)/1", () => {
    const { compliance_score: c, symmetry_score: s } = analysis.performance_scores;
    const again = scoreSession({ ...inputs, rpe_post_session: 5 }, DEFAULT_SCORING_CONFIGURATION);
    expect(again.performance_scores.overall_score).toBeCloseTo(0.5 * (c as number) + 0.25 * (s as number) + 25, 10);
  });
});

describe("errors", () => {
  it("bytes that are not C3D → C3dError from the reader", () => {
    expect(() => analyzeC3d(new Uint8Array(100))).toThrow(C3dError);
  });

  it("a C3D file without EMG labels → AnalysisError no_emg_channels (422) listing the labels", () => {
    try {
      analyzeC3d(fixture("EMG_Data_Cometa.c3d"));
      expect.fail("analysed a file without EMG channels");
    } catch (error) {
      expect(error).toBeInstanceOf(AnalysisError);
      expect((error as AnalysisError).code).toBe("no_emg_channels");
      expect((error as AnalysisError).status).toBe(422);
      expect((error as AnalysisError).message).toMatch(/R\.ADDUCTORS/);
    }
  });

  it("channels picked by label are analysed with envelope timing", () => {
    const analysis = analyzeC3d(fixture("EMG_Data_Cometa.c3d"), { channels: { left: "R.ADDUCTORS", right: "R.VLO" } });
    expect(Object.keys(analysis.channels)).toEqual(["R.ADDUCTORS", "R.VLO"]);
    expect(analysis.channels["R.ADDUCTORS"]).toMatchObject({ side: "left", timing_source: "envelope", error: null });
    expect(analysis.processing_parameters.sampling_rate_hz).toBe(2000);
  });

  it("a C3D file without analog data → AnalysisError no_analog_data", () => {
    expect(() => analyzeC3d(fixture("mocap36.c3d"))).toThrow(expect.objectContaining({ code: "no_analog_data", status: 422 }));
  });

  it("a picked label the file lacks → AnalysisError channel_not_found", () => {
    expect(() => analyzeC3d(fixture(GHOSTLY), { channels: { left: "CH9 Raw" } })).toThrow(
      /channel_left: the file has no analog channel labelled "CH9 Raw"/,
    );
  });

  it("an invalid option → ParameterError naming it, before any work", () => {
    expect(() => analyzeC3d(fixture(GHOSTLY), { session: { rpe_post_session: 12 } })).toThrow(ParameterError);
    expect(() => analyzeC3d(fixture(GHOSTLY), { processing: { filter_low_cutoff_hz: 470 } })).toThrow(/^filter_low_cutoff_hz:/);
    expect(() => analyzeC3d(fixture(GHOSTLY), { scoring: { ...DEFAULT_SCORING_CONFIGURATION, weight_game: 0.5 } })).toThrow(
      /^scoring\.weight_compliance:/,
    );
  });
});

describe("configuration targets", () => {
  it("the configuration's MVC percentage and targets apply unless the upload sets its own", () => {
    const config = { ...DEFAULT_SCORING_CONFIGURATION, mvc_threshold_percentage: 40, target_duration_ms: 300, expected_contractions: 10 };
    const fromConfig = analyzeC3d(fixture(GHOSTLY), { scoring: config });
    expect(fromConfig.processing_parameters.mvc_threshold_percentage).toBe(40);
    expect(fromConfig.channels.CH1.mvc_threshold).toBeCloseTo(0.4 * (fromConfig.channels.CH1.mvc_value as number), 15);
    expect(fromConfig.session_parameters).toMatchObject({
      target_duration_ch1_ms: 300,
      expected_contractions_ch2: 10,
      contraction_duration_threshold: 300,
    });
    const overridden = analyzeC3d(fixture(GHOSTLY), {
      scoring: config,
      processing: { mvc_threshold_percentage: 75 },
      session: { target_duration_ch2_ms: 500 },
    });
    expect(overridden.processing_parameters.mvc_threshold_percentage).toBe(75);
    expect(overridden.session_parameters).toMatchObject({
      target_duration_ch1_ms: 300,
      target_duration_ch2_ms: 500,
      contraction_duration_threshold: null,
    });
    expect(overridden.scoring_configuration.name).toBe("GHOSTLY+ default");
  });
});

describe("parseAnalysisOptions", () => {
  it("parses form/CLI fields into typed options, ignoring empty and unknown fields", () => {
    expect(
      parseAnalysisOptions({
        filter_low_cutoff_hz: "25",
        timing_source: "envelope",
        rpe_post_session: "5",
        bfr_pressure_aop: "50.5",
        game_points_max: "30",
        mvc_ch1: "1.5e-3",
        rest_duration_seconds: "",
        channel_left: "CH1 Raw",
        export_format: "csv",
      }),
    ).toEqual({
      processing: { filter_low_cutoff_hz: 25, timing_source: "envelope" },
      session: { rpe_post_session: 5, bfr_pressure_aop: 50.5, game_points_max: 30, mvc_ch1: 1.5e-3 },
      channels: { left: "CH1 Raw" },
    });
  });

  it.each([
    [{ rpe_post_session: "abc" }, "rpe_post_session", /must be a number, got "abc"/],
    [{ rpe_post_session: "11" }, "rpe_post_session", /between 0 and 10/],
    [{ rpe_pre_session: "4.5" }, "rpe_pre_session", /integer/],
    [{ bfr_pressure_aop: "120" }, "bfr_pressure_aop", /between 0 and 100/],
    [{ mvc_ch2: "0" }, "mvc_ch2", /> 0/],
    [{ expected_contractions_ch1: "0" }, "expected_contractions_ch1", /≥ 1/],
    [{ timing_source: "sometimes" }, "timing_source", /one of auto, activated, envelope/],
    [{ filter_order: "4x" }, "filter_order", /must be a number/],
    [{ rms_overlap_percent: "100" }, "rms_overlap_percent", /< 100/],
  ])("%j → ParameterError on %s", (record, field, message) => {
    try {
      parseAnalysisOptions(record);
      expect.fail("accepted an invalid value");
    } catch (error) {
      expect(error).toBeInstanceOf(ParameterError);
      expect((error as ParameterError).field).toBe(field);
      expect((error as ParameterError).message).toMatch(message);
    }
  });
});

/** A GHOSTLY-like float C3D: 1000 Hz analog, 10 samples per frame at 100 Hz. */
function syntheticC3d(channels: { label: string; samples: Float64Array }[], extra: BuildParameter[] = []): Uint8Array {
  const perFrame = 10;
  const frames = channels[0].samples.length / perFrame;
  const data: number[] = [];
  for (let f = 0; f < frames; f++) {
    for (let s = 0; s < perFrame; s++) for (const c of channels) data.push(c.samples[f * perFrame + s]);
  }
  return buildC3d({
    scale: -1,
    frameRate: 100,
    analogWordsPerFrame: channels.length * perFrame,
    analogSamplesPerFrame: perFrame,
    firstFrame: 1,
    lastFrame: frames,
    data,
    parameters: [
      { group: "POINT", name: "USED", type: 2, values: [0] },
      { group: "POINT", name: "RATE", type: 4, values: [100] },
      { group: "ANALOG", name: "USED", type: 2, values: [channels.length] },
      { group: "ANALOG", name: "RATE", type: 4, values: [1000] },
      { group: "ANALOG", name: "LABELS", type: -1, values: channels.map((c) => c.label) },
      { group: "ANALOG", name: "SCALE", type: 4, values: channels.map(() => 1) },
      { group: "ANALOG", name: "OFFSET", type: 2, values: channels.map(() => 0) },
      { group: "ANALOG", name: "GEN_SCALE", type: 4, values: [1] },
      ...extra,
    ],
  });
}

describe("synthetic C3D recordings", () => {
  const fs = 1000;
  // Left: 12 bursts of 2.5 s; right: 6 of 2.5 s and 6 of 1 s at half amplitude.
  const leftBursts = Array.from({ length: 12 }, (_, i) => ({ start: 1000 + i * 4000, length: 2500, amplitude: 1e-3 }));
  const rightBursts = Array.from({ length: 12 }, (_, i) => ({
    start: 1000 + i * 4000,
    length: i < 6 ? 2500 : 1000,
    amplitude: i < 6 ? 1e-3 : 0.5e-3,
  }));
  const n = 50000;
  const left = syntheticEmg({ fs, n, bursts: leftBursts, seed: 1 });
  const right = syntheticEmg({ fs, n, bursts: rightBursts, seed: 2 });

  it("with activated channels: counts, durations and flags as constructed, scored per docs/scoring.md", () => {
    const analysis = analyzeC3d(
      syntheticC3d([
        { label: "CH1 Raw", samples: left.raw },
        { label: "CH2 Raw", samples: right.raw },
        { label: "CH1 activated", samples: left.activated },
        { label: "CH2 activated", samples: right.activated },
      ]),
      { session: { rpe_post_session: 5 } },
    );
    expect(analysis.channels.CH1).toMatchObject({ timing_source: "activated", contraction_count: 12, good_contraction_count: 12 });
    expect(analysis.channels.CH2).toMatchObject({ timing_source: "activated", contraction_count: 12, good_contraction_count: 6 });
    const ch2 = analysis.contractions.filter((c) => c.channel === "CH2");
    expect(ch2.map((c) => c.start_ms)).toEqual(rightBursts.map((b) => b.start));
    expect(ch2.map((c) => c.duration_ms)).toEqual(rightBursts.map((b) => b.length));
    // Left: all rates 1 → S = 100·(0.333 + 0.333 + 0.334) = 100. Right: completion 1, intensity ½, duration ½
    // → 100·(0.333 + 0.1665 + 0.167) = 66.65. Symmetry 100·(1 − 33.35/166.65); effort 100 (RPE 5).
    const { performance_scores: p, compliance_breakdown: b } = analysis;
    expect(b.left_muscle.overall_compliance).toBeCloseTo(100, 10);
    expect(b.right_muscle.overall_compliance).toBeCloseTo(66.65, 10);
    expect(p.symmetry_score).toBeCloseTo(100 * (1 - 33.35 / 166.65), 10);
    expect(p.overall_score).toBeCloseTo(0.5 * 83.325 + 0.25 * 100 * (1 - 33.35 / 166.65) + 0.25 * 100, 10);
    expect(analysis.session.recorded_at).toBeNull();
    expect(analysis.session.game).toEqual({ name: null, level: null, level_name: null, points: null, version: null, system: null });
    expect(analysis.data_completeness).toEqual({
      has_emg_data: true,
      has_rpe: true,
      has_game_data: false,
      has_bfr_data: false,
      rpe_source: "upload",
    });
  });

  it("without activated channels: the envelope finds the same contractions", () => {
    const analysis = analyzeC3d(
      syntheticC3d([
        { label: "CH1 Raw", samples: left.raw },
        { label: "CH2 Raw", samples: right.raw },
      ]),
    );
    expect(analysis.channels.CH1).toMatchObject({ timing_source: "envelope", contraction_count: 12, good_contraction_count: 12 });
    expect(analysis.channels.CH2).toMatchObject({ timing_source: "envelope", contraction_count: 12, good_contraction_count: 6 });
  });

  it("CH1 is the left muscle even when the file lists CH2 first; activated twins match by prefix", () => {
    const analysis = analyzeC3d(
      syntheticC3d([
        { label: "CH2 Raw", samples: right.raw },
        { label: "ch1 ACTIVATED", samples: left.activated },
        { label: "CH1 Raw", samples: left.raw },
      ]),
    );
    expect(analysis.channels.CH1).toMatchObject({ side: "left", timing_source: "activated", contraction_count: 12 });
    expect(analysis.channels.CH2).toMatchObject({ side: "right", timing_source: "envelope", contraction_count: 12 });
    expect(analysis.compliance_breakdown.left_muscle.channel).toBe("CH1");
  });

  it("a NaN in one channel rejects that channel only; the session cannot be scored", () => {
    const broken = Float64Array.from(right.raw);
    broken[2345] = Number.NaN;
    const analysis = analyzeC3d(
      syntheticC3d([
        { label: "CH1 Raw", samples: left.raw },
        { label: "CH2 Raw", samples: broken },
      ]),
    );
    expect(analysis.channels.CH2.error).toEqual({ code: "non_finite_samples", message: expect.stringMatching(/sample 2345 is NaN/) });
    expect(analysis.channels.CH1.contraction_count).toBe(12);
    expect(analysis.performance_scores.overall_score).toBeNull();
    expect(analysis.data_completeness.has_emg_data).toBe(true);
  });
});
