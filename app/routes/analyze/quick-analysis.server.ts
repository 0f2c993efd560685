/**
 * Quick analysis: an upload analysed and exported without storing anything. The export comes from
 * the same path as POST /api/export (`analyzeUploadForExport` + `buildSessionExport`).
 */
import { plotEnvelopes } from "~/components/session/plot-envelopes";
import { analyzeUploadForExport, fieldError, isInputError, parseAnalysisOptions, type FieldError } from "~/lib/analysis";
import { buildSessionExport } from "~/lib/export";
import type { SessionExport } from "~/lib/export/schema";
import { getConfig } from "~/lib/server/http/config.server";
import { requireCsrf } from "~/lib/server/auth/csrf.server";
import type { StoredEnvelope } from "~/lib/server/repositories/sessions/types.server";
import { readC3dUpload, textFields, type FieldErrors } from "~/lib/server/http/upload.server";

export type QuickAnalysisResult =
  | { ok: true; uploadName: string; exp: SessionExport; envelopes: Record<string, StoredEnvelope> }
  | { ok: false; status: FieldError["status"] | 415; errors: FieldErrors; values: Record<string, string> };

/** Any caller who may export (the route checks it): the answer is built for the requester only and nothing is stored. */
export async function quickAnalysis(request: Request): Promise<QuickAnalysisResult> {
  const read = await readC3dUpload(request, getConfig().MAX_UPLOAD_MB);
  if (read.form) await requireCsrf(request, read.form);
  const values = textFields(read.form);
  if (!read.ok) return { ok: false, status: read.status, errors: read.errors, values };
  try {
    const options = { ...parseAnalysisOptions(values), sourceFilename: read.file.name };
    const source = analyzeUploadForExport(read.file.bytes, options);
    const exp = buildSessionExport(source, { now: new Date(), enhanced: true });
    return { ok: true, uploadName: read.file.name, exp, envelopes: plotEnvelopes(source.envelopes ?? {}) };
  } catch (error) {
    if (!isInputError(error)) throw error;
    const { status, field, message } = fieldError(error, read.file.name);
    return { ok: false, status, errors: { [field]: message }, values };
  }
}
