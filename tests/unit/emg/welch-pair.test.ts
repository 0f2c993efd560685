/**
 * welchPair computes two Welch PSDs in the lanes of WebAssembly SIMD instructions; its promise is
 * bit-for-bit equality with two welch calls (welch itself is checked against SciPy in
 * tests/unit/analysis/golden.test.ts). Object.is compares every float exactly.
 */
import { describe, expect, it } from "vitest";
import { welch } from "~/lib/emg";
import { welchPair, welchPairUsesSimd } from "~/lib/emg/simd";
import { mulberry32 } from "./synthetic";

function signal(n: number, seed: number, offset: number): Float64Array {
  const random = mulberry32(seed);
  // A tone plus noise and a DC offset, so detrending and every bin matter.
  return Float64Array.from({ length: n }, (_, i) => offset + Math.sin(0.3 * i) * 1e-3 + (random() - 0.5) * 1e-4);
}

const differingBins = (actual: Float64Array, expected: Float64Array) =>
  actual.length !== expected.length ? [-1] : Array.from(actual.keys()).filter((k) => !Object.is(actual[k], expected[k]));

describe("welchPair", () => {
  it("runs the WebAssembly SIMD kernel on this Node (else the tests below only test the fallback)", () => {
    expect(welchPairUsesSimd()).toBe(true);
  });

  // 256: one segment, no pair; 384: one pair; 511: one pair; 640: a pair and an odd segment;
  // 100: shorter than a segment (fallback with nperseg = n); 20000: many pairs.
  it.each([100, 256, 384, 511, 640, 20000])("equals two welch calls bit for bit (n = %i)", (n) => {
    const a = signal(n, n, 0.5);
    const b = signal(n, n + 1, -2);
    const [pa, pb] = welchPair(a, b, 990);
    const [ra, rb] = [welch(a, 990), welch(b, 990)];
    expect(differingBins(pa.power, ra.power)).toEqual([]);
    expect(differingBins(pb.power, rb.power)).toEqual([]);
    expect(differingBins(pa.frequencies, ra.frequencies)).toEqual([]);
  });

  it("does not carry power sums over from a previous call", () => {
    welchPair(signal(5000, 1, 3), signal(5000, 2, 3), 990);
    const a = signal(3000, 3, 0);
    const b = signal(3000, 4, 0);
    const [pa, pb] = welchPair(a, b, 990);
    expect(differingBins(pa.power, welch(a, 990).power)).toEqual([]);
    expect(differingBins(pb.power, welch(b, 990).power)).toEqual([]);
  });

  it("computes signals of different lengths one by one", () => {
    const a = signal(1000, 5, 0);
    const b = signal(1500, 6, 0);
    const [pa, pb] = welchPair(a, b, 990);
    expect(differingBins(pa.power, welch(a, 990).power)).toEqual([]);
    expect(differingBins(pb.power, welch(b, 990).power)).toEqual([]);
  });
});
