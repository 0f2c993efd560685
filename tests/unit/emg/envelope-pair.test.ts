/**
 * rmsEnvelopePair and processMuscles' paired path promise bit-for-bit equality with the one-muscle
 * functions (checked against SciPy by the golden tests). Object.is / toEqual compare exactly.
 */
import { describe, expect, it } from "vitest";
import { type MuscleInput, processMuscle, processMuscles, resolveProcessingParameters, rmsEnvelope } from "~/lib/emg";
import { rmsEnvelopePair } from "~/lib/emg/simd";
import { syntheticEmg } from "./synthetic";

const fs = 1000;
const left = syntheticEmg({ fs, n: 12000, seed: 1, bursts: [2000, 6000].map((start) => ({ start, length: 2500, amplitude: 1e-3 })) });
const right = syntheticEmg({ fs, n: 12000, seed: 2, bursts: [3000, 8000].map((start) => ({ start, length: 1500, amplitude: 6e-4 })) });

const differing = (actual: Float64Array, expected: Float64Array) =>
  actual.length !== expected.length ? [-1] : Array.from(actual.keys()).filter((k) => !Object.is(actual[k], expected[k]));

describe("rmsEnvelopePair", () => {
  // Default 100 ms / 50 %, no overlap, heavy overlap, one-sample windows.
  it.each([
    [100, 50],
    [100, 0],
    [30, 90],
    [1, 50],
  ])("equals two rmsEnvelope calls bit for bit (window %i ms, overlap %i %%)", (windowMs, overlap) => {
    const [pa, pb] = rmsEnvelopePair(left.raw, right.raw, fs, windowMs, overlap);
    const [ra, rb] = [rmsEnvelope(left.raw, fs, windowMs, overlap), rmsEnvelope(right.raw, fs, windowMs, overlap)];
    expect([pa.window, pa.hop, pa.count]).toEqual([ra.window, ra.hop, ra.count]);
    expect(differing(pa.values, ra.values)).toEqual([]);
    expect(differing(pb.values, rb.values)).toEqual([]);
    expect(differing(pa.times, ra.times)).toEqual([]);
  });

  it("gives empty envelopes for signals shorter than one window", () => {
    const [pa] = rmsEnvelopePair(left.raw.subarray(0, 50), right.raw.subarray(0, 50), fs, 100, 50);
    expect(pa.count).toBe(0);
    expect(pa.values).toHaveLength(0);
  });
});

describe("processMuscles", () => {
  const params = resolveProcessingParameters({}, fs);
  const input = (side: "left" | "right", signals: { raw: Float64Array; activated: Float64Array }): MuscleInput => ({
    id: side === "left" ? "CH1" : "CH2",
    label: side === "left" ? "CH1 Raw" : "CH2 Raw",
    side,
    raw: signals.raw,
    activated: signals.activated,
    targetDurationMs: 2000,
  });

  it("gives two muscles exactly what processMuscle gives each (paired SIMD path)", () => {
    const inputs = [input("left", left), input("right", right)];
    expect(processMuscles(inputs, params)).toEqual(inputs.map((i) => processMuscle(i, params)));
  });

  it("leaves bandpassed null when told not to keep it, and nothing else changes", () => {
    const inputs = [input("left", left), input("right", right)];
    const kept = processMuscles(inputs, params);
    const dropped = processMuscles(inputs, params, undefined, { keepBandpassed: false });
    expect(dropped.map((r) => r.bandpassed)).toEqual([null, null]);
    expect(dropped).toEqual(kept.map((r) => ({ ...r, bandpassed: null })));
  });

  it("flags a flat twin exactly as processMuscle does (the paired scan feeds the flat test)", () => {
    const flat = { raw: new Float64Array(12000).fill(0.7), activated: right.activated };
    // A large offset with a variation of 1e-9 V: not flat, decided by the two-pass deviation.
    const offset = { raw: Float64Array.from(left.raw, (v) => 3 + v * 1e-6), activated: left.activated };
    const inputs = [input("left", offset), input("right", flat)];
    const paired = processMuscles(inputs, params);
    expect(paired[1].channel.warnings.map((w) => w.code)).toContain("flat_signal");
    expect(paired[0].channel.warnings.map((w) => w.code)).not.toContain("flat_signal");
    expect(paired).toEqual(inputs.map((i) => processMuscle(i, params)));
  });

  it("processes the accepted muscle alone when its twin is rejected", () => {
    const broken = Float64Array.from(right.raw);
    broken[100] = Number.NaN;
    const inputs = [input("left", left), input("right", { raw: broken, activated: right.activated })];
    const [ok, rejected] = processMuscles(inputs, params);
    expect(rejected.channel.error?.code).toBe("non_finite_samples");
    expect(ok).toEqual(processMuscle(inputs[0], params));
  });
});
