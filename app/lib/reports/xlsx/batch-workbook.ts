/**
 * The batch workbook (issue 15 §3): sheet `sessions` = the batch CSV (one row per session, the
 * same columns, typed cells) and `contractions` = the long contractions table, written with
 * exceljs' streaming WorkbookWriter so memory stays constant however many sessions there are.
 *
 * An xlsx is a zip whose sheets are stored one after the other, and the streaming writer buffers a
 * second open sheet in memory until the first is done. So the sessions are read twice: first for
 * the `sessions` sheet (rows only), then for the `contractions` sheet — restricted to the sessions
 * of the first pass, so both sheets describe the same set of sessions.
 */
import ExcelJS from "exceljs";
import { contractionColumns, DEFAULT_CHANNEL_SLOTS, exportColumns, isFullExport, toCsvRow, type AnyExport } from "~/lib/export";
import { sheetValue } from "./cells";
import { addTypedRow, contractionRows, headedSheet } from "./session-workbook";

export interface BatchWorkbookSource {
  /** First pass: every session of the batch (the `sessions` sheet needs no contraction list). */
  sessions: () => AsyncIterable<AnyExport> | Iterable<AnyExport>;
  /** Second pass: the sessions again, with their contractions. */
  contractions: () => AsyncIterable<AnyExport> | Iterable<AnyExport>;
}

export interface BatchWorkbookOptions {
  /** Rows of `USE_ENHANCED_EXPORT=false` exports (no contractions sheet rows). */
  minimal?: boolean;
  /**
   * Called every few rows; false (or a rejection) stops writing — the server's client went away.
   * A slow reader needs nothing here: the writer waits while the zip does not take its output.
   */
  backpressure?: () => Promise<boolean | void>;
}

type Output = ExcelJS.stream.xlsx.WorkbookWriterOptions["stream"];

/** Rows between two backpressure checks: one check costs a promise, a row a few µs. */
const CHECK_EVERY = 50;

/** Bytes of sheet XML the zip may have waiting before the writer pauses. */
const SHEET_BACKLOG_BYTES = 1024 * 1024;

/**
 * The sheet XML written but not yet taken by the zip. exceljs 4.4.0 pipes a sheet's stream into
 * archiver without backpressure: `row.commit()` always succeeds, and when deflate (or a slow
 * client behind it) falls behind, archiver's input buffers the whole sheet — 300 MB for 10,000
 * sessions. So the writer reads that buffer's length (an internal of exceljs; 0 when it is not
 * there) and waits while it is large. A slow client stops archiver, which fills the buffer too.
 * (Observed: without this, 10,000 sessions raised the peak RSS by ~300 MB.)
 */
function sheetBacklog(sheet: ExcelJS.Worksheet): number {
  type Pipe = { writableLength?: number; _writableState?: { length?: number } };
  const pipes = (sheet as unknown as { _stream?: { pipes?: Pipe[] } })._stream?.pipes;
  // archiver's input is a readable-stream 2 PassThrough, which has _writableState but no writableLength.
  return pipes?.reduce((n, p) => n + (p.writableLength ?? p._writableState?.length ?? 0), 0) ?? 0;
}

/**
 * Writes the batch workbook to `stream` and resolves with the ids of the sessions in it once the
 * zip is complete. Stops early (and rejects) when `backpressure` says the consumer went away.
 */
export async function writeBatchWorkbook(
  stream: Output,
  source: BatchWorkbookSource,
  options: BatchWorkbookOptions = {},
): Promise<string[]> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  const ids: string[] = [];
  let rows = 0;
  const pace = async (sheet: ExcelJS.Worksheet) => {
    if (++rows % CHECK_EVERY !== 0) return;
    if (options.backpressure && (await options.backpressure()) === false) throw new Error("the batch workbook's reader went away");
    // Let the zip's deflate and output run: rows are written synchronously, so without a turn of
    // the event loop nothing downstream moves and nothing pushes back.
    await new Promise((resolve) => setImmediate(resolve));
    while (sheetBacklog(sheet) > SHEET_BACKLOG_BYTES) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (options.backpressure && (await options.backpressure()) === false) throw new Error("the batch workbook's reader went away");
    }
  };

  const names = exportColumns(DEFAULT_CHANNEL_SLOTS, options.minimal ?? false).map((c) => c.name);
  const sessions = headedSheet(workbook, "sessions", names);
  sessions.getRow(1).commit();
  for await (const exp of source.sessions()) {
    const row = toCsvRow(exp, { channelSlots: DEFAULT_CHANNEL_SLOTS });
    addTypedRow(
      sessions,
      names,
      names.map((n) => sheetValue(n, row[n])),
    ).commit();
    if (exp.export_metadata.session_id) ids.push(exp.export_metadata.session_id);
    await pace(sessions);
  }
  sessions.commit();

  const contractionNames = contractionColumns.map((c) => c.name);
  const contractions = headedSheet(workbook, "contractions", contractionNames);
  contractions.getRow(1).commit();
  if (!options.minimal) {
    const wanted = new Set(ids);
    for await (const exp of source.contractions()) {
      const id = exp.export_metadata.session_id;
      if (!isFullExport(exp) || (id !== null && !wanted.has(id))) continue;
      for (const values of contractionRows(exp)) addTypedRow(contractions, contractionNames, values).commit();
      await pace(contractions);
    }
  }
  contractions.commit();
  await workbook.commit();
  return ids;
}
