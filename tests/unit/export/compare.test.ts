/**
 * The comparison rows of two exports: each value is the one at its export path, the difference is
 * b − a, a missing value on either side gives no difference, and the leg's channel is the one its
 * compliance names (not the channel id order).
 */
import { describe, expect, it } from "vitest";
import { buildSessionExport } from "~/lib/export/build";
import { compareExports } from "~/lib/export/compare";
import type { SessionExport } from "~/lib/export/schema";
import { buildAnalysis, fakeC3dBytes } from "../../support/analysis";

const now = new Date("2026-12-01T10:00:00Z");
const exportOf = (): SessionExport => buildSessionExport(buildAnalysis(fakeC3dBytes()), { now });

/** A second session: the worked example with a few values changed by known amounts. */
function changed(): SessionExport {
  const exp = structuredClone(exportOf());
  exp.performance_scores!.overall_score = 50;
  exp.compliance_breakdown!.right_muscle.completion_rate = 0.5;
  exp.channels!.CH1.mvc_value = 0.0005;
  exp.channels!.CH2.mpf = null;
  return exp;
}

describe("compareExports", () => {
  const a = exportOf();
  const b = changed();
  const rows = compareExports(a, b);
  const byKey = (key: string) => rows.find((r) => r.key === key)!;

  it("has the five scores, six measures per leg and four channel measures per leg", () => {
    expect(rows.filter((r) => r.group === "scores")).toHaveLength(5);
    expect(rows.filter((r) => r.group === "legs" && r.leg === "left")).toHaveLength(6);
    expect(rows.filter((r) => r.group === "legs" && r.leg === "right")).toHaveLength(6);
    expect(rows.filter((r) => r.group === "mvc")).toHaveLength(2);
    expect(rows.filter((r) => r.group === "fatigue")).toHaveLength(6);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
  });

  it("reads each value at its export path and subtracts b − a", () => {
    const overall = byKey("performance_scores.overall_score");
    expect(overall.a).toBe(a.performance_scores!.overall_score);
    expect(overall.b).toBe(50);
    expect(overall.difference).toBe(50 - a.performance_scores!.overall_score!);
    const rate = byKey("right_muscle.completion_rate");
    expect([rate.a, rate.b, rate.difference]).toEqual([
      a.compliance_breakdown!.right_muscle.completion_rate,
      0.5,
      0.5 - a.compliance_breakdown!.right_muscle.completion_rate!,
    ]);
    const mvc = byKey("left.mvc_value");
    expect([mvc.a, mvc.b, mvc.difference]).toEqual([a.channels!.CH1.mvc_value, 0.0005, 0.0005 - a.channels!.CH1.mvc_value!]);
  });

  it("an unchanged value has difference 0, a missing one none", () => {
    expect(byKey("performance_scores.symmetry_score").difference).toBe(0);
    const mpf = byKey("right.mpf");
    expect(mpf.a).toBe(a.channels!.CH2.mpf);
    expect(mpf.b).toBeNull();
    expect(mpf.difference).toBeNull();
  });

  it("takes the leg's channel from the breakdown, whatever the channel ids", () => {
    const swapped = structuredClone(a);
    swapped.compliance_breakdown!.left_muscle.channel = "CH2";
    swapped.compliance_breakdown!.right_muscle.channel = "CH1";
    const r = compareExports(swapped, swapped);
    expect(r.find((x) => x.key === "left.mvc_value")!.a).toBe(a.channels!.CH2.mvc_value);
    expect(r.find((x) => x.key === "right.mvc_value")!.a).toBe(a.channels!.CH1.mvc_value);
  });

  it("a section the export could not build gives nulls, not a crash", () => {
    const broken = { ...a, compliance_breakdown: null, channels: null, performance_scores: null } as SessionExport;
    const r = compareExports(broken, a);
    expect(r.every((x) => x.a === null && x.difference === null)).toBe(true);
  });
});
