/**
 * Quick analysis: an upload analysed and exported without storing anything. The export comes from
 * the same path as POST /api/export (`analyzeUploadForExport` + `buildSessionExport`).
 */
import { plotEnvelopes } from "~/components/session/plot-envelopes";
import { AnalysisError, ParameterError, parseAnalysisOptions } from "~/lib/analysis";
import { C3dError } from "~/lib/c3d/errors";
import { buildSessionExport } from "~/lib/export";
import { analyzeUploadForExport } from "~/lib/analysis/from-upload";
import type { SessionExport } from "~/lib/export/schema";
import type { Caller } from "~/lib/server/caller.server";
import { getConfig } from "~/lib/server/config.server";
import { requireCsrf } from "~/lib/server/csrf.server";
import type { StoredEnvelope } from "~/lib/server/sessions.server";
import { readC3dUpload, textFields, type FieldErrors } from "~/lib/server/upload.server";

export type QuickAnalysisResult =
  | { ok: true; uploadName: string; exp: SessionExport; envelopes: Record<string, StoredEnvelope> }
  | { ok: false; status: 400 | 413 | 422; errors: FieldErrors; values: Record<string, string> };

export async function quickAnalysis(_caller: Caller, request: Request, now = new Date()): Promise<QuickAnalysisResult> {
  const read = await readC3dUpload(request, getConfig().MAX_UPLOAD_MB);
  if (read.form) await requireCsrf(request, read.form);
  const values = textFields(read.form);
  if (!read.ok) return { ok: false, status: read.status, errors: read.errors, values };
  try {
    const options = { ...parseAnalysisOptions(values), sourceFilename: read.file.name };
    const source = analyzeUploadForExport(read.file.bytes, options);
    const exp = buildSessionExport(source, { now, enhanced: true });
    return { ok: true, uploadName: read.file.name, exp, envelopes: plotEnvelopes(source.envelopes ?? {}) };
  } catch (error) {
    if (error instanceof ParameterError) {
      return { ok: false, status: 400, errors: { [error.field]: error.message.replace(`${error.field}: `, "") }, values };
    }
    if (error instanceof C3dError) {
      return { ok: false, status: 422, errors: { file: `"${read.file.name}" cannot be read as C3D: ${error.message.replace(/\.$/, "")}.` }, values };
    }
    if (error instanceof AnalysisError) {
      return { ok: false, status: 422, errors: { file: `"${read.file.name}": ${error.message}` }, values };
    }
    throw error;
  }
}
