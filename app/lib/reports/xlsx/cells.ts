/**
 * Typed spreadsheet cells from the CSV's cells (app/lib/export `toCsvRow`): the workbook shows the
 * one-row CSV's columns with the same values, but numbers are numeric cells at full precision
 * (a double is a double in xlsx), booleans are booleans, the two time stamps are dates, and text
 * gets the same formula guard as in the CSV (docs/csv-format.md), so a reader that un-guards one
 * un-guards the other.
 */
import { guardFormula, type Cell } from "~/lib/export";

export type XlsxValue = number | boolean | string | Date | null;

/** Columns holding ISO time stamps (`export_timestamp` is UTC; `recorded_at` wall-clock time, no zone). */
export const DATE_COLUMNS: ReadonlySet<string> = new Set(["export_timestamp", "session_recorded_at"]);

/** How a date cell shows: to the millisecond for the export time, to the second for the recording. */
export const DATE_FORMATS: Record<string, string> = {
  export_timestamp: "yyyy-mm-dd hh:mm:ss.000",
  session_recorded_at: "yyyy-mm-dd hh:mm:ss",
};

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * A spreadsheet date of an ISO time as written: a spreadsheet date has no zone, so the serial
 * holds the time the text states (UTC for `…Z`, the clinic's wall clock for `recorded_at`).
 */
export function isoToSheetDate(iso: string): Date | null {
  if (!ISO.test(iso)) return null;
  const wallClock = iso.replace(/(Z|[+-]\d{2}:\d{2})$/, "");
  const date = new Date(`${wallClock}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** One cell of a CSV row as a typed spreadsheet value. */
export function sheetValue(column: string, value: Cell): XlsxValue {
  if (value === null || value === "") return null;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "boolean") return value;
  if (DATE_COLUMNS.has(column)) {
    const date = isoToSheetDate(value);
    if (date) return date;
  }
  return guardFormula(value);
}
