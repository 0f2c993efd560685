/**
 * POST /api/export — multipart upload of a C3D (`file`) with processing options and session
 * parameters (flat fields as in the export: filter_low_cutoff_hz, rpe_post_session, …),
 * `export_format` json|csv|pdf|xlsx, `table` (contractions), `include_signals`, `include_raw_signals`,
 * `include_debug_info`, `signal_decimation`. Analyses without storing and answers the canonical
 * export (session_id null) as `<uploaded name without .c3d>_export.<ext>`, or its PDF report
 * (`_report.pdf`) or workbook (`_export.xlsx`).
 * 400 bad field, 401 unauthenticated, 413 over MAX_UPLOAD_MB (aborted while streaming),
 * 422 unanalysable C3D (the reader's or the pipeline's message).
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { analyzeUploadForExport, fieldError, isInputError, parseAnalysisOptions } from "~/lib/analysis";
import { buildSessionExport, ExportTableUnavailableError, renderExport, uploadExportFilename } from "~/lib/export";
import { getConfig } from "~/lib/server/http/config.server";
import { exportError, exportResponse, parseBooleanField, parseTable } from "~/lib/server/export.server";
import { renderReport, ReportUnavailableError, uploadReportFilename } from "~/lib/reports";
import { parseAnyFormat, reportResponse } from "~/lib/server/reports.server";
import { recordExport } from "~/lib/server/repositories/export-history.server";
import { requireApiCaller, requireApiPermission } from "~/lib/server/auth/permissions.server";
import { readC3dUpload, textFields } from "~/lib/server/http/upload.server";
import { secureResource } from "~/lib/server/http/security-headers.server";

function loaderUnsecured() {
  return exportError(405, "POST a multipart form with the C3D as `file` (GET /api/export/session/:id exports a stored session)");
}

function parseDecimation(value: string | undefined): number | Response {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    return exportError(400, `signal_decimation must be an integer ≥ 1, got "${value}"`, "signal_decimation");
  return n;
}

async function actionUnsecured({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return exportError(405, `${request.method} is not supported: POST the upload`);
  const caller = await requireApiCaller(request);
  requireApiPermission(caller, "export");

  const upload = await readC3dUpload(request, getConfig().MAX_UPLOAD_MB);
  if (!upload.ok) {
    const [field, message] = Object.entries(upload.errors)[0] ?? ["form", "The upload could not be read."];
    return exportError(upload.status, message ?? "The upload could not be read.", field);
  }
  const fields = textFields(upload.form);
  const format = parseAnyFormat(fields.export_format ?? null, "export_format");
  if (format instanceof Response) return format;
  const report = format === "pdf" || format === "xlsx" ? format : null;
  if (report && fields.table) return exportError(400, `table is not an option of export_format=${report}`, "table");
  const table = format === "pdf" || format === "xlsx" ? undefined : parseTable(fields.table ?? null, format);
  if (table instanceof Response) return table;
  const flags: Record<string, boolean> = {};
  for (const name of ["include_signals", "include_raw_signals", "include_debug_info"]) {
    const value = parseBooleanField(fields[name], name, false);
    if (value instanceof Response) return value;
    flags[name] = value;
  }
  const decimation = parseDecimation(fields.signal_decimation);
  if (decimation instanceof Response) return decimation;

  let exp;
  try {
    const options = { ...parseAnalysisOptions(fields), sourceFilename: upload.file.name };
    const raw = flags.include_raw_signals;
    const source = analyzeUploadForExport(upload.file.bytes, options, { raw, bandpassed: raw });
    exp = buildSessionExport(source, {
      now: new Date(),
      // The PDF report plots the envelopes, so its export carries them.
      includeSignals: raw ? { raw: true, bandpassed: true, decimation } : flags.include_signals || report === "pdf",
      includeDebug: flags.include_debug_info,
      enhanced: getConfig().USE_ENHANCED_EXPORT,
    });
  } catch (error) {
    if (!isInputError(error)) throw error;
    const { status, field, detail } = fieldError(error, upload.file.name);
    return exportError(status, detail, field);
  }

  if (format === "pdf" || format === "xlsx") {
    let bytes: Uint8Array;
    try {
      bytes = await renderReport(exp, format);
    } catch (error) {
      if (error instanceof ReportUnavailableError) return exportError(400, error.message, error.field);
      throw error;
    }
    await recordExport(caller, { kind: "upload", format, sessionIds: [] });
    return reportResponse(bytes, format, uploadReportFilename(upload.file.name, format));
  }
  let body: string;
  try {
    body = renderExport(exp, format, table);
  } catch (error) {
    if (error instanceof ExportTableUnavailableError) return exportError(400, error.message, error.field);
    throw error;
  }
  await recordExport(caller, { kind: "upload", format, sessionIds: [] });
  return exportResponse(body, format, uploadExportFilename(upload.file.name, format, table));
}

export const loader = secureResource(loaderUnsecured);

export const action = secureResource(actionUnsecured);
