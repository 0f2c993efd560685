/**
 * segmentPairFft promises fft.js's `transform` bit for bit on the detrended, windowed segments it
 * builds inside its first pass (so Welch's PSD did not change by a single bit when it moved off the
 * separate packing buffer). Object.is compares every float exactly, −0 included.
 */
import FFT from "fft.js";
import { describe, expect, it } from "vitest";
import { hannPeriodic } from "~/lib/emg";
import { segmentPairFft } from "~/lib/emg/segment-fft";
import { mulberry32 } from "./synthetic";

describe("segmentPairFft", () => {
  // Sizes 2 … 1024 cover both first stages (radix-2 for odd log2 N, radix-4 for even).
  it.each([2, 4, 8, 16, 32, 64, 128, 256, 512, 1024])("equals fft.js transform of the windowed segments bit for bit (N = %i)", (n) => {
    const random = mulberry32(n);
    const x = Float64Array.from({ length: 3 * n }, () => random() - 0.5 + 0.1);
    const window = hannPeriodic(n);
    const [a, b, meanA, meanB] = [0, Math.floor(n / 2) + 1, 0.1, -0.03];
    const packed = new Float64Array(2 * n);
    for (let j = 0; j < n; j++) {
      packed[2 * j] = window[j] * (x[a + j] - meanA);
      packed[2 * j + 1] = window[j] * (x[b + j] - meanB);
    }
    const expected = new Float64Array(2 * n);
    new FFT(n).transform(expected, packed);
    const actual = new Float64Array(2 * n);
    segmentPairFft(n).transform(x, a, b, meanA, meanB, window, actual);
    const differing = Array.from(actual.keys()).filter((i) => !Object.is(actual[i], expected[i]));
    expect(differing).toEqual([]);
  });

  it("rejects a length that is not a power of two", () => {
    expect(() => segmentPairFft(96)).toThrow(/power of two ≥ 2, got 96/);
    expect(() => segmentPairFft(1)).toThrow(RangeError);
  });
});
