/**
 * Attachment names of export downloads (docs/export.md "Routes and file names"), shared by the resource
 * routes, the quick-analysis page and the CLI.
 */
export type ExportFormat = "json" | "csv";

/** `session_<id>_export.<ext>`, or `session_<id>_contractions.csv` for the contractions table. */
export function sessionExportFilename(sessionId: string, format: ExportFormat, table?: "contractions"): string {
  return table === "contractions" ? `session_${sessionId}_contractions.csv` : `session_${sessionId}_export.${format}`;
}

/** The uploaded file's name without folders and `.c3d` ("upload" when nothing is left): the base of its download names. */
export function uploadBaseName(uploadName: string): string {
  return (uploadName.split(/[\\/]/).pop() ?? "").replace(/\.c3d$/i, "") || "upload";
}

/** `<uploaded name without .c3d>_export.<ext>` (`_contractions.csv` for the table). */
export function uploadExportFilename(uploadName: string, format: ExportFormat, table?: "contractions"): string {
  const base = uploadBaseName(uploadName);
  return table === "contractions" ? `${base}_contractions.csv` : `${base}_export.${format}`;
}

/** `sessions_export_<YYYY-MM-DD>.<ext>` (UTC date of the export). */
export function batchExportFilename(now: Date, format: ExportFormat, table?: "contractions"): string {
  const date = now.toISOString().slice(0, 10);
  return table === "contractions" ? `sessions_contractions_${date}.csv` : `sessions_export_${date}.${format}`;
}

/**
 * A Content-Disposition value for any file name: an ASCII fallback (quotes, backslashes and control
 * characters replaced) plus RFC 5987 `filename*` for the exact UTF-8 name.
 */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
