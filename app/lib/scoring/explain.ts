/**
 * The formulas behind a session's scores with the session's own numbers (docs/scoring.md), read
 * from its export — for the PDF report now and the review page's explanations. Nothing here
 * scores a session again: the terms are the export's weights and component scores, and the totals
 * shown are the export's own `overall_score` / `overall_compliance`. What this adds is how the
 * weights are shared out: each weight divided by the sum of the weights whose score is known.
 */
import type { Category, MuscleCompliance, PerformanceScores, ScoringConfigurationExport } from "~/lib/domain";
import { CATEGORY_BANDS, type CategoryBand } from "./score";

export type ScoreComponent = "compliance" | "symmetry" | "effort" | "game";

export interface FormulaTerm {
  component: ScoreComponent;
  /** The configured weight wᵢ. */
  weight: number;
  /** The component score Sᵢ of the export; null when the session has none (the term drops out). */
  score: number | null;
  /** wᵢ / Σ w over the known components: the weight this term really carries; null when dropped. */
  share: number | null;
}

export interface OverallFormula {
  /** All four components in docs/scoring.md order; the ones with a null score are dropped from the sums. */
  terms: FormulaTerm[];
  /** Σ wᵢ over the components whose score is known. */
  weight_sum: number;
  /** C_BFR: 0 when the BFR pressure lies outside the configured range (bfr_compliant false), else 1. */
  bfr_gate: 0 | 1;
  bfr_compliant: boolean | null;
  bfr_pressure_aop: number | null;
  bfr_range: [number, number];
  /** The export's overall score (P) and category. */
  overall: number | null;
  category: Category | null;
  /** Why P is null, when it is: a muscle has no compliance (so no symmetry), or the known weights sum to 0. */
  missing: "muscle" | "weights" | null;
  /** The category bands, best first (`min` included). */
  bands: readonly CategoryBand[];
}

const COMPONENTS: { component: ScoreComponent; weight: keyof ScoringConfigurationExport; score: keyof PerformanceScores }[] = [
  { component: "compliance", weight: "weight_compliance", score: "compliance_score" },
  { component: "symmetry", weight: "weight_symmetry", score: "symmetry_score" },
  { component: "effort", weight: "weight_effort", score: "effort_score" },
  { component: "game", weight: "weight_game", score: "game_score" },
];

/**
 * P = C_BFR · Σ wᵢ·Sᵢ / Σ wᵢ over the known components, as the export's numbers fill it in.
 * null when the export lacks its scores or configuration section.
 */
export function overallFormula(exp: {
  performance_scores: PerformanceScores | null;
  scoring_configuration: ScoringConfigurationExport | null;
}): OverallFormula | null {
  const scores = exp.performance_scores;
  const config = exp.scoring_configuration;
  if (!scores || !config) return null;
  const known = COMPONENTS.map((c) => ({ c, weight: config[c.weight] as number, score: scores[c.score] as number | null }));
  const weightSum = known.reduce((sum, t) => (t.score === null ? sum : sum + t.weight), 0);
  const terms = known.map(({ c, weight, score }) => ({
    component: c.component,
    weight,
    score,
    share: score === null || weightSum === 0 ? null : weight / weightSum,
  }));
  let missing: OverallFormula["missing"] = null;
  if (scores.overall_score === null) missing = scores.compliance_score === null || scores.symmetry_score === null ? "muscle" : "weights";
  return {
    terms,
    weight_sum: weightSum,
    bfr_gate: scores.bfr_compliant === false ? 0 : 1,
    bfr_compliant: scores.bfr_compliant,
    bfr_pressure_aop: scores.bfr_pressure_aop,
    bfr_range: [config.bfr_pressure_min_aop, config.bfr_pressure_max_aop],
    overall: scores.overall_score,
    category: scores.category,
    missing,
    bands: CATEGORY_BANDS,
  };
}

export interface MuscleFormula {
  /** completion, intensity, duration: the sub-weight and the muscle's rate (null for a rejected or missing muscle). */
  terms: { rate: "completion" | "intensity" | "duration"; weight: number; value: number | null }[];
  /** The export's S_m (`overall_compliance`). */
  compliance: number | null;
}

/** S_m = 100 · (w_completion·completion + w_intensity·intensity + w_duration·duration) with the export's numbers. */
export function muscleFormula(muscle: MuscleCompliance, config: ScoringConfigurationExport): MuscleFormula {
  return {
    terms: [
      { rate: "completion", weight: config.weight_completion, value: muscle.completion_rate },
      { rate: "intensity", weight: config.weight_intensity, value: muscle.intensity_rate },
      { rate: "duration", weight: config.weight_duration, value: muscle.duration_rate },
    ],
    compliance: muscle.overall_compliance,
  };
}
