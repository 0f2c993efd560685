/**
 * GET /api/export/session/:sessionId?format=json|csv|pdf|xlsx[&table=contractions][&include_signals=true]
 * [&include_debug=true] — the canonical export of one stored session (docs/export.md); pdf and xlsx
 * are the session report and workbook of the same export (app/lib/server/reports.server.ts).
 * 400 bad parameter, 401 not signed in / bad token, 404 missing or not visible.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { ExportTableUnavailableError, renderExport, sessionExportFilename } from "~/lib/export";
import { exportError, exportResponse, exportStoredSession, parseBooleanField, parseTable } from "~/lib/server/export.server";
import { parseAnyFormat, sessionReportResponse } from "~/lib/server/reports.server";
import { recordExport } from "~/lib/server/repositories/export-history.server";
import { requireApiCaller, requireApiPermission } from "~/lib/server/auth/permissions.server";
import { secureResource } from "~/lib/server/http/security-headers.server";
import { idParam } from "~/lib/server/db/ids.server";

async function loaderUnsecured({ request, params }: LoaderFunctionArgs) {
  const caller = await requireApiCaller(request);
  requireApiPermission(caller, "export");
  const query = new URL(request.url).searchParams;
  const format = parseAnyFormat(query.get("format"));
  if (format instanceof Response) return format;
  if (format === "pdf" || format === "xlsx") return sessionReportResponse(caller, params.sessionId ?? "", format, query);
  const table = parseTable(query.get("table"), format);
  if (table instanceof Response) return table;
  const includeSignals = parseBooleanField(query.get("include_signals"), "include_signals", false);
  if (includeSignals instanceof Response) return includeSignals;
  const includeDebug = parseBooleanField(query.get("include_debug"), "include_debug", false);
  if (includeDebug instanceof Response) return includeDebug;

  const sessionId = idParam(params.sessionId);
  const csvRows = format === "csv" && table === undefined;
  const exp = await exportStoredSession(caller, sessionId, { includeSignals, includeDebug, csvRows });
  if (!exp) return exportError(404, `session ${sessionId} was not found`, "sessionId");

  let body: string;
  try {
    body = renderExport(exp, format, table);
  } catch (error) {
    if (error instanceof ExportTableUnavailableError) return exportError(400, error.message, error.field);
    throw error;
  }
  await recordExport(caller, { kind: "session", format, sessionIds: [sessionId] });
  return exportResponse(body, format, sessionExportFilename(sessionId, format, table));
}

export const loader = secureResource(loaderUnsecured);
