/**
 * The one choice of renderer for a single export — used by the resource routes, the CLI and the
 * browser downloads of the quick-analysis page, so all three produce the same bytes.
 */
import { isFullExport, type AnyExport } from "./build";
import { renderContractionsCsv, renderSessionCsv } from "./csv";
import type { ExportFormat } from "./filenames";
import { renderJson } from "./json";

export type ExportTable = "contractions";

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  json: "application/json; charset=utf-8",
  csv: "text/csv; charset=utf-8",
};

/** The contractions table was asked of a minimal export (USE_ENHANCED_EXPORT off): it has none. */
export class ExportTableUnavailableError extends Error {
  readonly field = "table";
  constructor() {
    super("the contractions table is not exported while USE_ENHANCED_EXPORT is off");
  }
}

/** JSON, the one-row CSV, or (format csv, table contractions) the contractions CSV. */
export function renderExport(exp: AnyExport, format: ExportFormat, table?: ExportTable): string {
  if (table === "contractions") {
    if (!isFullExport(exp)) throw new ExportTableUnavailableError();
    return renderContractionsCsv(exp);
  }
  return format === "csv" ? renderSessionCsv(exp) : renderJson(exp);
}
