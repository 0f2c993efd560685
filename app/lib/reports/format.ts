/**
 * Number → text for the reports. Only presentation: a fixed number of decimals, volts shown as µV
 * (the export keeps volts), rates as 0–1 with three decimals as the formulas use them.
 */
import { EMPTY } from "./strings";

const known = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);

/** A score with one decimal ("73.5"). */
export function score(v: number | null | undefined): string {
  return known(v) ? v.toFixed(1) : EMPTY;
}

export function fixed(v: number | null | undefined, digits: number): string {
  return known(v) ? v.toFixed(digits) : EMPTY;
}

/** A 0–1 rate with three decimals ("0.409"). */
export function rate(v: number | null | undefined): string {
  return known(v) ? v.toFixed(3) : EMPTY;
}

/** A weight as configured, without trailing zeros beyond two decimals ("0.50", "0.333"). */
export function weight(v: number): string {
  const text = String(v);
  const decimals = text.includes(".") ? text.split(".")[1].length : 0;
  return v.toFixed(Math.max(2, Math.min(decimals, 6)));
}

/** Volts as micro-volts with one decimal and the unit ("339.5 µV"). */
export function microvolts(v: number | null | undefined, unit = true): string {
  if (!known(v)) return EMPTY;
  const text = (v * 1e6).toFixed(1);
  return unit ? `${text} µV` : text;
}

/** A plain number in the shortest text JavaScript gives ("990", "0.2"). */
export function plain(v: number | null | undefined): string {
  return known(v) ? String(v) : EMPTY;
}

/** A count, or the dash. */
export function count(v: number | null | undefined): string {
  return known(v) ? String(v) : EMPTY;
}

/** A small positive number in scientific form for tables ("2.016e-13"). */
export function scientific(v: number | null | undefined, digits = 3): string {
  return known(v) ? v.toExponential(digits) : EMPTY;
}

/** `YYYY-MM-DD HH:MM` of an ISO time as written (recorded_at is wall-clock time without a zone). */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return EMPTY;
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?/.exec(iso);
  return m ? `${m[1]} ${m[2]}${m[3] ?? ""}` : iso;
}

/** `YYYY-MM-DD` of an ISO time as written. */
export function date(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : EMPTY;
}
