/**
 * analyzeC3d against an independent NumPy/SciPy implementation of the specs
 * (tests/fixtures/reference/pipeline/<file>.<setting>.json):
 *   a — defaults, timing from the `activated` channels, no RPE/BFR/game maximum;
 *   b — rpe_post 5, BFR 50 % AOP, game_points_max 30, timing from the envelope.
 */
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyzeC3dDetailed, type AnalysisOptions } from "~/lib/analysis";
import { designBandpass } from "~/lib/emg/muscle";
import { resolveProcessingParameters } from "~/lib/emg/parameters";

const fixtures = new URL("../../fixtures/", import.meta.url);
const referenceDir = new URL("reference/pipeline/", fixtures);
const references = readdirSync(referenceDir)
  .filter((f) => f.endsWith(".json"))
  .sort();

/** |actual − expected| ≤ rel·|expected| (an exact 0 must be matched exactly). */
function expectRel(actual: number | null | undefined, expected: number, rel: number, what: string) {
  expect(actual, what).toBeTypeOf("number");
  const error = Math.abs((actual as number) - expected);
  if (error > rel * Math.abs(expected)) {
    expect.fail(`${what}: ${actual} vs ${expected} (relative error ${error / Math.abs(expected)} > ${rel})`);
  }
}

function optionsFor(setting: string): AnalysisOptions {
  return setting === "a"
    ? { processing: { timing_source: "auto" } }
    : {
        processing: { timing_source: "envelope" },
        session: { rpe_post_session: 5, bfr_pressure_aop: 50, game_points_max: 30 },
      };
}

it("covers the five GHOSTLY files in both settings", () => {
  expect(references).toHaveLength(10);
});

describe.each(references)("%s", (referenceName) => {
  const ref = JSON.parse(readFileSync(new URL(referenceName, referenceDir), "utf8"));
  const setting = referenceName.slice(-"a.json".length, -".json".length);
  const bytes = new Uint8Array(readFileSync(new URL(`c3d/${ref.reference.file}`, fixtures)));
  const { analysis, muscles } = analyzeC3dDetailed(bytes, { ...optionsFor(setting), sourceFilename: ref.reference.file });
  const channelIds = Object.keys(ref.channels);

  it("designs the reference SOS", () => {
    const sos = designBandpass(
      resolveProcessingParameters(optionsFor(setting).processing, analysis.processing_parameters.sampling_rate_hz),
    );
    for (const id of channelIds) {
      const expected: number[][] = ref.checks[id].bandpass.sos;
      expect(sos).toHaveLength(expected.length);
      expected.forEach((row, s) => row.forEach((v, j) => expectRel(sos[s][j], v, 1e-12, `sos[${s}][${j}]`)));
    }
  });

  it.each(channelIds)("band-pass and envelope of %s", (id) => {
    const check = ref.checks[id];
    const muscle = muscles.find((m) => m.result.channel.label === ref.channels[id].label);
    const y = muscle?.result.bandpassed;
    const env = muscle?.result.envelope;
    if (!y || !env) return expect.fail(`${id} was not processed`);
    expect(y.length).toBe(check.bandpass.n);
    let sum = 0;
    let sumSq = 0;
    for (const v of y) {
      sum += v;
      sumSq += v * v;
    }
    expectRel(sum, check.bandpass.sum, 1e-9, "band-pass sum");
    expectRel(sumSq, check.bandpass.sum_sq, 1e-9, "band-pass sum of squares");
    for (const [index, value] of Object.entries(check.bandpass.at)) {
      expectRel(y[Number(index)], value as number, 1e-9, `band-pass[${index}]`);
    }
    expect([env.window, env.hop, env.count]).toEqual([check.envelope.W, check.envelope.H, check.envelope.K]);
    expectRel(
      env.values.reduce((a, b) => a + b, 0),
      check.envelope.sum,
      1e-9,
      "envelope sum",
    );
    check.envelope.first5.forEach((v: number, k: number) => expectRel(env.values[k], v, 1e-9, `env[${k}]`));
    check.envelope.last5.forEach((v: number, k: number) => {
      const index = env.count - 5 + k;
      expectRel(env.values[index], v, 1e-9, `env[${index}]`);
    });
    expectRel(env.times[0] * 1000, check.envelope.first_centre_ms, 1e-12, "first window centre");
    // Sample-level contraction geometry: first/last sample and the windows used.
    const detected = muscle.result.contractions.map((c) => ({
      index: c.index,
      first_last_sample: [c.start_sample, c.end_sample],
      windows_first_last_count: [c.first_window, c.last_window, c.last_window - c.first_window + 1],
    }));
    expect(detected).toEqual(check.contraction_samples);
  });

  it.each(channelIds)("channel analytics and summary of %s", (id) => {
    const expected = ref.channels[id];
    const actual = analysis.channels[id];
    expect(actual, id).toBeDefined();
    for (const key of ["label", "side", "timing_source", "mvc_source", "mdf", "target_duration_ms", "warnings"]) {
      expect(actual[key as keyof typeof actual], key).toEqual(expected[key]);
    }
    for (const key of ["contraction_count", "good_contraction_count", "intensity_compliant_count", "duration_compliant_count"]) {
      expect(actual[key as keyof typeof actual], key).toBe(expected[key]);
    }
    for (const key of ["rms", "mav", "mvc_value", "mvc_threshold", "mean_peak_rms", "max_peak_rms", "duration_s"]) {
      expectRel(actual[key as keyof typeof actual] as number, expected[key], 1e-9, key);
    }
    for (const key of ["mpf", "fatigue_index_fi_nsm5"]) {
      expectRel(actual[key as keyof typeof actual] as number, expected[key], 1e-6, key);
    }
    for (const key of ["mean_duration_ms", "shortest_duration_ms", "longest_duration_ms", "total_time_under_tension_ms"]) {
      expect(Math.abs((actual[key as keyof typeof actual] as number) - expected[key]), key).toBeLessThanOrEqual(1e-6);
    }
    expect(actual.error).toBeNull();
  });

  it("lists every contraction", () => {
    expect(analysis.contractions).toHaveLength(ref.contractions.length);
    ref.contractions.forEach((expected: Record<string, unknown>, i: number) => {
      const actual = analysis.contractions[i];
      const where = `${String(expected.channel)} #${String(expected.index)}`;
      expect([actual.channel, actual.index], where).toEqual([expected.channel, expected.index]);
      for (const key of ["start_ms", "end_ms", "duration_ms"] as const) {
        expect(Math.abs(actual[key] - (expected[key] as number)), `${where} ${key}`).toBeLessThanOrEqual(1e-6);
      }
      for (const key of ["peak_rms", "mean_rms", "percent_mvc"] as const) {
        expectRel(actual[key], expected[key] as number, 1e-9, `${where} ${key}`);
      }
      for (const key of ["meets_intensity", "meets_duration", "is_good"] as const) {
        expect(actual[key], `${where} ${key}`).toBe(expected[key]);
      }
    });
  });

  it("scores the session", () => {
    const expected = ref.performance_scores;
    const actual = analysis.performance_scores;
    for (const key of Object.keys(expected) as (keyof typeof actual)[]) {
      const value = expected[key];
      if (typeof value === "number" && key.endsWith("_score")) expectRel(actual[key] as number, value, 1e-6, key);
      else expect(actual[key], key).toEqual(value);
    }
    for (const side of ["left_muscle", "right_muscle"] as const) {
      const e = ref.compliance_breakdown[side];
      const a = analysis.compliance_breakdown[side];
      for (const key of Object.keys(e) as (keyof typeof a)[]) {
        if (key.endsWith("_rate")) expectRel(a[key] as number, e[key], 1e-9, `${side}.${key}`);
        else if (key === "overall_compliance") expectRel(a[key], e[key], 1e-6, `${side}.${key}`);
        else expect(a[key], `${side}.${key}`).toEqual(e[key]);
      }
    }
  });

  it("stamps processing and session parameters and data completeness", () => {
    expect(analysis.processing_parameters).toEqual(ref.processing_parameters);
    // The MVC thresholds derive from envelope values (1e-9 relative); everything else is exact.
    const { mvc_threshold_ch1, mvc_threshold_ch2, ...sessionParameters } = analysis.session_parameters;
    const { mvc_threshold_ch1: refCh1, mvc_threshold_ch2: refCh2, ...refSessionParameters } = ref.session_parameters;
    expect(sessionParameters).toEqual(refSessionParameters);
    expectRel(mvc_threshold_ch1, refCh1, 1e-9, "mvc_threshold_ch1");
    expectRel(mvc_threshold_ch2, refCh2, 1e-9, "mvc_threshold_ch2");
    const { rpe_source, ...completeness } = analysis.data_completeness;
    expect(completeness).toEqual(ref.data_completeness);
    expect(rpe_source).toBe(setting === "b" ? "upload" : null);
  });
});
