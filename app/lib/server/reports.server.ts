/**
 * The server side of the reports (issue 15): the PDF report and xlsx workbook of a stored session,
 * the streamed batch workbook and the HTTP shape of their answers. Every one renders the canonical
 * export the JSON/CSV routes answer (app/lib/server/export.server.ts); nothing is computed here.
 */
import { PassThrough, Readable } from "node:stream";
import { attachmentDisposition, type ExportFormat } from "~/lib/export";
import {
  batchWorkbookFilename,
  isReportFormat,
  renderReport,
  REPORT_CONTENT_TYPES,
  ReportUnavailableError,
  sessionReportFilename,
  writeBatchWorkbook,
  type ReportFormat,
} from "~/lib/reports";
import type { Caller } from "~/lib/server/auth/caller.server";
import { exportError, exportSessions, exportStoredSession, isEnhancedExport } from "~/lib/server/export.server";
import { recordExport } from "~/lib/server/repositories/export-history.server";
import type { SessionFilters } from "~/lib/server/repositories/sessions/types.server";

type ApiCaller = Caller & { tokenId?: string | null };

/** `format` of the export routes: json, csv, pdf or xlsx (`fallback` when absent); else a 400 naming the field. */
export function parseAnyFormat(
  value: string | null,
  field = "format",
  fallback: ExportFormat = "json",
): ExportFormat | ReportFormat | Response {
  if (value === null || value === "") return fallback;
  if (value === "json" || value === "csv" || isReportFormat(value)) return value;
  return exportError(400, `${field} must be json, csv, pdf or xlsx, got "${value}"`, field);
}

/** A PDF or xlsx download: never cached (health data), never sniffed. */
export function reportResponse(body: Uint8Array | ReadableStream<Uint8Array>, format: ReportFormat, filename: string): Response {
  return new Response(body as BodyInit, {
    status: 200,
    headers: {
      "Content-Type": REPORT_CONTENT_TYPES[format],
      "Content-Disposition": attachmentDisposition(filename),
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

/**
 * The options JSON/CSV take that a report has no use for are refused by name rather than ignored:
 * `table` (a CSV table), and signals/debug (the PDF always plots the envelopes, the workbook
 * carries no signals).
 */
function refuseCsvOptions(query: URLSearchParams, format: ReportFormat): Response | null {
  for (const name of ["table", "include_signals", "include_debug"]) {
    if (query.get(name)) return exportError(400, `${name} is not an option of format=${format}`, name);
  }
  return null;
}

/** GET /api/export/session/:id?format=pdf|xlsx — the report or workbook of one stored session. */
export async function sessionReportResponse(
  caller: ApiCaller,
  sessionId: string,
  format: ReportFormat,
  query: URLSearchParams,
): Promise<Response> {
  const refused = refuseCsvOptions(query, format);
  if (refused) return refused;
  // The PDF plots the stored envelopes: they come with the export's signals.
  const exp = await exportStoredSession(caller, sessionId, { includeSignals: format === "pdf" });
  if (!exp) return exportError(404, `session ${sessionId} was not found`, "sessionId");
  let body: Uint8Array;
  try {
    body = await renderReport(exp, format);
  } catch (error) {
    if (error instanceof ReportUnavailableError) return exportError(400, error.message, error.field);
    throw error;
  }
  await recordExport(caller, { kind: "session", format, sessionIds: [sessionId] });
  return reportResponse(body, format, sessionReportFilename(sessionId, format));
}

/**
 * GET /api/export/sessions?format=xlsx — the batch workbook, streamed: a slow client holds the
 * writer back (the zip stops taking sheet XML, writeBatchWorkbook waits), and a client that goes
 * away stops it. The export history records the sessions of the workbook once it is complete (or
 * the client stopped).
 */
export async function batchWorkbookResponse(caller: ApiCaller, filters: SessionFilters): Promise<Response> {
  const source = exportSessions(caller, filters, { csvRows: true });
  // Read the first session before answering, so a failing query is a 500, not a truncated 200.
  const first = await source.next();
  const sessionIds: string[] = [];
  async function* sessions() {
    const rest = first.done ? [] : [first.value];
    for await (const exp of (async function* () {
      yield* rest;
      yield* source;
    })()) {
      if (exp.export_metadata.session_id) sessionIds.push(exp.export_metadata.session_id);
      yield exp;
    }
  }
  const out = new PassThrough();
  // Readable.toWeb destroys `out` when the response body is cancelled.
  const backpressure = (): Promise<boolean> => Promise.resolve(!out.destroyed);
  const minimal = !isEnhancedExport();
  void writeBatchWorkbook(out, { sessions, contractions: () => exportSessions(caller, filters) }, { minimal, backpressure })
    .catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))))
    .finally(() =>
      recordExport(caller, { kind: "batch", format: "xlsx", sessionIds }).catch((error: unknown) =>
        console.error("export history: the batch workbook could not be recorded", error),
      ),
    );
  return reportResponse(Readable.toWeb(out) as ReadableStream<Uint8Array>, "xlsx", batchWorkbookFilename(new Date()));
}
