/**
 * The server side of the canonical export: stored session → export (via the one builder in
 * app/lib/export), streamed batch exports, and the HTTP shape of export answers (headers, error
 * bodies) shared by the resource routes app/routes/api.export*.ts.
 */
import { json } from "@remix-run/node";
import {
  buildSessionExport,
  renderBatchContractionsCsv,
  renderBatchCsv,
  renderBatchJson,
  attachmentDisposition,
  CONTENT_TYPES,
  type ExportFormat,
  type AnyExport,
  type ExportSource,
  type SignalOptions,
} from "~/lib/export";
import type { Caller } from "~/lib/server/auth/caller.server";
import { getConfig } from "~/lib/server/http/config.server";
import { listSessionEvents } from "~/lib/server/repositories/sessions/history.server";
import { getSession } from "~/lib/server/repositories/sessions/read.server";
import { streamSessions } from "~/lib/server/repositories/sessions/stream.server";
import type { SessionFilters, SessionInclude, StoredSession } from "~/lib/server/repositories/sessions/types.server";

export type { ExportFormat } from "~/lib/export";

export interface ExportRequestOptions {
  now?: Date;
  includeSignals?: boolean | SignalOptions;
  includeDebug?: boolean;
  /** Overrides USE_ENHANCED_EXPORT (tests); defaults to the server configuration. */
  enhanced?: boolean;
  /**
   * The exports will only be rendered as CSV rows (no JSON, no contractions table): a row shows the
   * contraction list only through export_errors, so the list is read only when it would add one.
   */
  csvRows?: boolean;
}

/** A stored session in the builder's input shape: the repository already re-assembles every section. */
export function exportSourceFromStored(stored: StoredSession): ExportSource {
  return { ...stored, session_id: stored.id };
}

function settings(options: ExportRequestOptions) {
  return {
    now: options.now ?? new Date(),
    includeSignals: options.includeSignals,
    includeDebug: options.includeDebug,
    enhanced: options.enhanced ?? getConfig().USE_ENHANCED_EXPORT,
  };
}

/** Only what the rendered export shows: envelopes for signals, C3D metadata for debug, contractions unless CSV rows. */
function readsFor(options: ExportRequestOptions): SessionInclude {
  return {
    envelopes: Boolean(options.includeSignals),
    c3dMetadata: Boolean(options.includeDebug),
    contractions: !options.csvRows,
  };
}

/**
 * Sessions per database read of a batch export: few round trips, and one page (≈1,000 sessions
 * with their channels and contractions, no envelopes) stays a few MB.
 */
const BATCH_PAGE_SIZE = 1000;

/** The export of one stored session, or null when it is missing or not visible to the caller. */
export async function exportStoredSession(
  caller: Caller,
  sessionId: string,
  options: ExportRequestOptions = {},
): Promise<AnyExport | null> {
  const stored = await getSession(caller, sessionId, { include: readsFor(options) });
  if (!stored) return null;
  // The history is a JSON section only: the one-row CSV does not carry it.
  const history = options.csvRows ? null : await listSessionEvents(caller, sessionId);
  return buildSessionExport({ ...exportSourceFromStored(stored), history }, settings(options));
}

/**
 * Exports of every visible session matching the filters, one at a time (the repository reads
 * page by page), so a batch of any size is built in constant memory.
 */
export async function* exportSessions(
  caller: Caller,
  filters: SessionFilters,
  options: ExportRequestOptions = {},
): AsyncGenerator<AnyExport> {
  const s = settings(options);
  for await (const stored of streamSessions(caller, { ...filters, pageSize: BATCH_PAGE_SIZE, include: readsFor(options) })) {
    yield buildSessionExport(exportSourceFromStored(stored), s);
  }
}

/** Batch renderer: a CSV row or a JSON array element per session, or the long contractions CSV. */
export function renderBatch(
  exports: AsyncIterable<AnyExport>,
  format: ExportFormat,
  options: { minimal: boolean; table?: "contractions" },
): AsyncGenerator<string> {
  if (options.table === "contractions") return renderBatchContractionsCsv(exports);
  return format === "csv" ? renderBatchCsv(exports, { minimal: options.minimal }) : renderBatchJson(exports);
}

/** `table` query value: absent, or `contractions` with format=csv. */
export function parseTable(value: string | null, format: ExportFormat): "contractions" | undefined | Response {
  if (value === null || value === "") return undefined;
  if (value !== "contractions") return exportError(400, `table must be "contractions", got "${value}"`, "table");
  if (format !== "csv") {
    return exportError(400, "table=contractions is a CSV table: add format=csv (the JSON export already lists the contractions)", "table");
  }
  if (!isEnhancedExport()) {
    return exportError(400, "the contractions table is not exported while USE_ENHANCED_EXPORT is off", "table");
  }
  return value;
}

export function isEnhancedExport(): boolean {
  return getConfig().USE_ENHANCED_EXPORT;
}

const encoder = new TextEncoder();

/**
 * Text gathered into one stream chunk. A chunk per CSV row (~3 KB) made every row a separate trip
 * through the web stream, Remix's Node adapter and a socket write; 64 KB amortises that while a
 * slow client still holds back at most one chunk.
 */
const CHUNK_CHARS = 64 * 1024;

/**
 * A ReadableStream that pulls from the generator only when read, so a slow client slows the
 * database reads instead of piling rows up in memory; a cancelled download stops the generator.
 */
export function streamChunks(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        let text = "";
        let done = false;
        while (text.length < CHUNK_CHARS) {
          const next = await chunks.next();
          if (next.done) {
            done = true;
            break;
          }
          text += next.value;
        }
        if (text) controller.enqueue(encoder.encode(text));
        if (done) controller.close();
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

/** A download: Content-Type by format, attachment name, never cached (health data). */
export function exportResponse(body: string | ReadableStream<Uint8Array>, format: ExportFormat, filename: string): Response {
  return new Response(body, {
    status: 200,
    headers: {
      "Content-Type": CONTENT_TYPES[format],
      "Content-Disposition": attachmentDisposition(filename),
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

/** An error answer of the export API: JSON {error, field?} with the given status, never cached. */
export function exportError(status: 400 | 404 | 405 | 413 | 415 | 422, error: string, field?: string): Response {
  return json(field === undefined ? { error } : { error, field }, {
    status,
    headers: { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" },
  });
}

/** `format` query/form value: json (default) or csv; anything else is a 400 naming the field. */
export function parseFormat(value: string | null, field = "format"): ExportFormat | Response {
  if (value === null || value === "") return "json";
  if (value === "json" || value === "csv") return value;
  return exportError(400, `${field} must be json or csv, got "${value}"`, field);
}

/** A boolean form/query flag: true/false, 1/0, on/off, yes/no; absent → fallback. */
export function parseBooleanField(value: string | null | undefined, field: string, fallback: boolean): boolean | Response {
  if (value === null || value === undefined || value === "") return fallback;
  const v = value.trim().toLowerCase();
  if (["true", "1", "on", "yes"].includes(v)) return true;
  if (["false", "0", "off", "no"].includes(v)) return false;
  return exportError(400, `${field} must be true or false, got "${value}"`, field);
}
