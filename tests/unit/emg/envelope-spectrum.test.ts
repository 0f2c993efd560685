import { describe, expect, it } from "vitest";
import {
  envelopeGeometry,
  fatigueIndexFiNsm5,
  hannPeriodic,
  mav,
  meanPowerFrequency,
  medianFrequency,
  msToSamples,
  rms,
  rmsEnvelope,
  roundHalfUp,
  welch,
} from "~/lib/emg";

describe("rounding and geometry", () => {
  it("rounds halves up, not to even", () => {
    expect([roundHalfUp(49.5), roundHalfUp(50.5), roundHalfUp(2.4999)]).toEqual([50, 51, 2]);
    expect([msToSamples(200, 990), msToSamples(100, 990), msToSamples(2000, 990)]).toEqual([198, 99, 1980]);
  });

  it("derives W = 99, H = round(49.5) = 50 and K = floor((n − W)/H) + 1 at 990 Hz", () => {
    expect(envelopeGeometry(173370, 990, 100, 50)).toEqual({ window: 99, hop: 50, count: 3466 });
    expect(envelopeGeometry(98, 990, 100, 50).count).toBe(0);
    expect(envelopeGeometry(1000, 1000, 100, 99.99).hop).toBe(1);
  });
});

describe("rmsEnvelope", () => {
  it("gives exactly a for a ±a square wave and centres windows at (kH + (W − 1)/2)/fs", () => {
    const a = 0.25;
    const y = Float64Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? a : -a));
    const env = rmsEnvelope(y, 1000, 100, 50);
    expect(env.count).toBe(19);
    for (const v of env.values) expect(v).toBe(a);
    expect(env.times[0]).toBeCloseTo(0.0495, 15);
    expect(env.times[1]).toBeCloseTo(0.0995, 15);
  });

  it("follows a burst: windows fully inside see A/√2, windows outside see 0", () => {
    const fs = 1000;
    const y = new Float64Array(2000);
    for (let i = 500; i < 1500; i++) y[i] = Math.sin((2 * Math.PI * 100 * i) / fs);
    const env = rmsEnvelope(y, fs, 100, 50);
    expect(env.values[0]).toBe(0);
    // Window 10 covers samples 500…599: ten whole periods of the 100 Hz sine.
    expect(env.values[10]).toBeCloseTo(Math.SQRT1_2, 12);
  });
});

describe("amplitude and spectral descriptors", () => {
  it("rms and mav of a known sequence", () => {
    const y = Float64Array.from([3, -4, 0, 0]);
    expect(rms(y)).toBeCloseTo(2.5, 15); // sqrt((9 + 16)/4)
    expect(mav(y)).toBe(1.75);
  });

  it("periodic Hann window: w[0] = 0, w[M/2] = 1, symmetric about M/2", () => {
    const w = hannPeriodic(256);
    expect(w[0]).toBeCloseTo(0, 15);
    expect(w[128]).toBeCloseTo(1, 15);
    expect(w[64]).toBeCloseTo(w[192], 14);
  });

  it("Welch density integrates to the signal power (Parseval) and peaks at a bin-centred sine", () => {
    const fs = 1024;
    const f = 64; // bin 16 of a 256-point FFT at 1024 Hz
    const A = 2;
    const x = Float64Array.from({ length: 8192 }, (_, i) => A * Math.sin((2 * Math.PI * f * i) / fs));
    const psd = welch(x, fs);
    expect(psd.frequencies).toHaveLength(129);
    expect(psd.frequencies[16]).toBe(64);
    const df = fs / 256;
    const integral = psd.power.reduce((s, p) => s + p * df, 0);
    expect(integral).toBeCloseTo((A * A) / 2, 10);
    expect(meanPowerFrequency(psd)).toBeCloseTo(64, 10);
    expect(medianFrequency(psd)).toBe(64);
  });

  it.each([2000, 2100])("matches a direct per-segment DFT periodogram average (n = %i: even and odd segment counts)", (n) => {
    // Independent textbook Welch: detrend, periodic Hann, |DFT|², scale 1/(fs·Σw²), double all but DC
    // and Nyquist, mean over segments.
    const fs = 500;
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
    const x = Float64Array.from({ length: n }, (_, i) => random() + Math.sin(i / 3));
    const N = 256;
    const w = Array.from({ length: N }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N));
    const scale = 1 / (fs * w.reduce((a, v) => a + v * v, 0));
    const segments = Math.floor((n - 128) / 128);
    const expected = new Array<number>(129).fill(0);
    for (let s = 0; s < segments; s++) {
      const seg = Array.from(x.subarray(s * 128, s * 128 + N));
      const mean = seg.reduce((a, v) => a + v, 0) / N;
      for (let k = 0; k <= 128; k++) {
        let re = 0;
        let im = 0;
        for (let i = 0; i < N; i++) {
          re += w[i] * (seg[i] - mean) * Math.cos((2 * Math.PI * k * i) / N);
          im -= w[i] * (seg[i] - mean) * Math.sin((2 * Math.PI * k * i) / N);
        }
        expected[k] += ((re * re + im * im) * scale * (k === 0 || k === 128 ? 1 : 2)) / segments;
      }
    }
    const psd = welch(x, fs);
    const peak = Math.max(...expected);
    expected.forEach((v, k) => expect(Math.abs(psd.power[k] - v)).toBeLessThan(1e-12 * peak));
  });

  it("handles a non-power-of-two segment with a direct DFT (short signal)", () => {
    const fs = 100;
    const x = Float64Array.from({ length: 100 }, (_, i) => Math.sin((2 * Math.PI * 10 * i) / fs));
    const psd = welch(x, fs); // nperseg = 100, noverlap = 50
    expect(psd.frequencies).toHaveLength(51);
    expect(psd.power.reduce((s, p) => s + p, 0)).toBeCloseTo(0.5, 10); // df = 1 Hz
    expect(medianFrequency(psd)).toBe(10);
  });

  it("mdf is the first bin reaching half the power; FI = Σ P/f / Σ f⁵·P over f > 0", () => {
    const psd = { frequencies: Float64Array.from([0, 1, 2, 3]), power: Float64Array.from([1, 1, 1, 1]) };
    expect(medianFrequency(psd)).toBe(1); // cumulative 1, 2 ≥ 4/2
    expect(meanPowerFrequency(psd)).toBe(1.5);
    // (1/1 + 1/2 + 1/3) / (1 + 32 + 243)
    expect(fatigueIndexFiNsm5(psd)).toBeCloseTo((1 + 0.5 + 1 / 3) / 276, 15);
    const silent = { frequencies: Float64Array.from([0, 1]), power: new Float64Array(2) };
    expect([meanPowerFrequency(silent), medianFrequency(silent), fatigueIndexFiNsm5(silent)]).toEqual([null, null, null]);
  });
});
