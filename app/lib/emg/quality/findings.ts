/**
 * Signal-quality findings (docs/quality.md): what each check reports, the session status they add up
 * to, and the unit formatting their messages share.
 */

export type QualitySeverity = "info" | "warning" | "critical";
export type QualityStatus = "good" | "review" | "unusable";

export interface QualityFinding {
  code: string;
  severity: QualitySeverity;
  /** Channel key (`CH1`), or null for the session. */
  channel: string | null;
  /** Plain language for a therapist, with units. */
  message: string;
  /** The measured quantity (unit per code in docs/quality.md), or null when there is none. */
  value: number | null;
  /** The limit or reference `value` was compared with, same unit; null when there is none. */
  limit: number | null;
}

/** An inclusive run of raw samples that is not signal (clipped) or not muscle (a transient). */
export interface OutlierSpan {
  start: number;
  end: number;
  kind: "clipping" | "artifact";
}

/** `unusable` when any finding is critical, else `review` when any is a warning, else `good`. */
export function qualityStatus(findings: readonly QualityFinding[]): QualityStatus {
  if (findings.some((f) => f.severity === "critical")) return "unusable";
  if (findings.some((f) => f.severity === "warning")) return "review";
  return "good";
}

export const finding = (
  code: string,
  severity: QualitySeverity,
  channel: string | null,
  message: string,
  value: number | null,
  limit: number | null,
): QualityFinding => ({ code, severity, channel, message, value, limit });

/** Volts as µV below 1 mV, else mV: "828 µV", "−5.50 mV". */
export function formatVolts(v: number): string {
  const a = Math.abs(v);
  const sign = v < 0 ? "−" : "";
  if (a < 1e-3) return `${sign}${(a * 1e6).toFixed(a < 1e-5 ? 1 : 0)} µV`;
  return `${sign}${(a * 1e3).toFixed(2)} mV`;
}

/** A fraction as a percentage with enough digits to be non-zero when it is: "0.93 %", "59 %". */
export function formatPercent(fraction: number): string {
  const p = 100 * fraction;
  const digits = p >= 10 ? 0 : p >= 1 ? 1 : 2;
  return `${p.toFixed(digits)} %`;
}

export const formatSeconds = (s: number): string => `${s.toFixed(s < 10 ? 2 : 1)} s`;

/** Up to `max` times in seconds, "10.2 s, 55.0 s and 2 more". */
export function formatTimes(seconds: readonly number[], max = 5): string {
  const shown = seconds.slice(0, max).map((s) => `${s.toFixed(1)} s`);
  const more = seconds.length - shown.length;
  if (more > 0) return `${shown.join(", ")} and ${more} more`;
  if (shown.length <= 1) return shown.join("");
  return `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
}

/** Thousands separators for counts: 5,779. */
export const formatCount = (n: number): string => n.toLocaleString("en-US");
