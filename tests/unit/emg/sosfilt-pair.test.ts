/**
 * sosfiltfiltPair filters two signals in the lanes of WebAssembly SIMD instructions; its promise is
 * bit-for-bit equality with two sosfiltfilt calls (the golden tests check sosfiltfilt against SciPy).
 * Object.is also tells −0 from 0 and matches NaN, so these comparisons are exact to the last bit.
 */
import { describe, expect, it } from "vitest";
import { butter, sosfiltfilt, sosfiltfiltPadlen } from "~/lib/emg";
import { sosfiltfiltPair, sosfiltfiltPairUsesSimd } from "~/lib/emg/simd";
import { mulberry32 } from "./synthetic";

function noise(n: number, seed: number, offset = 0): Float64Array {
  const random = mulberry32(seed);
  return Float64Array.from({ length: n }, () => offset + (random() - 0.5) * 1e-3);
}

/** Index of the first sample where the two arrays differ in any bit, −1 when identical. */
function firstDifference(actual: Float64Array, expected: Float64Array): number {
  if (actual.length !== expected.length) return Math.min(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) if (!Object.is(actual[i], expected[i])) return i;
  return -1;
}

describe("sosfiltfiltPair", () => {
  const fs = 990;
  it("runs the WebAssembly SIMD cascade on this Node (else the tests below only test the fallback)", () => {
    expect(sosfiltfiltPairUsesSimd()).toBe(true);
  });

  // Orders 4 and 8 run in WebAssembly (one and two groups of four sections); order 2 (two sections)
  // takes the fallback of two sosfiltfilt calls.
  it.each([2, 4, 8])("equals two sosfiltfilt calls bit for bit (band-pass order %i)", (order) => {
    const sos = butter(order, [20, 450], "bandpass", fs);
    const a = noise(5000, 1, 0.25);
    const b = noise(5000, 2, -3);
    const [ya, yb] = sosfiltfiltPair(sos, a, b);
    expect(firstDifference(ya, sosfiltfilt(sos, a))).toBe(-1);
    expect(firstDifference(yb, sosfiltfilt(sos, b))).toBe(-1);
  });

  it("keeps the lanes apart: a NaN in one signal leaves the other exact", () => {
    const sos = butter(4, [20, 450], "bandpass", fs);
    const a = noise(3000, 3);
    const b = noise(3000, 4);
    b[1500] = Number.NaN;
    const [ya, yb] = sosfiltfiltPair(sos, a, b);
    expect(firstDifference(ya, sosfiltfilt(sos, a))).toBe(-1);
    expect(Number.isNaN(yb[1500])).toBe(true);
  });

  it("does not reuse a previous call's state or samples", () => {
    const sos = butter(4, [20, 450], "bandpass", fs);
    sosfiltfiltPair(sos, noise(8000, 5, 7), noise(8000, 6, -7));
    const a = noise(2000, 7);
    const b = noise(2000, 8);
    const [ya, yb] = sosfiltfiltPair(sos, a, b);
    expect(firstDifference(ya, sosfiltfilt(sos, a))).toBe(-1);
    expect(firstDifference(yb, sosfiltfilt(sos, b))).toBe(-1);
  });

  it("filters signals of different lengths one by one", () => {
    const sos = butter(4, [20, 450], "bandpass", fs);
    const a = noise(1000, 9);
    const b = noise(1200, 10);
    const [ya, yb] = sosfiltfiltPair(sos, a, b);
    expect(firstDifference(ya, sosfiltfilt(sos, a))).toBe(-1);
    expect(firstDifference(yb, sosfiltfilt(sos, b))).toBe(-1);
  });

  it("rejects signals not longer than padlen, as sosfiltfilt does", () => {
    const sos = butter(4, [20, 450], "bandpass", fs);
    const padlen = sosfiltfiltPadlen(sos);
    expect(() => sosfiltfiltPair(sos, noise(padlen, 11), noise(padlen, 12))).toThrow(/must be longer than padlen = 27/);
  });
});
