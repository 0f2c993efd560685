/**
 * The server-rendered envelope plot: min/max decimation keeps the extremes, bands and the threshold
 * sit where their values say, the path size does not grow with the envelope, and the component
 * renders the SVG (with its accessible name and text alternative) before uPlot is ready.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { EnvelopePlot } from "~/components/session/EnvelopePlot";
import { envelopeSvg, minMaxDecimate } from "~/components/session/envelope-svg";
import type { Contraction } from "~/lib/export/schema";

/** Points of an "M x y L x y V y …" path, with the V commands expanded. */
function pathPoints(d: string): { x: number; y: number }[] {
  const points: { x: number; y: number }[] = [];
  for (const [, cmd, args] of d.matchAll(/([MLV])([^MLV]+)/g)) {
    const nums = args.trim().split(/[ ,]+/).map(Number);
    if (cmd === "V") points.push({ x: points[points.length - 1].x, y: nums[0] });
    else points.push({ x: nums[0], y: nums[1] });
  }
  return points;
}

function contraction(index: number, start_ms: number, end_ms: number, is_good: boolean): Contraction {
  return {
    channel: "CH1",
    index,
    start_ms,
    end_ms,
    duration_ms: end_ms - start_ms,
    peak_rms: 1e-4,
    mean_rms: 5e-5,
    percent_mvc: null,
    meets_intensity: is_good,
    meets_duration: is_good,
    is_good,
  };
}

/** A 20 windows/s envelope of `seconds`, a slow wave plus one single-window spike and dip. */
function envelope(seconds: number, spikeAt: number, dipAt: number) {
  const n = seconds * 20;
  const times_s = Array.from({ length: n }, (_, i) => i / 20);
  const values = times_s.map((t) => 1e-4 + 5e-5 * Math.sin(t));
  values[spikeAt] = 9e-4;
  values[dipAt] = 1e-6;
  return { times_s, values };
}

describe("minMaxDecimate", () => {
  it("keeps each column's extremes, drops empty columns and out-of-range samples", () => {
    // 10 samples at t = 0..9 onto 5 columns of width 2 over [0, 10]: pairs (0,1), (2,3), ….
    const times = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11];
    const values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 100];
    expect(minMaxDecimate(times, values, 5, 0, 10)).toEqual([
      { column: 0, min: 1, max: 3 },
      { column: 1, min: 1, max: 4 },
      { column: 2, min: 5, max: 9 },
      { column: 3, min: 2, max: 6 },
      { column: 4, min: 3, max: 5 },
    ]);
    // t = 4..5 only: columns 0 and 1 of [4, 8] hold samples, 2 and 3 are empty (no fake zeros).
    expect(minMaxDecimate([4, 5], [1, 2], 4, 4, 8).map((c) => c.column)).toEqual([0, 1]);
  });
});

describe("envelopeSvg", () => {
  const env = envelope(75, 777, 1203);
  const g = envelopeSvg(env, [], null);
  const bottom = g.plot.top + g.plot.height;
  const yOf = (v: number) => bottom - ((v - g.yDomain[0]) / (g.yDomain[1] - g.yDomain[0])) * g.plot.height;

  it("keeps the global maximum and minimum of the envelope (a single-window spike and dip)", () => {
    // Naive subsampling of 1500 windows to 600 columns keeps 2 windows in 5 and could miss both.
    expect(Math.max(...g.columns.map((c) => c.max))).toBe(9e-4);
    expect(Math.min(...g.columns.map((c) => c.min))).toBe(1e-6);
    const ys = pathPoints(g.path).map((p) => p.y);
    expect(Math.min(...ys)).toBe(Math.round(yOf(9e-4)));
    expect(Math.max(...ys)).toBe(Math.round(yOf(1e-6)));
    // And at the right place: window 777 is at 38.85 s of 74.95 s.
    const peak = pathPoints(g.path).find((p) => p.y === Math.min(...ys))!;
    expect(peak.x).toBe(g.plot.left + Math.floor((38.85 / 74.95) * 600));
  });

  it("bounds the path by the column count whatever the envelope length", () => {
    for (const seconds of [1, 75, 600]) {
      const long = envelopeSvg(envelope(seconds, 3, 7), [], null);
      const points = pathPoints(long.path);
      expect(points.length).toBeLessThanOrEqual(2 * 600);
      expect(new Set(points.map((p) => p.x)).size).toBeLessThanOrEqual(600);
      points.forEach((p) => {
        expect(Number.isInteger(p.x) && Number.isInteger(p.y)).toBe(true);
        expect(p.x).toBeGreaterThanOrEqual(long.plot.left);
        expect(p.x).toBeLessThan(long.plot.left + long.plot.width);
      });
    }
    // 600 s at 20 windows/s is 12 000 windows: without decimation the path would have 12 000 points.
    expect(pathPoints(envelopeSvg(envelope(600, 3, 7), [], null).path).length).toBeGreaterThan(600);
  });

  it("places each contraction band at its start_ms/end_ms, good and not good told apart", () => {
    const contractions = [contraction(1, 10_000, 12_500, true), contraction(2, 30_000, 30_010, false)];
    const { bands, plot, xDomain } = envelopeSvg(env, contractions, null);
    const xOf = (s: number) => plot.left + ((s - xDomain[0]) / (xDomain[1] - xDomain[0])) * plot.width;
    expect(xDomain).toEqual([0, 74.95]);
    expect(bands).toHaveLength(2);
    expect(bands[0]).toEqual({ x: Math.round(xOf(10)), width: Math.round(xOf(12.5)) - Math.round(xOf(10)), good: true, index: 1 });
    // 10 ms is under a pixel (74.95 s / 600 px ≈ 125 ms): still drawn, 1 px wide.
    expect(bands[1]).toMatchObject({ x: Math.round(xOf(30)), width: 1, good: false, index: 2 });
  });

  it("draws the threshold at the y of its value, inside the plot even above the envelope", () => {
    const below = envelopeSvg(env, [], 2e-4);
    expect(below.threshold).toEqual({ y: Math.round(yOf(2e-4)), value: 2e-4 });
    const above = envelopeSvg(env, [], 2e-3);
    // The y range grows to 5 % above the threshold: the line is 1/1.05 of the way up.
    expect(above.yDomain[1]).toBeCloseTo(2.1e-3, 15);
    expect(above.threshold!.y).toBe(Math.round(bottom - above.plot.height / 1.05));
    expect(envelopeSvg(env, [], null).threshold).toBeNull();
  });

  it("labels round ticks in seconds and µV at their positions", () => {
    // 0–74.95 s in about 8 steps → a 10 s step: 0, 10, …, 70.
    expect(g.xTicks.map((t) => t.label)).toEqual(["0", "10", "20", "30", "40", "50", "60", "70"]);
    const xOf = (s: number) => g.plot.left + (s / 74.95) * g.plot.width;
    expect(g.xTicks[3].x).toBe(Math.round(xOf(30)));
    // 0–945 µV (9e-4 · 1.05) in about 5 steps → a 200 µV step.
    expect(g.yTicks.map((t) => t.label)).toEqual(["0", "200", "400", "600", "800"]);
    expect(g.yTicks[2].y).toBe(Math.round(yOf(400e-6)));
  });

  it("is deterministic (server and hydration render the same markup)", () => {
    expect(envelopeSvg(env, [contraction(1, 1000, 2000, true)], 2e-4)).toEqual(envelopeSvg(env, [contraction(1, 1000, 2000, true)], 2e-4));
  });
});

describe("EnvelopePlot before uPlot is ready", () => {
  it("renders the SVG plot with one band per contraction, named and described by the table", () => {
    const html = renderToStaticMarkup(
      createElement(EnvelopePlot, {
        channel: "CH1",
        label: "CH1 (left leg)",
        envelope: envelope(75, 777, 1203),
        contractions: [contraction(1, 10_000, 12_500, true), contraction(2, 30_000, 31_000, false), contraction(3, 40_000, 42_000, true)],
        mvcThreshold: 2e-4,
        describedBy: "contractions-CH1",
      }),
    );
    const svg = html.match(/<svg[^>]*>/)![0];
    expect(svg).toContain('role="img"');
    expect(svg).toContain(
      'aria-label="CH1 (left leg): RMS envelope with contractions shaded; the contraction table below is the text alternative."',
    );
    expect(svg).toContain('aria-describedby="contractions-CH1"');
    expect(html.match(/class="band good"/g)).toHaveLength(2);
    expect(html.match(/class="band other"/g)).toHaveLength(1);
    expect(html).toContain('stroke-dasharray="6 4"');
    expect(html).toContain("The interactive plot needs JavaScript");
  });
});
