import { describe, expect, it } from "vitest";
import { activatedRuns, describeContractions, envelopeGeometry, envelopeRuns, mergeAndFilterRuns, runWindows } from "~/lib/emg";

describe("candidate runs", () => {
  it("activated: samples ≥ factor·max, inclusive runs, including one touching the end", () => {
    const a = Float64Array.from([0, 0, 1, 1, 0.04, 0.05, 0, 1]);
    expect(activatedRuns(a, 0.05)).toEqual({
      runs: [
        { start: 2, end: 3 },
        { start: 5, end: 5 },
        { start: 7, end: 7 },
      ],
      max: 1,
    });
  });

  it("activated: nothing when the device never exceeds 0", () => {
    expect(activatedRuns(new Float64Array(10), 0.05)).toEqual({ runs: [], max: 0 });
  });

  it("envelope: active windows a…b become samples aH + o … bH + o + H − 1, o = floor((W − H)/2)", () => {
    const geometry = envelopeGeometry(1000, 990, 100, 50); // W 99, H 50, o 24
    const env = new Float64Array(geometry.count);
    env[3] = env[4] = 1;
    env[6] = 0.5;
    expect(envelopeRuns(env, geometry, 0.5)).toEqual([
      { start: 3 * 50 + 24, end: 4 * 50 + 24 + 49 },
      { start: 6 * 50 + 24, end: 6 * 50 + 24 + 49 },
    ]);
  });
});

describe("mergeAndFilterRuns", () => {
  it("merges gaps below N_merge (gap = s_next − e_prev − 1), then drops runs shorter than N_min", () => {
    const runs = [
      { start: 0, end: 99 },
      { start: 297, end: 400 }, // gap 197 < 198: merged
      { start: 599, end: 700 }, // gap 198: kept apart
      { start: 1000, end: 1097 }, // 98 samples < 99: dropped
    ];
    expect(mergeAndFilterRuns(runs, 198, 99)).toEqual([
      { start: 0, end: 400 },
      { start: 599, end: 700 },
    ]);
  });

  it("merges before dropping: two short runs close together survive as one", () => {
    expect(
      mergeAndFilterRuns(
        [
          { start: 0, end: 59 },
          { start: 100, end: 159 },
        ],
        198,
        99,
      ),
    ).toEqual([{ start: 0, end: 159 }]);
  });
});

describe("runWindows and describeContractions", () => {
  const geometry = envelopeGeometry(10000, 990, 100, 50); // centres at 50k + 49 (floor)

  it("takes every window whose centre sample lies inside the run", () => {
    expect(runWindows({ start: 1995, end: 2404 }, geometry)).toEqual({ first: 39, last: 47 });
  });

  it("falls back to the window nearest the run's middle, the earlier one on a tie", () => {
    // Run 100…120 holds no centre (99, 149); middle 110 is nearer to 99 (k = 1) than to 149 (k = 2).
    expect(runWindows({ start: 100, end: 120 }, geometry)).toEqual({ first: 1, last: 1 });
    // Run 100…148 holds no centre either; doubled middle 248 is 50 from both doubled centres
    // 2kH + W − 1 = 198 (k = 1) and 298 (k = 2): a tie, so the earlier window.
    expect(runWindows({ start: 100, end: 148 }, geometry)).toEqual({ first: 1, last: 1 });
    expect(runWindows({ start: 101, end: 148 }, geometry)).toEqual({ first: 2, last: 2 });
  });

  it("computes times, RMS figures and flags on integer samples", () => {
    const env = Float64Array.from({ length: geometry.count }, (_, k) => (k >= 39 && k <= 47 ? 0.001 * (k - 38) : 0));
    const [c] = describeContractions([{ start: 1995, end: 2404 }], env, geometry, {
      fs: 990,
      mvc: 0.01,
      intensityThreshold: 0.0075,
      targetSamples: 410,
    });
    expect(c.start_ms).toBeCloseTo((1000 * 1995) / 990, 12);
    expect(c.end_ms).toBeCloseTo((1000 * 2405) / 990, 12);
    expect(c.duration_ms).toBeCloseTo((1000 * 410) / 990, 12);
    expect(c.peak_rms).toBe(env[47]);
    expect(c.mean_rms).toBeCloseTo(0.005, 15); // mean of 0.001 … 0.009
    expect(c.percent_mvc).toBeCloseTo(90, 12);
    expect([c.meets_intensity, c.meets_duration, c.is_good]).toEqual([true, true, true]);
  });
});
