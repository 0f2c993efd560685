/**
 * Display formatting shared by the review, list and patient pages. Pure and browser-safe: it only
 * turns numbers of the canonical export into text, it never computes a score.
 */
import type { Category } from "~/lib/domain";
import { symmetryBand, type SymmetryBand } from "~/lib/scoring/score";

export const EMPTY = "—";

/** A 0–100 score with one decimal ("67.8"); `—` when the session has no value. */
export function formatScore(value: number | null | undefined, digits = 1): string {
  return value == null || !Number.isFinite(value) ? EMPTY : value.toFixed(digits);
}

/** A 0–1 rate as a percentage ("91.7 %"). */
export function formatRate(value: number | null | undefined): string {
  return value == null || !Number.isFinite(value) ? EMPTY : `${(value * 100).toFixed(1)} %`;
}

export function formatNumber(value: number | null | undefined, digits = 0): string {
  return value == null || !Number.isFinite(value) ? EMPTY : value.toFixed(digits);
}

/** Volts in engineering notation with the unit, e.g. "339.5 µV" — EMG amplitudes are micro-volts. */
export function formatVolts(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return EMPTY;
  const abs = Math.abs(value);
  if (abs >= 1) return `${value.toFixed(3)} V`;
  if (abs >= 1e-3) return `${(value * 1e3).toFixed(3)} mV`;
  return `${(value * 1e6).toFixed(1)} µV`;
}

export function formatSeconds(ms: number | null | undefined, digits = 2): string {
  return ms == null || !Number.isFinite(ms) ? EMPTY : `${(ms / 1000).toFixed(digits)} s`;
}

export function formatBool(value: boolean | null | undefined): string {
  return value == null ? EMPTY : value ? "yes" : "no";
}

const CATEGORY_LABELS: Record<Category, string> = {
  target_achieved: "Target achieved",
  adequate: "Adequate",
  below_target: "Below target",
  poor: "Poor",
  inadequate: "Inadequate",
};

export function categoryLabel(category: Category | null | undefined): string {
  return category ? CATEGORY_LABELS[category] : "Not scored";
}

/** The symmetry band of docs/scoring.md, from the scoring lib; null when there is no symmetry score. */
export function symmetryBandOf(score: number | null | undefined): SymmetryBand | null {
  return score == null || !Number.isFinite(score) ? null : symmetryBand(score);
}

const BAND_LABELS: Record<SymmetryBand, string> = {
  normal: "Normal",
  acceptable: "Acceptable",
  moderate_asymmetry: "Moderate asymmetry",
  review: "Review",
};

export function symmetryBandLabel(band: SymmetryBand | null): string {
  return band ? BAND_LABELS[band] : EMPTY;
}
