/**
 * CSV renderings of the canonical export (docs/export.md "CSV"; docs/csv-format.md). Pure — no Node
 * APIs — because the quick-analysis page renders uploads in the browser with the same code.
 *
 * Cell rules: UTF-8 without BOM, `,` separator, `\n` line ends, RFC 4180 quoting (papaparse);
 * numbers by `formatCsvNumber` (integers plain, others as shortest round-trip digits in exponent
 * notation); booleans true/false; null → empty cell; formula-injection guard on text cells only.
 */
import Papa from "papaparse";
import { isFullExport, type AnyExport } from "./build";
import { contractionColumns, DEFAULT_CHANNEL_SLOTS, exportColumns, type Column } from "./columns";
import { formatCsvNumber } from "./numbers";
import type { ExportError, SessionExport } from "./schema";

export type Cell = string | number | boolean | null;

/**
 * Text that a spreadsheet would run as a formula starts with = + - @ tab or CR. Such a cell gets a
 * leading `'`. Text that already starts with `'`s followed by one of those characters gets one more,
 * so that `unguardFormula` undoes the guard exactly (see docs/csv-format.md).
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;

/** The formula-injection guard for one text value. */
export function guardFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** Inverse of `guardFormula` (what a reader that wants the original text does). */
export function unguardFormula(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

const unparseConfig = {
  delimiter: ",",
  newline: "\n",
  quoteChar: '"',
  escapeChar: '"',
  header: false,
};

/**
 * One CSV line. Numbers are formatted here, so papaparse only sees text: the formula guard is
 * applied to the text cells alone (a number such as -5e-01 is never guarded) and a guarded cell is
 * quoted, as papaparse's own guard would.
 */
function csvLine(values: Cell[]): string {
  const texts = new Array<string | boolean | null>(values.length);
  const quoted = new Array<boolean>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value === "number") {
      texts[i] = formatCsvNumber(value);
      quoted[i] = false;
    } else if (typeof value === "string") {
      texts[i] = guardFormula(value);
      quoted[i] = texts[i] !== value;
    } else {
      texts[i] = value;
      quoted[i] = false;
    }
  }
  return `${Papa.unparse([texts], { ...unparseConfig, quotes: quoted })}\n`;
}

function at(root: unknown, path: string[]): unknown {
  let value: unknown = root;
  for (const key of path) {
    if (value === null || value === undefined || typeof value !== "object") return null;
    value = (value as Record<string, unknown>)[key];
  }
  return value ?? null;
}

function formatErrors(errors: ExportError[]): string | null {
  return errors.length ? errors.map((e) => `${e.section}: ${e.message}`).join(" | ") : null;
}

/** The distinct codes of a finding list, sorted (code unit order) and joined with `;`. */
export function distinctCodes(findings: readonly { code: string }[]): string {
  return [...new Set(findings.map((f) => f.code))].sort().join(";");
}

function cell(value: unknown, column: Column): Cell {
  if (value === null || value === undefined) return null;
  switch (column.kind) {
    case "int_list":
      return (value as number[]).join(";");
    case "codes":
      return (value as { code: string }[]).map((w) => w.code).join(";");
    case "distinct_codes":
      return distinctCodes(value as { code: string }[]);
    case "number":
    case "integer":
      return Number.isFinite(value) ? (value as number) : null;
    default:
      if (column.name === "export_errors") return formatErrors(value as ExportError[]);
      return value as Cell;
  }
}

export interface CsvRowOptions {
  /** Number of emg_ch<N>_* slot groups. Default: max(2, channels in the export). */
  channelSlots?: number;
}

function slotsFor(exp: AnyExport, options: CsvRowOptions): number {
  if (options.channelSlots !== undefined) return options.channelSlots;
  const count = isFullExport(exp) ? Object.keys(exp.channels ?? {}).length : 0;
  return Math.max(DEFAULT_CHANNEL_SLOTS, count);
}

/**
 * Flattens one export into the CSV row: column name → cell, in column order.
 * A channel that does not fit the given slots is named in `export_errors`, never dropped silently.
 */
export function toCsvRow(exp: AnyExport, options: CsvRowOptions = {}): Record<string, Cell> {
  const slots = slotsFor(exp, options);
  const minimal = !isFullExport(exp);
  const channels = isFullExport(exp) ? Object.entries(exp.channels ?? {}) : [];
  const errors = [...(exp.errors ?? [])];
  if (channels.length > slots) {
    const left = channels
      .slice(slots)
      .map(([id]) => id)
      .join(", ");
    errors.push({ section: "channels", message: `channels ${left} are not in this CSV (it has ${slots} channel slots)` });
  }
  const row: Record<string, Cell> = {};
  for (const column of exportColumns(slots, minimal)) {
    if (column.channelSlot !== undefined) {
      const entry = channels[column.channelSlot - 1];
      const value = !entry ? null : column.path[0] === "channel_id" ? entry[0] : at(entry[1], column.path);
      row[column.name] = cell(value, column);
    } else if (column.name === "export_errors") {
      row[column.name] = formatErrors(errors);
    } else {
      row[column.name] = cell(at(exp, column.path), column);
    }
  }
  return row;
}

/** Header line of the one-row/batch CSV (with its `\n`). */
export function csvHeader(channelSlots = DEFAULT_CHANNEL_SLOTS, minimal = false): string {
  return csvLine(exportColumns(channelSlots, minimal).map((c) => c.name));
}

/** The one-row CSV of a session: header + row. */
export function renderSessionCsv(exp: AnyExport, options: CsvRowOptions = {}): string {
  const row = toCsvRow(exp, options);
  return csvLine(Object.keys(row)) + csvLine(Object.values(row));
}

function contractionLines(exp: SessionExport): string {
  const sessionId = exp.export_metadata.session_id;
  let out = "";
  for (const contraction of exp.contractions ?? []) {
    out += csvLine(contractionColumns.map((c) => (c.name === "session_id" ? sessionId : cell(at(contraction, c.path), c))));
  }
  return out;
}

/** The long contractions CSV: one row per contraction, first columns session_id, channel, index. */
export function renderContractionsCsv(exp: SessionExport): string {
  return csvLine(contractionColumns.map((c) => c.name)) + contractionLines(exp);
}

/**
 * The contractions of many sessions as one long CSV, streamed: the header once, then each
 * session's contractions (a minimal export has none and adds no rows).
 */
export async function* renderBatchContractionsCsv(
  exports: AsyncIterable<AnyExport> | Iterable<AnyExport>,
): AsyncGenerator<string, void, undefined> {
  yield csvLine(contractionColumns.map((c) => c.name));
  for await (const exp of exports) if (isFullExport(exp)) yield contractionLines(exp);
}

export interface BatchCsvOptions {
  /** Channel slots of every row (default 2: left and right muscle). */
  channelSlots?: number;
  /** Rows of `USE_ENHANCED_EXPORT=false` exports. */
  minimal?: boolean;
}

/**
 * The batch CSV as a stream of text chunks: the header once (also for zero sessions), then one
 * line per export, pulled one at a time so memory stays constant however many sessions there are.
 */
export async function* renderBatchCsv(
  exports: AsyncIterable<AnyExport> | Iterable<AnyExport>,
  options: BatchCsvOptions = {},
): AsyncGenerator<string, void, undefined> {
  const slots = options.channelSlots ?? DEFAULT_CHANNEL_SLOTS;
  yield csvHeader(slots, options.minimal ?? false);
  for await (const exp of exports) yield csvLine(Object.values(toCsvRow(exp, { channelSlots: slots })));
}

function parseCell(text: string, column: Column): unknown {
  // A warning list is never null: an empty cell is an empty list.
  if (column.kind === "codes" || column.kind === "distinct_codes") return text === "" ? [] : text.split(";").map((code) => ({ code }));
  if (text === "") return null;
  switch (column.kind) {
    case "number":
    case "integer": {
      const n = Number(text);
      if (!Number.isFinite(n)) throw new Error(`column ${column.name}: "${text}" is not a number`);
      return n;
    }
    case "boolean":
      if (text !== "true" && text !== "false") throw new Error(`column ${column.name}: "${text}" is not true/false`);
      return text === "true";
    case "int_list":
      return text.split(";").map(Number);
    default:
      return unguardFormula(text);
  }
}

function setAt(root: Record<string, unknown>, path: string[], value: unknown): void {
  let node = root;
  for (const key of path.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

/**
 * Inverse of `toCsvRow` for a parsed CSV row (column name → cell text, e.g. from papaparse with
 * `header: true`): rebuilds the nested export's scalar fields. Exact for every scalar; lossy only
 * where the CSV is: warnings come back as `{code}` without messages, `export_errors` as
 * `{section, message}` split at the first ": ", and an empty text is indistinguishable from null.
 * Unknown columns are ignored; missing ones stay absent.
 */
export function unflattenCsvRow(row: Record<string, string>): Record<string, unknown> {
  const slotCount = Object.keys(row).reduce((max, name) => {
    const m = /^emg_ch(\d+)_/.exec(name);
    return m ? Math.max(max, Number(m[1])) : max;
  }, 0);
  const minimal = !("session_code" in row) && !("data_has_emg_data" in row);
  const out: Record<string, unknown> = {};
  const channels: Record<string, unknown> = {};
  const slotValues = new Map<number, Record<string, unknown>>();
  for (const column of exportColumns(slotCount, minimal)) {
    if (!(column.name in row)) continue;
    const text = row[column.name];
    if (column.name === "export_errors") {
      if (text !== "") {
        out.errors = text.split(" | ").map((entry) => {
          const cut = entry.indexOf(": ");
          return { section: entry.slice(0, cut), message: entry.slice(cut + 2) };
        });
      }
      continue;
    }
    const value = parseCell(text, column);
    if (column.channelSlot !== undefined) {
      const slot = slotValues.get(column.channelSlot) ?? {};
      slotValues.set(column.channelSlot, slot);
      setAt(slot, column.path, value);
    } else {
      setAt(out, column.path, value);
    }
  }
  for (const slot of [...slotValues.keys()].sort((a, b) => a - b)) {
    const { channel_id: id, ...channel } = slotValues.get(slot) as Record<string, unknown>;
    // A channel error always has a code: empty error cells mean "no error", i.e. null.
    if ((channel.error as { code?: unknown } | undefined)?.code === null) channel.error = null;
    if (typeof id === "string") channels[id] = channel;
  }
  if (!minimal) out.channels = channels;
  // No status means no data_quality section (a session stored before the checks existed).
  const quality = out.data_quality as { status?: unknown } | undefined;
  if (quality && quality.status === null) out.data_quality = null;
  return out;
}
