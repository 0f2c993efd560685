/**
 * Band-pass design and zero-phase filtering checked against properties that follow from the maths
 * (the SOS coefficients themselves are checked against SciPy in tests/unit/analysis/golden.test.ts).
 */
import { describe, expect, it } from "vitest";
import { butter, sosfilt, sosfiltfilt, sosfiltfiltPadlen, sosfiltZi, type Sos } from "~/lib/emg";

/** |H(e^{jω})| of the cascade at frequency f. */
function gainAt(sos: Sos, f: number, fs: number): number {
  const w = (2 * Math.PI * f) / fs;
  let gain = 1;
  for (const [b0, b1, b2, a0, a1, a2] of sos) {
    const re = (c0: number, c1: number, c2: number) => c0 + c1 * Math.cos(-w) + c2 * Math.cos(-2 * w);
    const im = (c1: number, c2: number) => c1 * Math.sin(-w) + c2 * Math.sin(-2 * w);
    gain *= Math.hypot(re(b0, b1, b2), im(b1, b2)) / Math.hypot(re(a0, a1, a2), im(a1, a2));
  }
  return gain;
}

describe("butter (band-pass SOS)", () => {
  const fs = 990;
  const sos = butter(4, [20, 450], "bandpass", fs);

  it("has N sections with a0 = 1 and the gain in the first section", () => {
    expect(sos).toHaveLength(4);
    for (const s of sos) expect(s[3]).toBe(1);
    // Sections 2…N carry monic numerators [1, ±2, 1] (double zeros at z = ±1).
    for (const s of sos.slice(1)) expect([s[0], Math.abs(s[1]), s[2]]).toEqual([1, 2, 1]);
  });

  it("is −3 dB at both cut-offs (bilinear pre-warping maps them exactly) and ≈ 1 mid-band", () => {
    expect(gainAt(sos, 20, fs)).toBeCloseTo(Math.SQRT1_2, 10);
    expect(gainAt(sos, 450, fs)).toBeCloseTo(Math.SQRT1_2, 10);
    expect(gainAt(sos, Math.sqrt(20 * 450), fs)).toBeCloseTo(1, 6);
    expect(gainAt(sos, 0.001, fs)).toBeLessThan(1e-9);
  });

  it("designs low- and high-pass filters with the same −3 dB property", () => {
    expect(gainAt(butter(3, 100, "lowpass", 1000), 100, 1000)).toBeCloseTo(Math.SQRT1_2, 10);
    expect(gainAt(butter(3, 50, "highpass", 1000), 50, 1000)).toBeCloseTo(Math.SQRT1_2, 10);
  });

  it("rejects cut-offs outside (0, fs/2) and bad orders", () => {
    expect(() => butter(4, [20, 500], "bandpass", 990)).toThrow(/fs\/2/);
    expect(() => butter(0, [20, 450], "bandpass", 990)).toThrow(/order/);
    expect(() => butter(4, [300, 200], "bandpass", 990)).toThrow(/below/);
  });
});

describe("sosfiltZi / sosfilt", () => {
  it("starts a unit-DC-gain low-pass in steady state: a constant input passes unchanged", () => {
    const sos = butter(4, 50, "lowpass", 1000);
    const x = new Float64Array(200).fill(3);
    const zi = sosfiltZi(sos).map((v) => v * 3);
    const y = sosfilt(sos, x, zi);
    for (const v of y) expect(v).toBeCloseTo(3, 12);
  });

  it("from rest, shows the transient the initial conditions avoid", () => {
    const sos = butter(4, 50, "lowpass", 1000);
    const y = sosfilt(sos, new Float64Array(200).fill(3));
    expect(y[0]).toBeLessThan(0.1);
  });
});

describe("sosfiltfilt", () => {
  const fs = 990;
  const sos = butter(4, [20, 450], "bandpass", fs);

  it("uses padlen 3·(2·nsections + 1) = 27 for the default band-pass", () => {
    expect(sosfiltfiltPadlen(sos)).toBe(27);
  });

  it("is zero-phase: a pass-band sinusoid comes back scaled by |H|², not shifted", () => {
    const f = 100;
    const n = 4000;
    const x = Float64Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * f * i) / fs));
    const y = sosfiltfilt(sos, x);
    const g2 = gainAt(sos, f, fs) ** 2;
    // Away from the ends (transients decay well within 1000 samples) y = |H|²·x sample by sample.
    for (let i = 1000; i < n - 1000; i++) expect(Math.abs(y[i] - g2 * x[i])).toBeLessThan(1e-9);
  });

  it("removes a constant offset completely (band-pass has no DC gain)", () => {
    const y = sosfiltfilt(sos, new Float64Array(500).fill(0.7));
    for (const v of y) expect(Math.abs(v)).toBeLessThan(1e-12);
  });

  it("refuses a signal not longer than padlen", () => {
    expect(() => sosfiltfilt(sos, new Float64Array(27))).toThrow(/padlen = 27/);
  });
});
