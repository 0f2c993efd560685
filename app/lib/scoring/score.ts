/**
 * Session scoring (docs/scoring.md): per-muscle rates and compliance, session components, BFR gate,
 * overall score and category. The one implementation behind analyzeC3d, therapist re-scoring, the
 * review page and every export.
 */
import type { Category, ComplianceBreakdown, Contraction, MuscleCompliance, PerformanceScores } from "~/lib/domain";
import type { ScoringConfiguration } from "./configuration";

export interface MuscleRates {
  completion_rate: number;
  intensity_rate: number;
  duration_rate: number;
}

/**
 * completion = min(count/expected, 1); intensity and duration = compliant/count (0 without
 * contractions).
 */
export function muscleRates(count: number, intensityCompliant: number, durationCompliant: number, expected: number): MuscleRates {
  return {
    completion_rate: Math.min(count / expected, 1),
    intensity_rate: count > 0 ? intensityCompliant / count : 0,
    duration_rate: count > 0 ? durationCompliant / count : 0,
  };
}

/** S_m = 100 · (w_completion·completion + w_intensity·intensity + w_duration·duration). */
export function muscleCompliance(rates: MuscleRates, config: ScoringConfiguration): number {
  return (
    100 *
    (config.weight_completion * rates.completion_rate +
      config.weight_intensity * rates.intensity_rate +
      config.weight_duration * rates.duration_rate)
  );
}

/** S_s = 100 · (1 − |L − R| / (L + R)); 0 when L + R = 0. */
export function symmetryScore(left: number, right: number): number {
  const total = left + right;
  return total === 0 ? 0 : 100 * (1 - Math.abs(left - right) / total);
}

/** Effort from the post-session RPE through the mapping; null without an RPE. */
export function effortScore(rpePost: number | null | undefined, config: ScoringConfiguration): number | null {
  if (rpePost == null) return null;
  return config.rpe_mapping[String(rpePost)] ?? null;
}

/** S_g = 100 · min(points/max, 1) when both are known and max > 0; else null. */
export function gameScore(points: number | null | undefined, max: number | null | undefined): number | null {
  if (points == null || max == null || !(max > 0)) return null;
  return 100 * Math.min(points / max, 1);
}

/** true/false when the pressure is known (inside the configured range, inclusive), null otherwise. */
export function bfrCompliant(pressure: number | null | undefined, config: ScoringConfiguration): boolean | null {
  if (pressure == null) return null;
  return pressure >= config.bfr_pressure_min_aop && pressure <= config.bfr_pressure_max_aop;
}

/** A category band of the overall score: from `min` (included) up to the next band's `min`. */
export interface CategoryBand {
  category: Category;
  min: number;
}

/** The category bands of docs/scoring.md "Overall", best first; the last reaches down to 0. */
export const CATEGORY_BANDS: readonly CategoryBand[] = Object.freeze([
  { category: "target_achieved", min: 90 },
  { category: "adequate", min: 80 },
  { category: "below_target", min: 70 },
  { category: "poor", min: 60 },
  { category: "inadequate", min: 0 },
]);

/** Category shown beside the overall score. */
export function scoreCategory(overall: number): Category {
  return CATEGORY_BANDS.find((band) => overall >= band.min)?.category ?? "inadequate";
}

export type SymmetryBand = "normal" | "acceptable" | "moderate_asymmetry" | "review";

/** Symmetry bands: > 90 normal; 80–90 acceptable; 70–80 moderate asymmetry; < 70 review. */
export function symmetryBand(symmetry: number): SymmetryBand {
  if (symmetry > 90) return "normal";
  if (symmetry >= 80) return "acceptable";
  if (symmetry >= 70) return "moderate_asymmetry";
  return "review";
}

/** One muscle as scoring sees it. */
export interface ScoredMuscle {
  /** Channel id (`CH1`). */
  channel: string;
  expected_contractions: number;
  /** A rejected channel (non-finite samples, too short) has no contraction data to score. */
  rejected?: boolean;
}

export interface ScoringInputs {
  /** Every contraction of the session (only the flags are used). */
  contractions: Pick<Contraction, "channel" | "meets_intensity" | "meets_duration" | "is_good">[];
  /** Left and right muscle; null when the session has no such muscle. */
  left: ScoredMuscle | null;
  right: ScoredMuscle | null;
  rpe_post_session?: number | null;
  bfr_pressure_aop?: number | null;
  game_points_achieved?: number | null;
  game_points_max?: number | null;
}

export interface SessionScores {
  performance_scores: PerformanceScores;
  compliance_breakdown: ComplianceBreakdown;
}

function scoreMuscle(muscle: ScoredMuscle | null, inputs: ScoringInputs, config: ScoringConfiguration): MuscleCompliance {
  if (!muscle || muscle.rejected) {
    return {
      channel: muscle?.channel ?? null,
      overall_compliance: null,
      completion_rate: null,
      intensity_rate: null,
      duration_rate: null,
      contraction_count: null,
      good_contraction_count: null,
      intensity_compliant_count: null,
      duration_compliant_count: null,
      expected_contractions: muscle?.expected_contractions ?? null,
    };
  }
  const own = inputs.contractions.filter((c) => c.channel === muscle.channel);
  const intensity = own.filter((c) => c.meets_intensity).length;
  const duration = own.filter((c) => c.meets_duration).length;
  const rates = muscleRates(own.length, intensity, duration, muscle.expected_contractions);
  return {
    channel: muscle.channel,
    overall_compliance: muscleCompliance(rates, config),
    ...rates,
    contraction_count: own.length,
    good_contraction_count: own.filter((c) => c.is_good).length,
    intensity_compliant_count: intensity,
    duration_compliant_count: duration,
    expected_contractions: muscle.expected_contractions,
  };
}

/**
 * Scores a session from its contractions, therapist inputs and a configuration.
 *
 * P = C_BFR · Σ wᵢ·Sᵢ / Σ wᵢ over the components that are not null, so a missing RPE or game maximum
 * redistributes its weight instead of counting as 0 or 100. Without both muscles (missing or rejected)
 * compliance, symmetry and P are null: the session cannot be scored.
 */
export function scoreSession(inputs: ScoringInputs, config: ScoringConfiguration): SessionScores {
  const left = scoreMuscle(inputs.left, inputs, config);
  const right = scoreMuscle(inputs.right, inputs, config);
  const sLeft = left.overall_compliance;
  const sRight = right.overall_compliance;
  const compliance = sLeft != null && sRight != null ? (sLeft + sRight) / 2 : null;
  const symmetry = sLeft != null && sRight != null ? symmetryScore(sLeft, sRight) : null;
  const effort = effortScore(inputs.rpe_post_session, config);
  const game = gameScore(inputs.game_points_achieved, inputs.game_points_max);
  const bfr = bfrCompliant(inputs.bfr_pressure_aop, config);

  let overall: number | null = null;
  if (compliance != null && symmetry != null) {
    const components: [number, number | null][] = [
      [config.weight_compliance, compliance],
      [config.weight_symmetry, symmetry],
      [config.weight_effort, effort],
      [config.weight_game, game],
    ];
    let weighted = 0;
    let weights = 0;
    for (const [w, s] of components) {
      if (s == null) continue;
      weighted += w * s;
      weights += w;
    }
    overall = weights > 0 ? ((bfr === false ? 0 : 1) * weighted) / weights : null;
  }
  return {
    performance_scores: {
      overall_score: overall,
      compliance_score: compliance,
      symmetry_score: symmetry,
      effort_score: effort,
      game_score: game,
      bfr_compliant: bfr,
      bfr_pressure_aop: inputs.bfr_pressure_aop ?? null,
      rpe_post_session: inputs.rpe_post_session ?? null,
      game_points_achieved: inputs.game_points_achieved ?? null,
      game_points_max: inputs.game_points_max ?? null,
      category: overall != null ? scoreCategory(overall) : null,
    },
    compliance_breakdown: { left_muscle: left, right_muscle: right },
  };
}
