/**
 * Reading a C3D upload from a multipart request through the one form reader (form.server.ts), with
 * MAX_UPLOAD_MB enforced while the body streams in: the file is never held beyond the limit, and an
 * oversized upload is answered 413 with a message for the form instead of a torn connection
 * (docs/decisions/056-one-form-reader-with-limits.md).
 */
import { FORM_MAX_BYTES, MB, readForm, RequestBodyError, type BodyErrorStatus } from "~/lib/server/http/form.server";

/** Field name → message for the form; `form` is for a message that belongs to no single field. */
export type FieldErrors = Partial<Record<string, string>>;

export const FILE_FIELD = "file";

export interface UploadedFile {
  /** The name the user's file had (not a name on disk). */
  name: string;
  bytes: Uint8Array;
}

export type UploadReadResult =
  | { ok: true; form: FormData; file: UploadedFile }
  | { ok: false; status: BodyErrorStatus | 422; errors: FieldErrors; form: FormData | null };

/**
 * Parses the multipart body of an upload form. Returns the text fields (for CSRF and options) and
 * the file, or the errors to show on the form with the HTTP status that fits:
 * 400 not a multipart form / no file chosen / truncated, 413 too large, 415 not a form body,
 * 422 not a .c3d file.
 */
export async function readC3dUpload(request: Request, maxUploadMb: number): Promise<UploadReadResult> {
  const maxBytes = Math.floor(maxUploadMb * MB);
  let form: FormData;
  try {
    form = await readForm(request, { maxBytes: FORM_MAX_BYTES, file: { field: FILE_FIELD, maxBytes } });
  } catch (error) {
    if (!(error instanceof RequestBodyError)) throw error;
    return {
      ok: false,
      status: error.status,
      form: error.form,
      errors: { [error.field === FILE_FIELD ? FILE_FIELD : "form"]: error.message },
    };
  }
  const file = form.get(FILE_FIELD);
  if (!(file instanceof File) || (file.size === 0 && file.name === "")) {
    return { ok: false, status: 400, form, errors: { file: "Choose a C3D file to upload." } };
  }
  if (!/\.c3d$/i.test(file.name)) {
    return { ok: false, status: 422, form, errors: { file: `"${file.name}" is not a C3D file: the name must end in .c3d.` } };
  }
  if (file.size === 0) {
    return { ok: false, status: 422, form, errors: { file: `"${file.name}" is empty (0 bytes).` } };
  }
  return { ok: true, form, file: { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) } };
}

/** The text fields of a form as a plain record (the file and empty fields left out). */
export function textFields(form: FormData | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!form) return out;
  for (const [key, value] of form.entries()) {
    if (typeof value === "string" && key !== "csrf" && value.trim() !== "") out[key] = value.trim();
  }
  return out;
}
