/**
 * activatedRuns builds runs from the indexes of positive samples collected while finding the
 * maximum, and falls back to a full scan when there are too many of them or the threshold rounds to
 * 0; every path must give the runs the definition gives (active ⇔ activated[i] ≥ factor·max).
 */
import { describe, expect, it } from "vitest";
import { activatedRuns } from "~/lib/emg";

/** Runs straight from the definition, one sample at a time. */
function runsByDefinition(activated: Float64Array, factor: number): { start: number; end: number }[] {
  const max = activated.reduce((m, v) => (v > m ? v : m), -Infinity);
  if (!(max > 0)) return [];
  const runs: { start: number; end: number }[] = [];
  activated.forEach((v, i) => {
    if (!(v >= factor * max)) return;
    const last = runs[runs.length - 1];
    if (last && last.end === i - 1) last.end = i;
    else runs.push({ start: i, end: i });
  });
  return runs;
}

/** Bursts of `length` samples every `period`, rising 0.2 → 1 within each burst, 0 between. */
function bursts(n: number, period: number, length: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => (i % period < length ? 0.2 + (0.8 * (i % period)) / length : 0));
}

describe("activatedRuns", () => {
  it("finds the runs of a mostly resting signal from its positive samples", () => {
    const activated = bursts(50_000, 1000, 300);
    activated[12_345] = Number.NaN;
    const { runs, max } = activatedRuns(activated, 0.5);
    expect(max).toBe(activated.reduce((m, v) => (v > m ? v : m), -Infinity));
    expect(runs).toHaveLength(50);
    expect(runs).toEqual(runsByDefinition(activated, 0.5));
  });

  it("scans the whole signal again when more than 65536 samples are positive", () => {
    const activated = bursts(200_000, 1000, 600); // 120,000 positive samples
    expect(activatedRuns(activated, 0.5).runs).toEqual(runsByDefinition(activated, 0.5));
    expect(activatedRuns(activated, 0.5).runs).toHaveLength(200);
  });

  it("counts resting samples as active when factor·max rounds to 0 (a subnormal maximum)", () => {
    const activated = Float64Array.from([0, 0, 5e-324, 0, -1, 0]);
    expect(0.5 * 5e-324).toBe(0);
    expect(activatedRuns(activated, 0.5).runs).toEqual([
      { start: 0, end: 3 },
      { start: 5, end: 5 },
    ]);
  });

  it("keeps runs that touch either end and single-sample runs", () => {
    const activated = Float64Array.from([1, 1, 0, 0.9, 0, 0, 1]);
    expect(activatedRuns(activated, 0.5).runs).toEqual([
      { start: 0, end: 1 },
      { start: 3, end: 3 },
      { start: 6, end: 6 },
    ]);
  });
});
