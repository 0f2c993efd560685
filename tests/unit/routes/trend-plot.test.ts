/**
 * The patient trend plot: its axis ticks, the five views (scores, MPF, MDF, fatigue index, MVC in
 * µV), each point a link to its session with a tooltip, and the legend naming every series.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { TrendPlot } from "~/components/TrendPlot";
import { formatTrendValue, isTrendView, layoutTrend, niceTicks, type TrendPoint } from "~/components/trend/trend-model";

const leg = (mvc: number, mpf: number, mdf: number, fatigue: number) => ({ mvc, mpf, mdf, fatigue });
const POINTS: TrendPoint[] = [
  {
    sessionId: "id-2",
    sessionCode: "S-2",
    recordedAt: "2023-03-22T10:00:00",
    overall: 80,
    compliance: 70,
    symmetry: 90,
    left: leg(0.0004, 90, 80, 2e-13),
    right: leg(0.0003, 85, 75, 3e-13),
  },
  {
    sessionId: "id-1",
    sessionCode: "S-1",
    recordedAt: "2023-03-21T10:00:00",
    overall: 60,
    compliance: 50,
    symmetry: 100,
    left: leg(0.0002, 100, 88, 1e-13),
    right: { mvc: null, mpf: null, mdf: null, fatigue: null },
  },
];
const BOX = { width: 720, height: 260, left: 64, right: 16, top: 14, bottom: 36 };

describe("niceTicks", () => {
  // Five ticks over the range: the step is the smallest of 1, 2, 2.5, 5, 10 × 10ⁿ ≥ range / 4.
  it("covers the range with round steps starting at a multiple of the step", () => {
    expect(niceTicks(0, 100)).toEqual([0, 25, 50, 75, 100]); // 25 = 2.5 × 10
    expect(niceTicks(75, 100)).toEqual([70, 80, 90, 100]); // 6.25 → 10, first multiple of 10 ≤ 75
    expect(niceTicks(200, 400)).toEqual([200, 250, 300, 350, 400]); // 50 = 5 × 10
    expect(niceTicks(0.11, 0.19)).toEqual([0.1, 0.12, 0.14, 0.16, 0.18, 0.2]); // 0.02 = 2 × 10⁻²
  });
  it("widens a single value to a visible range", () => {
    const ticks = niceTicks(90, 90);
    expect(ticks[0]).toBeLessThan(90);
    expect(ticks[ticks.length - 1]).toBeGreaterThan(90);
  });
});

describe("layoutTrend", () => {
  it("MVC is shown in µV: 0.0002 V → 200, and the axis spans every value of both legs", () => {
    const layout = layoutTrend(POINTS, "mvc", BOX)!;
    expect(layout.view.unit).toBe("µV");
    const left = layout.series.find((s) => s.key === "left-mvc")!;
    expect(left.points.map((p) => [p.sessionId, p.value])).toEqual([
      ["id-1", 200],
      ["id-2", 400],
    ]);
    const right = layout.series.find((s) => s.key === "right-mvc")!;
    expect(right.points.map((p) => p.sessionId)).toEqual(["id-2"]);
    const lo = layout.ticks[0].value;
    const hi = layout.ticks[layout.ticks.length - 1].value;
    expect(lo).toBeLessThanOrEqual(200);
    expect(hi).toBeGreaterThanOrEqual(400);
    // The highest value sits at or under the top tick: y grows downwards.
    expect(left.points[1].y).toBeGreaterThanOrEqual(layout.ticks[layout.ticks.length - 1].y);
  });
  it("no value of the view → nothing to plot", () => {
    const none = POINTS.map((p) => ({ ...p, left: { ...p.left, mdf: null }, right: { ...p.right, mdf: null } }));
    expect(layoutTrend(none, "mdf", BOX)).toBeNull();
  });
  it("knows its views", () => {
    expect(["scores", "mpf", "mdf", "fatigue", "mvc"].every(isTrendView)).toBe(true);
    expect(isTrendView("rms")).toBe(false);
    expect(isTrendView(null)).toBe(false);
  });
  it("formats tiny values in exponent notation", () => {
    expect(formatTrendValue(2e-13, "")).toBe("2.00e-13");
    expect(formatTrendValue(87.654321, "Hz")).toBe("87.65 Hz");
  });
});

describe("TrendPlot", () => {
  it("every point links to its session with a tooltip naming session, date, series and value", () => {
    const html = renderToStaticMarkup(createElement(TrendPlot, { describedBy: "t", points: POINTS, view: "mpf" }));
    const links = [...html.matchAll(/<a href="\/sessions\/([^"]+)"[^>]*data-testid="trend-point"/g)].map((m) => m[1]);
    // Left leg in both sessions, right leg only in the later one.
    expect(links.sort()).toEqual(["id-1", "id-2", "id-2"]);
    expect(html).toContain("<title>Session S-1, 21 Mar 2023: Left leg 100 Hz</title>");
    expect(html).toContain("Left leg</span>");
    expect(html).toContain("Right leg</span>");
  });
  it("the legend starts where the plot area starts (64 of 720 units)", () => {
    const html = renderToStaticMarkup(createElement(TrendPlot, { describedBy: "t", points: POINTS }));
    expect(html).toContain('class="legend" style="padding-left:8.89%"');
  });
});
