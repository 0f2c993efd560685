import { describe, expect, it } from "vitest";
import { ParameterError } from "~/lib/domain";
import {
  DEFAULT_SCORING_CONFIGURATION,
  type ScoringConfiguration,
  type ScoringInputs,
  formatRpeMapping,
  parseScoringConfiguration,
  scoreCategory,
  scoreSession,
  scoringConfigurationExport,
  symmetryBand,
  symmetryScore,
} from "~/lib/scoring";

/** `count` contractions of which the first `intensity` meet intensity and the first `duration` meet duration. */
function contractions(channel: string, count: number, intensity: number, duration: number) {
  return Array.from({ length: count }, (_, i) => ({
    channel,
    meets_intensity: i < intensity,
    meets_duration: i < duration,
    is_good: i < intensity && i < duration,
  }));
}

const muscles = {
  left: { channel: "CH1", expected_contractions: 12 },
  right: { channel: "CH2", expected_contractions: 12 },
};

/** docs/scoring.md worked example. */
const worked: ScoringInputs = {
  contractions: [...contractions("CH1", 11, 9, 10), ...contractions("CH2", 12, 8, 11)],
  ...muscles,
  rpe_post_session: 6,
  bfr_pressure_aop: 52,
  game_points_achieved: 850,
  game_points_max: 1000,
};

/** Within half a unit of the last digit the spec prints. */
const near = (actual: number | null, expected: number, decimals: number) =>
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(0.5 * 10 ** -decimals);

describe("scoreSession — the worked example of docs/scoring.md", () => {
  const { performance_scores: p, compliance_breakdown: b } = scoreSession(worked, DEFAULT_SCORING_CONFIGURATION);

  it("per-muscle rates", () => {
    near(b.left_muscle.completion_rate, 0.9167, 4);
    near(b.right_muscle.completion_rate, 1, 4);
    near(b.left_muscle.intensity_rate, 0.8182, 4);
    near(b.right_muscle.intensity_rate, 0.6667, 4);
    near(b.left_muscle.duration_rate, 0.9091, 4);
    near(b.right_muscle.duration_rate, 0.9167, 4);
  });

  it("muscle compliance, components, overall and category", () => {
    near(b.left_muscle.overall_compliance, 88.13, 2);
    near(b.right_muscle.overall_compliance, 86.12, 2);
    near(p.compliance_score, 87.13, 2);
    near(p.symmetry_score, 98.84, 2);
    expect(p.effort_score).toBe(100);
    near(p.game_score, 85, 10);
    near(p.overall_score, 93.27, 2);
    expect(p.category).toBe("target_achieved");
    expect(p.bfr_compliant).toBe(true);
  });

  it("counts per muscle", () => {
    expect(b.left_muscle).toMatchObject({
      channel: "CH1",
      contraction_count: 11,
      intensity_compliant_count: 9,
      duration_compliant_count: 10,
      good_contraction_count: 9,
      expected_contractions: 12,
    });
  });
});

describe("weights and gates", () => {
  it("a missing RPE redistributes its weight over the present components", () => {
    const { performance_scores: p } = scoreSession({ ...worked, rpe_post_session: null }, DEFAULT_SCORING_CONFIGURATION);
    expect(p.effort_score).toBeNull();
    const c = p.compliance_score as number;
    const s = p.symmetry_score as number;
    // Game weight is 0 by default: P = (0.5·C + 0.25·S + 0·G) / 0.75.
    expect(p.overall_score).toBeCloseTo((0.5 * c + 0.25 * s) / 0.75, 10);
    // Neither counted as 0 nor as 100.
    expect(p.overall_score).not.toBeCloseTo(0.5 * c + 0.25 * s, 3);
    expect(p.overall_score).not.toBeCloseTo(0.5 * c + 0.25 * s + 25, 3);
  });

  it.each([39.9, 60.5, 0, 100])("BFR %s %% AOP is outside [40, 60]: the score is 0", (pressure) => {
    const { performance_scores: p } = scoreSession({ ...worked, bfr_pressure_aop: pressure }, DEFAULT_SCORING_CONFIGURATION);
    expect(p.bfr_compliant).toBe(false);
    expect(p.overall_score).toBe(0);
    expect(p.category).toBe("inadequate");
    expect(p.compliance_score).not.toBe(0); // components stay visible
  });

  it.each([40, 60])("BFR %s %% AOP is inside the inclusive range", (pressure) => {
    const { performance_scores: p } = scoreSession({ ...worked, bfr_pressure_aop: pressure }, DEFAULT_SCORING_CONFIGURATION);
    expect(p.bfr_compliant).toBe(true);
    near(p.overall_score, 93.27, 2);
  });

  it("unknown BFR pressure: no gate, bfr_compliant null", () => {
    const { performance_scores: p } = scoreSession({ ...worked, bfr_pressure_aop: null }, DEFAULT_SCORING_CONFIGURATION);
    expect(p.bfr_compliant).toBeNull();
    near(p.overall_score, 93.27, 2);
  });

  it("game score needs both points and a positive maximum; capped at 100", () => {
    const score = (points: number | null, max: number | null) =>
      scoreSession({ ...worked, game_points_achieved: points, game_points_max: max }, DEFAULT_SCORING_CONFIGURATION).performance_scores
        .game_score;
    expect([score(null, 10), score(5, null), score(5, 0), score(20, 10), score(3, 12)]).toEqual([null, null, null, 100, 25]);
  });

  it("a configured game weight enters the overall score", () => {
    const config: ScoringConfiguration = { ...DEFAULT_SCORING_CONFIGURATION, weight_compliance: 0.4, weight_game: 0.1 };
    const { performance_scores: p } = scoreSession(worked, config);
    const expected = 0.4 * (p.compliance_score as number) + 0.25 * (p.symmetry_score as number) + 0.25 * 100 + 0.1 * 85;
    expect(p.overall_score).toBeCloseTo(expected, 10);
  });

  it("no contractions: rates 0, completion 0, symmetry 0 when both muscles score 0", () => {
    const { performance_scores: p, compliance_breakdown: b } = scoreSession(
      { contractions: [], ...muscles },
      DEFAULT_SCORING_CONFIGURATION,
    );
    expect(b.left_muscle).toMatchObject({ completion_rate: 0, intensity_rate: 0, duration_rate: 0, overall_compliance: 0 });
    expect(p.symmetry_score).toBe(0);
    expect(p.overall_score).toBe(0);
  });

  it("a rejected or missing muscle leaves compliance, symmetry and the overall score null", () => {
    const { performance_scores: p, compliance_breakdown: b } = scoreSession(
      { ...worked, right: { ...muscles.right, rejected: true } },
      DEFAULT_SCORING_CONFIGURATION,
    );
    expect([p.compliance_score, p.symmetry_score, p.overall_score, p.category]).toEqual([null, null, null, null]);
    expect(b.right_muscle).toMatchObject({ channel: "CH2", overall_compliance: null, contraction_count: null });
    expect(b.left_muscle.overall_compliance).not.toBeNull();
    expect(scoreSession({ ...worked, right: null }, DEFAULT_SCORING_CONFIGURATION).performance_scores.overall_score).toBeNull();
  });
});

describe("bands", () => {
  it("category thresholds", () => {
    expect([90, 89.99, 80, 70, 60, 59.99].map(scoreCategory)).toEqual([
      "target_achieved",
      "adequate",
      "adequate",
      "below_target",
      "poor",
      "inadequate",
    ]);
  });

  it("symmetry and its bands", () => {
    expect(symmetryScore(80, 20)).toBeCloseTo(40, 12); // 100·(1 − 60/100)
    expect(symmetryScore(0, 0)).toBe(0);
    expect([95, 90, 80, 79.9, 69.9].map(symmetryBand)).toEqual(["normal", "acceptable", "acceptable", "moderate_asymmetry", "review"]);
  });
});

describe("scoring configuration", () => {
  it("default is valid and named as the spec says", () => {
    expect(parseScoringConfiguration(DEFAULT_SCORING_CONFIGURATION).name).toBe("GHOSTLY+ default");
  });

  it.each([
    [{ weight_compliance: 0.6 }, "scoring.weight_compliance", /sum to 1/],
    [{ weight_duration: 0.3 }, "scoring.weight_completion", /sub-weights/],
    [{ weight_effort: -0.25, weight_compliance: 1 }, "scoring.weight_effort", /≥ 0/],
    [{ bfr_pressure_min_aop: 70 }, "scoring.bfr_pressure_min_aop", /bfr_pressure_max_aop/],
    [{ expected_contractions: 0 }, "scoring.expected_contractions", /≥ 1/],
    [{ name: " " }, "scoring.name", /empty/],
  ])("%j → ParameterError on %s", (change, field, message) => {
    try {
      parseScoringConfiguration({ ...DEFAULT_SCORING_CONFIGURATION, ...change });
      expect.fail("accepted an invalid configuration");
    } catch (error) {
      expect(error).toBeInstanceOf(ParameterError);
      expect((error as ParameterError).field).toBe(field);
      expect((error as ParameterError).message).toMatch(message);
    }
  });

  it("accepts weights within ± 0.001 of 1", () => {
    expect(() => parseScoringConfiguration({ ...DEFAULT_SCORING_CONFIGURATION, weight_compliance: 0.5009 })).not.toThrow();
  });

  it("rejects an RPE mapping that misses a value or goes beyond 0–10 / 0–100", () => {
    const { "5": _dropped, ...missing } = DEFAULT_SCORING_CONFIGURATION.rpe_mapping;
    expect(() => parseScoringConfiguration({ ...DEFAULT_SCORING_CONFIGURATION, rpe_mapping: missing })).toThrow(
      /rpe_mapping: must map every RPE value/,
    );
    expect(() =>
      parseScoringConfiguration({
        ...DEFAULT_SCORING_CONFIGURATION,
        rpe_mapping: { ...DEFAULT_SCORING_CONFIGURATION.rpe_mapping, "11": 5 },
      }),
    ).toThrow(/keys must be the RPE values/);
    expect(() =>
      parseScoringConfiguration({
        ...DEFAULT_SCORING_CONFIGURATION,
        rpe_mapping: { ...DEFAULT_SCORING_CONFIGURATION.rpe_mapping, "4": 120 },
      }),
    ).toThrow(/≤ 100/);
  });

  it("formats the default RPE mapping into the four ranges of the spec", () => {
    expect(formatRpeMapping(DEFAULT_SCORING_CONFIGURATION.rpe_mapping)).toEqual({
      scale: "Borg CR-10",
      ranges: {
        optimal: { values: [4, 5, 6], score: 100, description: "Optimal effort" },
        acceptable: { values: [3, 7], score: 80, description: "Acceptable effort" },
        suboptimal: { values: [2, 8], score: 60, description: "Suboptimal effort" },
        poor: { values: [0, 1, 9, 10], score: 20, description: "Poor effort" },
      },
    });
  });

  it("exports the configuration section with every weight and the BFR range", () => {
    const section = scoringConfigurationExport(DEFAULT_SCORING_CONFIGURATION);
    expect(section).toMatchObject({
      id: null,
      name: "GHOSTLY+ default",
      weight_compliance: 0.5,
      weight_symmetry: 0.25,
      weight_effort: 0.25,
      weight_game: 0,
      weight_completion: 0.333,
      weight_intensity: 0.333,
      weight_duration: 0.334,
      bfr_pressure_min_aop: 40,
      bfr_pressure_max_aop: 60,
    });
    expect(Object.keys(section.rpe_mapping)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
  });
});
