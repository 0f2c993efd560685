/**
 * The one choice of report renderer for a single export (routes and CLI alike), with the file
 * names and content types of the report formats (docs/export.md "Routes and file names").
 */
import { isFullExport, uploadBaseName, type AnyExport } from "~/lib/export";
import { renderSessionReportPdf } from "./pdf/session-report";
import { renderSessionWorkbook } from "./xlsx/session-workbook";

export type ReportFormat = "pdf" | "xlsx";

export const REPORT_FORMATS: readonly ReportFormat[] = ["pdf", "xlsx"];

export const REPORT_CONTENT_TYPES: Record<ReportFormat, string> = {
  pdf: "application/pdf",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

export function isReportFormat(value: unknown): value is ReportFormat {
  return value === "pdf" || value === "xlsx";
}

/** A report of a minimal export (USE_ENHANCED_EXPORT off) was asked for: it lacks what the report shows. */
export class ReportUnavailableError extends Error {
  readonly field = "format";
  constructor(format: ReportFormat) {
    super(`format=${format} renders the full export, which is not exported while USE_ENHANCED_EXPORT is off`);
  }
}

/** The PDF report or the xlsx workbook of one export. The PDF's plots need the export's `signals`. */
export async function renderReport(exp: AnyExport, format: ReportFormat): Promise<Uint8Array> {
  if (!isFullExport(exp)) throw new ReportUnavailableError(format);
  return format === "pdf" ? renderSessionReportPdf(exp) : renderSessionWorkbook(exp);
}

/** `session_<id>_report.pdf` / `session_<id>_export.xlsx`. */
export function sessionReportFilename(sessionId: string, format: ReportFormat): string {
  return format === "pdf" ? `session_${sessionId}_report.pdf` : `session_${sessionId}_export.xlsx`;
}

/** `<uploaded name without .c3d>_report.pdf` / `_export.xlsx`. */
export function uploadReportFilename(uploadName: string, format: ReportFormat): string {
  const base = uploadBaseName(uploadName);
  return format === "pdf" ? `${base}_report.pdf` : `${base}_export.xlsx`;
}

/** `sessions_export_<YYYY-MM-DD>.xlsx` (UTC date of the export). */
export function batchWorkbookFilename(now: Date): string {
  return `sessions_export_${now.toISOString().slice(0, 10)}.xlsx`;
}

/** `patient_<code>_report.pdf`. */
export function patientReportFilename(code: string): string {
  return `patient_${code}_report.pdf`;
}
