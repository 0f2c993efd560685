/**
 * Reading a C3D upload from a multipart request, with the size limit enforced while the body
 * streams in (MAX_UPLOAD_MB): the file is never held beyond the limit, and an oversized upload is
 * answered 413 with a message for the form instead of a torn connection
 * (docs/decisions/051-upload-limit-drains-then-answers-413.md).
 */
import {
  MaxPartSizeExceededError,
  unstable_composeUploadHandlers,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type UploadHandler,
} from "@remix-run/node";

/** Field name → message for the form; `form` is for a message that belongs to no single field. */
export type FieldErrors = Partial<Record<string, string>>;

export const FILE_FIELD = "file";
/** Text fields are small numbers and codes; anything bigger is not our form. */
export const MAX_TEXT_FIELD_BYTES = 64 * 1024;

export interface UploadedFile {
  /** The name the user's file had (not a name on disk). */
  name: string;
  bytes: Uint8Array;
}

export type UploadReadResult =
  { ok: true; form: FormData; file: UploadedFile } | { ok: false; status: 400 | 413 | 422; errors: FieldErrors; form: FormData | null };

const MB = 1024 * 1024;

function formatMb(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`;
}

/**
 * How far past the limit we keep reading (and discarding) before giving up on the connection.
 * Reading the rest lets the browser receive our 413 page; a body far beyond it is cut off.
 */
export function drainCapBytes(maxBytes: number): number {
  return 2 * maxBytes + MB;
}

/**
 * Upload handler for the file part: buffers at most `maxBytes`, then only counts (and drops) the
 * rest, so the answer can say how large the file was.
 */
function limitedFileHandler(maxBytes: number, seen: { oversizedBytes: number | null }): UploadHandler {
  return async ({ name, filename, contentType, data }) => {
    if (name !== FILE_FIELD || filename === undefined) return undefined;
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of data) {
      size += chunk.byteLength;
      if (size > drainCapBytes(maxBytes)) throw new MaxPartSizeExceededError(name, maxBytes);
      if (size <= maxBytes) chunks.push(chunk);
      else chunks.length = 0;
    }
    if (size > maxBytes) {
      seen.oversizedBytes = size;
      return undefined;
    }
    return new File(chunks as BlobPart[], filename, { type: contentType || "application/octet-stream" });
  };
}

/**
 * Parses the multipart body of an upload form. Returns the text fields (for CSRF and options) and
 * the file, or the errors to show on the form with the HTTP status that fits:
 * 400 not a multipart form / no file chosen, 413 too large, 422 not a .c3d file.
 */
export async function readC3dUpload(request: Request, maxUploadMb: number): Promise<UploadReadResult> {
  const maxBytes = Math.floor(maxUploadMb * MB);
  const limitText = `the limit is ${maxUploadMb} MB`;
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > drainCapBytes(maxBytes)) {
    return { ok: false, status: 413, form: null, errors: { file: `The upload is ${formatMb(declared)}; ${limitText}.` } };
  }
  const seen = { oversizedBytes: null as number | null };
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(
      request,
      unstable_composeUploadHandlers(
        limitedFileHandler(maxBytes, seen),
        unstable_createMemoryUploadHandler({ maxPartSize: MAX_TEXT_FIELD_BYTES }),
      ),
    );
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) {
      const message =
        error.field === FILE_FIELD
          ? `The file is larger than ${formatMb(drainCapBytes(maxBytes))}; ${limitText}.`
          : `The field "${error.field}" is larger than ${MAX_TEXT_FIELD_BYTES / 1024} KB.`;
      return { ok: false, status: 413, form: null, errors: { [error.field === FILE_FIELD ? FILE_FIELD : "form"]: message } };
    }
    if (error instanceof TypeError) {
      return { ok: false, status: 400, form: null, errors: { form: "The upload must be sent as a multipart/form-data form with a file." } };
    }
    throw error;
  }
  if (seen.oversizedBytes !== null) {
    return { ok: false, status: 413, form, errors: { file: `The file is ${formatMb(seen.oversizedBytes)}; ${limitText}.` } };
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
