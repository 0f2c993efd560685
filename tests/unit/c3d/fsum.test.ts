/**
 * fsum must return the float nearest the exact sum. Cases and answers are CPython's own
 * test_math.testFsum vectors (each exact sum is worked out in the comment), plus properties.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fsum } from "~/lib/c3d/fsum";

/** Parses a C99 hex float like "0x1.df11f45f4e61ap+2" exactly. */
function hexFloat(text: string): number {
  const m = /^(-?)0x1\.([0-9a-f]{13})p([+-]\d+)$/i.exec(text);
  if (!m) throw new Error(`bad hex float ${text}`);
  const mantissa = 1 + parseInt(m[2], 16) / 2 ** 52; // 52 fraction bits: exact in float64
  return (m[1] ? -1 : 1) * mantissa * 2 ** Number(m[3]);
}

describe("fsum", () => {
  it.each([
    // empty sum
    [[], 0],
    // ten float 0.1 = 1.000000000000000055511151231257827…, nearest float is 1 (naive sum: 0.9999999999999999)
    [Array(10).fill(0.1), 1],
    // big terms cancel exactly, 1e-100 survives
    [[1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50], 1e-100],
    // 1 + 1 with 1e100 cancelling
    [[1, 1e100, 1, -1e100], 2],
    // exact 2^53 − 0.5 − 2^-54 is just below the midpoint 2^53 − 0.5: rounds down to 2^53 − 1
    [[2 ** 53, -0.5, -(2 ** -54)], 2 ** 53 - 1],
    // exact 2^53 + 1 + 2^-100 is just above the midpoint between 2^53 and 2^53 + 2: rounds up
    [[2 ** 53, 1.0, 2 ** -100], 2 ** 53 + 2],
    // 2^53 + 11 + tiny: above the midpoint 2^53 + 11 between 2^53 + 10 and + 12
    [[2 ** 53 + 10, 1.0, 2 ** -100], 2 ** 53 + 12],
    // 2^53 − 3.5 + 2^-54: above the midpoint between 2^53 − 4 and 2^53 − 3 (spacing 1 below 2^53)
    [[2 ** 53 - 4, 0.5, 2 ** -54], 2 ** 53 - 3],
    // 1e16 + 1 + 1e-16: the 1e-16 breaks the tie 1e16 + 1 towards 1e16 + 2
    [[1e16, 1, 1e-16], 10000000000000002],
    // exact cancellation in any order
    [[1e16 - 2, 1 - 2 ** -53, -(1e16 - 2), -(1 - 2 ** -53)], 0],
  ])("fsum(%j) = %d", (values, expected) => {
    expect(fsum(values as number[])).toBe(expected);
  });

  it("sums the harmonic and alternating harmonic series to CPython's correctly rounded values", () => {
    const harmonic = Array.from({ length: 1000 }, (_, i) => 1 / (i + 1));
    const alternating = Array.from({ length: 1000 }, (_, i) => (-1) ** (i + 1) / (i + 1));
    expect(fsum(harmonic)).toBe(hexFloat("0x1.df11f45f4e61ap+2"));
    expect(fsum(alternating)).toBe(hexFloat("-0x1.62a2af1bd3624p-1"));
  });

  it("propagates non-finite inputs and reports overflow of a finite exact sum", () => {
    expect(fsum([1, Number.NaN])).toBeNaN();
    expect(fsum([1, Number.POSITIVE_INFINITY])).toBe(Number.POSITIVE_INFINITY);
    expect(fsum([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY])).toBeNaN();
    expect(() => fsum([1.7e308, 1.7e308])).toThrow(RangeError);
    // an overflowing intermediate that cancels is still exact
    expect(fsum([1e308, -1e308, 1e308])).toBe(1e308);
  });

  it("does not depend on the order of the terms and x + (−x) terms cancel exactly", () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 });
    fc.assert(
      fc.property(fc.array(finite, { maxLength: 40 }), fc.integer(), (values, seed) => {
        const shuffled = [...values];
        let s = seed >>> 0;
        for (let i = shuffled.length - 1; i > 0; i--) {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          const j = s % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
        }
        expect(fsum(shuffled)).toBe(fsum(values));
        expect(fsum([...values, ...values.map((v) => -v)])).toBe(0);
      }),
      { seed: 3, numRuns: 300 },
    );
  });
});
