/**
 * The xlsx workbook of one session (issue 15 §3): sheet `session` = the one-row CSV (same columns,
 * typed cells), `contractions` = the contractions CSV, `channels` = one row per channel with the
 * CSV's channel fields, `configuration` = the scoring configuration, processing parameters and
 * session parameters as column/value pairs. Every value is the CSV row's (`toCsvRow`), so the
 * workbook cannot disagree with the CSV or the JSON.
 */
import ExcelJS from "exceljs";
import { contractionColumns, exportColumns, toCsvRow, type Cell } from "~/lib/export";
import type { SessionExport } from "~/lib/export/schema";
import { DATE_FORMATS, sheetValue, type XlsxValue } from "./cells";

/** Adds a sheet with a bold, frozen header row; `widths` per column (characters). */
export function headedSheet(workbook: ExcelJS.Workbook, name: string, header: string[], widths?: number[]): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = header.map((h, i) => ({ header: h, key: h, width: widths?.[i] ?? Math.min(40, Math.max(10, h.length + 2)) }));
  sheet.getRow(1).font = { bold: true };
  return sheet;
}

/**
 * One style object per kind of cell, shared by every cell of that kind: exceljs looks a style up
 * by object identity first, while a fresh `{}` per cell costs it a full style comparison — that
 * was most of the batch workbook's time.
 */
const PLAIN_STYLE: Partial<ExcelJS.Style> = Object.freeze({});
const DATE_STYLES = new Map<string, Partial<ExcelJS.Style>>();
function dateStyle(column: string): Partial<ExcelJS.Style> {
  const numFmt = DATE_FORMATS[column] ?? "yyyy-mm-dd hh:mm:ss";
  let style = DATE_STYLES.get(numFmt);
  if (!style) DATE_STYLES.set(numFmt, (style = Object.freeze({ numFmt })));
  return style;
}

/** Adds a row of typed values, giving date cells their number format. */
export function addTypedRow(sheet: ExcelJS.Worksheet, columns: string[], values: XlsxValue[]): ExcelJS.Row {
  const row = sheet.addRow(values);
  row.eachCell((cell, n) => {
    const v = values[n - 1];
    cell.style = v instanceof Date ? dateStyle(columns[n - 1]) : PLAIN_STYLE;
  });
  return row;
}

/** The contractions of one export as typed rows (session_id first), as the contractions CSV has them. */
export function contractionRows(exp: SessionExport): XlsxValue[][] {
  const sessionId = exp.export_metadata.session_id;
  return (exp.contractions ?? []).map((c) =>
    contractionColumns.map((column) => {
      if (column.name === "session_id") return sessionId;
      const v = (c as Record<string, unknown>)[column.path[0]];
      return sheetValue(column.name, (v ?? null) as Cell);
    }),
  );
}

const CONFIGURATION = /^(config_|processing_|session_param_)/;

/** The session workbook as xlsx bytes. */
export async function renderSessionWorkbook(exp: SessionExport): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = exp.export_metadata.generator;
  const created = new Date(exp.export_metadata.export_timestamp);
  if (!Number.isNaN(created.getTime())) workbook.created = workbook.modified = created;

  const row = toCsvRow(exp);
  const names = Object.keys(row);
  addTypedRow(
    headedSheet(workbook, "session", names),
    names,
    names.map((n) => sheetValue(n, row[n])),
  );

  const contractionNames = contractionColumns.map((c) => c.name);
  const contractions = headedSheet(workbook, "contractions", contractionNames);
  for (const values of contractionRows(exp)) addTypedRow(contractions, contractionNames, values);

  // One row per channel slot of the CSV row, with the slot prefix taken off the column names.
  const slots = exportColumns(Math.max(2, Object.keys(exp.channels ?? {}).length)).filter((c) => c.channelSlot !== undefined);
  const fields = [...new Set(slots.map((c) => c.name.replace(/^emg_ch\d+_/, "")))];
  const channels = headedSheet(workbook, "channels", fields);
  for (let slot = 1; ; slot++) {
    const id = row[`emg_ch${slot}_channel_id`];
    if (id === undefined || id === null) break;
    addTypedRow(
      channels,
      fields,
      fields.map((field) => sheetValue(field, row[`emg_ch${slot}_${field}`] ?? null)),
    );
  }

  const configuration = headedSheet(workbook, "configuration", ["column", "value"], [36, 24]);
  for (const name of names.filter((n) => CONFIGURATION.test(n)))
    addTypedRow(configuration, [name, name], [name, sheetValue(name, row[name])]);

  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
