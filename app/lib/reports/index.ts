/**
 * Reports and workbooks rendered from the canonical export (issue 15): the PDF session and patient
 * reports and the xlsx workbooks. Pure apart from producing bytes or writing to a given stream;
 * the server wires them to the routes, the CLI to stdout.
 */
export { renderSessionReportPdf } from "./pdf/session-report";
export { dataQualityOf } from "./quality";
export type { DataQuality, QualityFinding } from "./quality";
export { STRINGS } from "./strings";
export { renderSessionWorkbook } from "./xlsx/session-workbook";
export { writeBatchWorkbook } from "./xlsx/batch-workbook";
export type { BatchWorkbookOptions, BatchWorkbookSource } from "./xlsx/batch-workbook";
export { DATE_COLUMNS, isoToSheetDate } from "./xlsx/cells";
export * from "./render";
export { renderPatientReportPdf } from "./pdf/patient-report";
export type { PatientReportInput } from "./pdf/patient-report";
