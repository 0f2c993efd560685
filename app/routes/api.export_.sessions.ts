/**
 * GET /api/export/sessions?patient=P001&from=2025-01-01&to=2025-12-31&format=csv|json|xlsx
 * [&table=contractions] — every visible session matching the filters, streamed: one CSV row (or
 * JSON array element, or workbook row) per session, read from the database page by page (constant
 * memory).
 * from/to: YYYY-MM-DD (to includes that whole day) or an ISO 8601 time stamp, read as wall-clock
 * time like recorded_at (any zone is ignored): the grammar of the policy's `parseDateRange`.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { batchExportFilename, type AnyExport } from "~/lib/export";
import { describeDateRangeProblem, parseDateRange } from "~/lib/policy";
import {
  exportError,
  exportResponse,
  exportSessions,
  isEnhancedExport,
  parseTable,
  renderBatch,
  streamChunks,
} from "~/lib/server/export.server";
import { batchWorkbookResponse, parseAnyFormat } from "~/lib/server/reports.server";
import type { Caller } from "~/lib/server/auth/caller.server";
import { recordExport } from "~/lib/server/repositories/export-history.server";
import { requireApiCaller, requireApiPermission } from "~/lib/server/auth/permissions.server";
import { secureResource } from "~/lib/server/http/security-headers.server";

/**
 * Passes the exports through and records the export in the history once the stream ends — also
 * when the client stops early: the audit names exactly the sessions that were sent.
 */
async function* recorded(exports: AsyncGenerator<AnyExport>, caller: Caller & { tokenId?: string | null }, format: "json" | "csv") {
  const sessionIds: string[] = [];
  try {
    for await (const exp of exports) {
      if (exp.export_metadata.session_id) sessionIds.push(exp.export_metadata.session_id);
      yield exp;
    }
  } finally {
    await recordExport(caller, { kind: "batch", format, sessionIds });
  }
}

async function loaderUnsecured({ request }: LoaderFunctionArgs) {
  const caller = await requireApiCaller(request);
  requireApiPermission(caller, "batch");
  const query = new URL(request.url).searchParams;
  const format = parseAnyFormat(query.get("format") ?? "csv");
  if (format instanceof Response) return format;
  if (format === "pdf") return exportError(400, "format=pdf reports one session or one patient: a batch is csv, json or xlsx", "format");
  if (format === "xlsx" && query.get("table"))
    return exportError(400, "the workbook already has a contractions sheet: leave out table", "table");
  const table = format === "xlsx" ? undefined : parseTable(query.get("table"), format);
  if (table instanceof Response) return table;
  const from = query.get("from") ?? undefined;
  const to = query.get("to") ?? undefined;
  const range = parseDateRange({ from, to });
  if (!range.ok) {
    const { field, message } = describeDateRangeProblem(range.problems[0]);
    return exportError(400, message, field);
  }
  const patient = query.get("patient")?.trim() || undefined;
  if (format === "xlsx") return batchWorkbookResponse(caller, { patientCode: patient, from, to });

  const source = exportSessions(caller, { patientCode: patient, from, to }, { csvRows: format === "csv" && table === undefined });
  // Read the first session before answering, so a failing query is a 500, not a truncated 200.
  const first = await source.next();
  async function* replay() {
    if (!first.done) yield first.value;
    yield* source;
  }
  const chunks = renderBatch(recorded(replay(), caller, format), format, { minimal: !isEnhancedExport(), table });
  return exportResponse(streamChunks(chunks), format, batchExportFilename(new Date(), format, table));
}

export const loader = secureResource(loaderUnsecured);
