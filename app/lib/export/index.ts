/** The canonical session export: one builder, pure renderers (browser-safe). */
export { APP_GENERATOR, buildSessionExport, isFullExport } from "./build";
export type { AnyExport, BuildExportOptions, ExportSource, SignalOptions } from "./build";
export { renderJson, renderBatchJson } from "./json";
export {
  csvHeader,
  guardFormula,
  renderBatchCsv,
  renderBatchContractionsCsv,
  renderContractionsCsv,
  renderSessionCsv,
  toCsvRow,
  unflattenCsvRow,
  unguardFormula,
} from "./csv";
export type { Cell, CsvRowOptions, BatchCsvOptions } from "./csv";
export { exportColumns, contractionColumns, DEFAULT_CHANNEL_SLOTS } from "./columns";
export { formatCsvNumber } from "./numbers";
export type { Column, CellKind } from "./columns";
export * from "./filenames";
export { CONTENT_TYPES, ExportTableUnavailableError, renderExport } from "./render";
export type { ExportTable } from "./render";
export { exportJsonSchema } from "./json-schema";
export { FIELD_DICTIONARY, schemaPaths } from "./dictionary";
export type { FieldDoc } from "./dictionary";
