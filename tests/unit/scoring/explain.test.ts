/**
 * The score explanations (app/lib/scoring/explain.ts) state the export's own numbers: the weighted
 * mean of the terms, with the shares the explanation gives, is the export's overall score; the
 * worked example of docs/scoring.md comes out with its published shares; a missing RPE drops its
 * term and renormalises the others; the bands are the ones scoreCategory decides with.
 */
import { describe, expect, it } from "vitest";
import {
  CATEGORY_BANDS,
  DEFAULT_SCORING_CONFIGURATION,
  muscleFormula,
  overallFormula,
  scoreCategory,
  scoreSession,
  scoringConfigurationExport,
  type ScoringInputs,
} from "~/lib/scoring";

function contractions(channel: string, count: number, intensity: number, duration: number) {
  return Array.from({ length: count }, (_, i) => ({
    channel,
    meets_intensity: i < intensity,
    meets_duration: i < duration,
    is_good: i < intensity && i < duration,
  }));
}

/** docs/scoring.md "Worked example". */
const worked: ScoringInputs = {
  contractions: [...contractions("CH1", 11, 9, 10), ...contractions("CH2", 12, 8, 11)],
  left: { channel: "CH1", expected_contractions: 12 },
  right: { channel: "CH2", expected_contractions: 12 },
  rpe_post_session: 6,
  bfr_pressure_aop: 52,
  game_points_achieved: 850,
  game_points_max: 1000,
};
const config = DEFAULT_SCORING_CONFIGURATION;
const snapshot = scoringConfigurationExport(config);

function exportOf(inputs: ScoringInputs) {
  const scored = scoreSession(inputs, config);
  return { performance_scores: scored.performance_scores, scoring_configuration: snapshot, breakdown: scored.compliance_breakdown };
}

describe("overallFormula", () => {
  it("fills the worked example in with its weights and scores: P = Σ share·S = 93.27", () => {
    const exp = exportOf(worked);
    const f = overallFormula(exp)!;
    expect(f.terms.map((t) => t.component)).toEqual(["compliance", "symmetry", "effort", "game"]);
    expect(f.terms.map((t) => t.weight)).toEqual([0.5, 0.25, 0.25, 0]);
    expect(f.terms.map((t) => t.score)).toEqual([exp.performance_scores.compliance_score, exp.performance_scores.symmetry_score, 100, 85]);
    expect(f.terms[0].score).toBeCloseTo(87.13, 2);
    expect(f.terms[1].score).toBeCloseTo(98.84, 2);
    expect(f.weight_sum).toBeCloseTo(1, 12);
    expect(f.terms.map((t) => t.share)).toEqual([0.5, 0.25, 0.25, 0]);
    const weighted = f.terms.reduce((s, t) => s + (t.share ?? 0) * (t.score ?? 0), 0);
    expect(weighted).toBeCloseTo(93.27, 2); // docs/scoring.md
    expect(weighted).toBeCloseTo(f.overall!, 10);
    expect(f.overall).toBe(exp.performance_scores.overall_score);
    expect(f).toMatchObject({
      bfr_gate: 1,
      bfr_compliant: true,
      bfr_pressure_aop: 52,
      bfr_range: [40, 60],
      category: "target_achieved",
      missing: null,
    });
  });

  it("drops a missing RPE and renormalises the remaining weights (0.5/0.75, 0.25/0.75)", () => {
    const exp = exportOf({ ...worked, rpe_post_session: null });
    const f = overallFormula(exp)!;
    const effort = f.terms.find((t) => t.component === "effort")!;
    expect(effort).toEqual({ component: "effort", weight: 0.25, score: null, share: null });
    expect(f.weight_sum).toBeCloseTo(0.75, 12);
    expect(f.terms[0].share).toBeCloseTo(2 / 3, 12);
    expect(f.terms[1].share).toBeCloseTo(1 / 3, 12);
    const weighted = f.terms.reduce((s, t) => s + (t.share ?? 0) * (t.score ?? 0), 0);
    expect(weighted).toBeCloseTo(exp.performance_scores.overall_score!, 10);
  });

  it("says when the BFR gate voids the score and when a missing muscle leaves P null", () => {
    const gated = overallFormula(exportOf({ ...worked, bfr_pressure_aop: 70 }))!;
    expect(gated).toMatchObject({ bfr_gate: 0, bfr_compliant: false, overall: 0, category: "inadequate" });
    const oneLeg = overallFormula(exportOf({ ...worked, right: null }))!;
    expect(oneLeg).toMatchObject({ overall: null, category: null, missing: "muscle" });
    expect(oneLeg.terms.slice(0, 2).map((t) => t.share)).toEqual([null, null]);
    expect(overallFormula({ performance_scores: null, scoring_configuration: snapshot })).toBeNull();
  });

  it("gives the category bands scoreCategory decides with, best first, down to 0", () => {
    const f = overallFormula(exportOf(worked))!;
    expect(f.bands).toBe(CATEGORY_BANDS);
    expect(f.bands.map((b) => [b.category, b.min])).toEqual([
      ["target_achieved", 90],
      ["adequate", 80],
      ["below_target", 70],
      ["poor", 60],
      ["inadequate", 0],
    ]);
    for (const band of f.bands) {
      expect(scoreCategory(band.min)).toBe(band.category);
      if (band.min > 0) expect(scoreCategory(band.min - 1e-9)).not.toBe(band.category);
    }
  });
});

describe("muscleFormula", () => {
  it("S_m = 100 · Σ sub-weight · rate equals the export's overall_compliance (left of the worked example: 88.13)", () => {
    const exp = exportOf(worked);
    const f = muscleFormula(exp.breakdown.left_muscle, snapshot);
    expect(f.terms.map((t) => [t.rate, t.weight])).toEqual([
      ["completion", 0.333],
      ["intensity", 0.333],
      ["duration", 0.334],
    ]);
    expect(f.terms.map((t) => t.value)).toEqual([11 / 12, 9 / 11, 10 / 11]);
    expect(100 * f.terms.reduce((s, t) => s + t.weight * (t.value ?? 0), 0)).toBeCloseTo(f.compliance!, 10);
    expect(f.compliance).toBeCloseTo(88.13, 2);
  });
});
