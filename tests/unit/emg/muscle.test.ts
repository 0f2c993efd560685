/**
 * The whole per-muscle pipeline on synthetic recordings whose answers are known by construction,
 * and its edge cases (docs/pipeline.md §0 validation).
 */
import { describe, expect, it } from "vitest";
import { type MuscleInput, processMuscle, resolveProcessingParameters } from "~/lib/emg";
import { type Burst, syntheticEmg } from "./synthetic";

const fs = 1000;
const long: Burst[] = [1000, 5000, 9000, 13000, 17000].map((start) => ({ start, length: 2500, amplitude: 1e-3 }));
const short: Burst[] = [21000, 24000, 27000].map((start) => ({ start, length: 1000, amplitude: 0.5e-3 }));
const bursts = [...long, ...short];
const { raw, activated } = syntheticEmg({ fs, n: 30000, bursts });

const input = (extra: Partial<MuscleInput> = {}): MuscleInput => ({
  id: "CH1",
  label: "CH1 Raw",
  side: "left",
  raw,
  activated,
  targetDurationMs: 2000,
  ...extra,
});
const params = (options = {}, rate = fs) => resolveProcessingParameters(options, rate);

describe("synthetic bursts, timing from the activated channel", () => {
  const result = processMuscle(input(), params());

  it("finds every burst with its exact first sample and length", () => {
    expect(result.channel.timing_source).toBe("activated");
    expect(result.contractions.map((c) => [c.start_sample, c.end_sample - c.start_sample + 1])).toEqual(
      bursts.map((b) => [b.start, b.length]),
    );
    // At 1000 Hz one sample is one millisecond.
    expect(result.contractions.map((c) => c.duration_ms)).toEqual(bursts.map((b) => b.length));
  });

  it("flags intensity (≥ 75 % of the peak-in-task MVC) and duration (≥ 2000 ms) as constructed", () => {
    // Long bursts reach ≈ 1e-3/√2; short ones ≈ 0.5e-3/√2 = 50 % of MVC.
    expect(result.channel.mvc_source).toBe("peak_in_task");
    expect(result.channel.mvc_value).toBeCloseTo(1e-3 / Math.SQRT2, 5);
    expect(result.contractions.map((c) => c.meets_intensity)).toEqual([true, true, true, true, true, false, false, false]);
    expect(result.contractions.map((c) => c.meets_duration)).toEqual([true, true, true, true, true, false, false, false]);
    expect(result.channel.good_contraction_count).toBe(5);
    for (const c of result.contractions.slice(5)) expect(c.percent_mvc).toBeGreaterThan(45);
    for (const c of result.contractions.slice(5)) expect(c.percent_mvc).toBeLessThan(55);
  });

  it("summarises the contractions", () => {
    expect(result.channel.contraction_count).toBe(8);
    expect(result.channel.total_time_under_tension_ms).toBe(5 * 2500 + 3 * 1000);
    expect(result.channel.shortest_duration_ms).toBe(1000);
    expect(result.channel.longest_duration_ms).toBe(2500);
    expect(result.channel.mean_duration_ms).toBe((5 * 2500 + 3 * 1000) / 8);
    expect(result.channel.duration_s).toBe(30);
    expect(result.channel.warnings).toEqual([]);
  });

  it("puts the spectrum at the 150 Hz carrier", () => {
    expect(result.channel.mdf).toBeGreaterThan(140);
    expect(result.channel.mdf).toBeLessThan(160);
  });
});

describe("synthetic bursts, timing from the envelope", () => {
  const W = 100; // 100 ms at 1000 Hz
  for (const [name, extra, options] of [
    ["no activated channel", { activated: null }, {}],
    ["timing_source envelope", {}, { timing_source: "envelope" as const }],
  ] as const) {
    it(`${name}: same count and flags; edges smeared by at most one window`, () => {
      const result = processMuscle(input(extra), params(options));
      expect(result.channel.timing_source).toBe("envelope");
      expect(result.contractions).toHaveLength(8);
      result.contractions.forEach((c, i) => {
        expect(c.start_sample).toBeGreaterThanOrEqual(bursts[i].start - W);
        expect(c.start_sample).toBeLessThanOrEqual(bursts[i].start);
        expect(c.end_sample).toBeGreaterThanOrEqual(bursts[i].start + bursts[i].length - 1);
        expect(c.end_sample).toBeLessThanOrEqual(bursts[i].start + bursts[i].length - 1 + W);
      });
      expect(result.contractions.map((c) => c.is_good)).toEqual([true, true, true, true, true, false, false, false]);
    });
  }
});

describe("MVC source", () => {
  it("uses the upload value first, then the patient's", () => {
    const upload = processMuscle(input({ mvcUpload: 2e-3, mvcPatient: 5e-4 }), params());
    expect([upload.channel.mvc_value, upload.channel.mvc_source, upload.channel.mvc_threshold]).toEqual([2e-3, "upload", 1.5e-3]);
    // Against 2 mV nothing is intense (peaks ≈ 0.71 mV).
    expect(upload.channel.intensity_compliant_count).toBe(0);
    const patient = processMuscle(input({ mvcPatient: 5e-4 }), params());
    expect([patient.channel.mvc_value, patient.channel.mvc_source]).toEqual([5e-4, "patient"]);
    expect(patient.channel.intensity_compliant_count).toBe(5);
  });
});

describe("validation and edge cases", () => {
  it("rejects a channel with NaN samples, naming the sample", () => {
    const bad = Float64Array.from(raw);
    bad[1234] = Number.NaN;
    const result = processMuscle(input({ raw: bad }), params());
    expect(result.channel.error?.code).toBe("non_finite_samples");
    expect(result.channel.error?.message).toMatch(/sample 1234 is NaN/);
    expect(result.channel.rms).toBeNull();
    expect(result.channel.contraction_count).toBeNull();
    expect(result.contractions).toEqual([]);
  });

  it("rejects a channel shorter than the filter padding (and one shorter than 1 s)", () => {
    const tiny = processMuscle(input({ raw: raw.slice(0, 50), activated: activated.slice(0, 50) }), params());
    expect(tiny.channel.error?.code).toBe("too_short");
    expect(tiny.channel.error?.message).toMatch(/50 samples/);
    const underOneSecond = processMuscle(input({ raw: raw.slice(0, 900), activated: activated.slice(0, 900) }), params());
    expect(underOneSecond.channel.error?.code).toBe("too_short");
  });

  it("processes a recording under 10 s with a short_recording warning", () => {
    const result = processMuscle(input({ raw: raw.slice(0, 5000), activated: activated.slice(0, 5000) }), params());
    expect(result.channel.error).toBeNull();
    expect(result.channel.warnings.map((w) => w.code)).toEqual(["short_recording"]);
    expect(result.channel.contraction_count).toBe(1); // the burst at 1000 … 3499
  });

  it("flags a flat channel and finds no contractions even when the device says active", () => {
    const result = processMuscle(input({ raw: new Float64Array(30000).fill(0.001) }), params());
    expect(result.channel.warnings.map((w) => w.code)).toEqual(["flat_signal"]);
    expect(result.channel.contraction_count).toBe(0);
    expect(result.channel.max_peak_rms).toBeNull();
  });

  it("warns no_device_activation when the activated channel never exceeds 0", () => {
    const result = processMuscle(input({ activated: new Float64Array(30000) }), params());
    expect(result.channel.timing_source).toBe("activated");
    expect(result.channel.warnings.map((w) => w.code)).toEqual(["no_device_activation"]);
    expect(result.channel.contraction_count).toBe(0);
  });

  it("clamps the high cut-off at 0.95·fs/2 and warns high_cutoff_clamped", () => {
    const slow = syntheticEmg({ fs: 800, n: 24000, frequency: 120, bursts: [{ start: 800, length: 2000, amplitude: 1e-3 }] });
    const p = params({}, 800);
    expect([p.filter_high_cutoff_hz, p.filter_high_cutoff_requested_hz]).toEqual([380, 450]);
    const result = processMuscle(input({ raw: slow.raw, activated: slow.activated }), p);
    expect(result.channel.warnings.map((w) => w.code)).toEqual(["high_cutoff_clamped"]);
    expect(result.channel.warnings[0].message).toMatch(/450 Hz lowered to 380 Hz/);
    expect(result.channel.contraction_count).toBe(1);
  });

  it("falls back to the envelope, with a warning, when activated timing is asked without such a channel", () => {
    const result = processMuscle(input({ activated: null }), params({ timing_source: "activated" }));
    expect(result.channel.timing_source).toBe("envelope");
    expect(result.channel.warnings.map((w) => w.code)).toEqual(["activated_channel_missing"]);
    expect(result.channel.contraction_count).toBe(8);
  });
});
