/**
 * Reading a form body: the ONE way every action reads a request body. The limits hold while the
 * body streams in, before anything is buffered beyond them, and before the caller is even known
 * (sign-in and setup read bodies of anonymous clients): at most `maxBytes` are kept, at most
 * `maxFields` fields and `maxParts` multipart parts are parsed, text fields are cut at
 * `maxFieldBytes`, and only a declared `file` field may carry a file (docs/decisions/056-one-form-reader-with-limits.md).
 *
 * Parsing is busboy's (RFC 7578 `Content-Disposition` parameters, quoted file names with `;` or
 * `=` included; urlencoded bodies too). Every way a body can be wrong is a RequestBodyError with
 * the status that fits: 400 empty, truncated or malformed; 413 over a limit; 415 not a form.
 */
import busboy from "busboy";

export const KB = 1024;
export const MB = 1024 * KB;

/** An ordinary page form (sign-in, settings, corrections): a few short fields. */
export const FORM_MAX_BYTES = 64 * KB;
export const FORM_MAX_FIELDS = 100;

export interface FormLimits {
  /** Largest body accepted, in bytes (a `file` adds its own limit on top). */
  maxBytes?: number;
  /** Most text fields. */
  maxFields?: number;
  /** Most multipart parts (fields and files together). */
  maxParts?: number;
  /** Largest single text field value. */
  maxFieldBytes?: number;
  /** The one field that may carry a file, and how large that file may be. */
  file?: { field: string; maxBytes: number };
}

export type BodyErrorStatus = 400 | 413 | 415;

export class RequestBodyError extends Error {
  override name = "RequestBodyError";
  constructor(
    readonly status: BodyErrorStatus,
    message: string,
    /** The field the problem belongs to ("file" for the upload), if any. */
    readonly field?: string,
    /** What was parsed before the problem (for re-rendering a form), when the body was read to its end. */
    readonly form: FormData | null = null,
  ) {
    super(message);
  }
}

/** "100 MB", "1.2 MB", "64 KB": whole units without decimals. */
export function formatBytes(bytes: number): string {
  if (bytes >= MB) return bytes % MB === 0 ? `${bytes / MB} MB` : `${(bytes / MB).toFixed(1)} MB`;
  return `${Math.ceil(bytes / KB)} KB`;
}

/**
 * How far past a limit we keep reading (and discarding) so the client gets to read our 413 —
 * a browser still sending shows a reset connection instead (docs/decisions/051). Past this cap we
 * stop reading; the server entry then closes the connection after the answer.
 */
export function drainCapBytes(maxBytes: number): number {
  return 2 * maxBytes + MB;
}

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

function mediaType(contentType: string | null): string {
  return (contentType ?? "").split(";")[0].trim().toLowerCase();
}

/** The body as a FormData, or a RequestBodyError (thrown). See the module comment for the limits. */
export async function readForm(request: Request, limits: FormLimits = {}): Promise<FormData> {
  const maxFields = limits.maxFields ?? FORM_MAX_FIELDS;
  const maxFieldBytes = limits.maxFieldBytes ?? limits.maxBytes ?? FORM_MAX_BYTES;
  const file = limits.file;
  const textBytes = limits.maxBytes ?? FORM_MAX_BYTES;
  const maxBytes = textBytes + (file?.maxBytes ?? 0);
  const maxParts = limits.maxParts ?? maxFields + (file ? 1 : 0);

  const contentType = request.headers.get("content-type");
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (request.body === null || declared === 0) {
    throw new RequestBodyError(400, "The request has no body: send the form's fields.");
  }
  const type = mediaType(contentType);
  if (!FORM_TYPES.includes(type)) {
    throw new RequestBodyError(
      415,
      `This form takes application/x-www-form-urlencoded or multipart/form-data, not ${type ? `"${type}"` : "a body without Content-Type"}.`,
    );
  }
  const encoding = (request.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "identity")
    throw new RequestBodyError(415, `Content-Encoding "${encoding}" is not accepted: send the form uncompressed.`);
  const cap = drainCapBytes(maxBytes);
  if (Number.isFinite(declared) && declared > cap) throw tooLarge(declared, file ? null : maxBytes, file);

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": contentType ?? "" },
      defParamCharset: "utf8",
      limits: { fields: maxFields, fieldSize: maxFieldBytes, parts: maxParts, files: file ? 1 : 0, headerPairs: 20 },
    });
  } catch (error) {
    throw new RequestBodyError(400, `The form body cannot be parsed: ${(error as Error).message}.`);
  }

  const form = new FormData();
  // Set from the parser's callbacks; an object so the checks below see it change.
  const state: { problem: RequestBodyError | null } = { problem: null };
  const fail = (error: RequestBodyError) => {
    state.problem ??= error;
  };
  let fileSize = 0;
  let fileChunks: Buffer[] = [];

  parser.on("field", (name, value, info) => {
    if (info.nameTruncated || info.valueTruncated) {
      fail(new RequestBodyError(413, `The field "${name}" is larger than ${formatBytes(maxFieldBytes)}.`, name));
      return;
    }
    form.append(name, value);
  });
  parser.on("file", (name, stream, info) => {
    if (!file || name !== file.field) {
      stream.resume();
      fail(
        new RequestBodyError(
          400,
          file ? `Only the field "${file.field}" may carry a file, not "${name}".` : "This form takes no files.",
          name,
        ),
      );
      return;
    }
    // A truncated body errors the file stream too; the parser's own error says so.
    stream.on("error", () => undefined);
    stream.on("data", (chunk: Buffer) => {
      fileSize += chunk.byteLength;
      // Past the limit only the count goes on, so the answer can say how large the file was.
      if (fileSize <= file.maxBytes) fileChunks.push(chunk);
      else fileChunks = [];
    });
    stream.on("end", () => {
      if (fileSize > file.maxBytes) return;
      form.append(name, new File(fileChunks as BlobPart[], info.filename ?? "", { type: info.mimeType || "application/octet-stream" }));
      fileChunks = [];
    });
  });
  const countLimit = (what: string, n: number) => () => fail(new RequestBodyError(413, `The form has more than ${n} ${what}.`));
  parser.on("fieldsLimit", countLimit("fields", maxFields));
  parser.on("partsLimit", countLimit("parts", maxParts));
  parser.on("filesLimit", () =>
    fail(new RequestBodyError(400, file ? "The form carries more than one file." : "This form takes no files.")),
  );

  const finished = new Promise<void>((resolve) => {
    parser.on("close", resolve);
    parser.on("error", (error: Error) => {
      fail(
        /unexpected end/i.test(error.message)
          ? new RequestBodyError(400, "The form body is truncated: it ends before its closing boundary.")
          : new RequestBodyError(400, `The form body cannot be parsed: ${error.message}.`),
      );
      resolve();
    });
  });

  let received = 0;
  let ended = false;
  const reader = request.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        break;
      }
      received += value.byteLength;
      if (received > cap) break;
      // A text-only form past its limit: nothing more is parsed, the rest is only counted.
      if (received > maxBytes && !file) {
        fail(tooLarge(null, maxBytes, undefined));
        continue;
      }
      if (!state.problem) parser.write(value);
    }
  } catch {
    throw new RequestBodyError(400, "The request body could not be read to its end (the connection was interrupted).");
  } finally {
    reader.releaseLock();
  }
  if (!ended) throw tooLarge(received, file ? null : maxBytes, file);
  if (received === 0) throw new RequestBodyError(400, "The request has no body: send the form's fields.");
  if (!state.problem) {
    parser.end();
    await finished;
  } else {
    parser.destroy();
  }
  if (state.problem) throw state.problem;
  if (file && fileSize > file.maxBytes) {
    throw new RequestBodyError(413, `The file is ${formatBytes(fileSize)}; the limit is ${formatBytes(file.maxBytes)}.`, file.field, form);
  }
  return form;
}

function tooLarge(bytes: number | null, maxBytes: number | null, file: FormLimits["file"]): RequestBodyError {
  if (file) {
    const size = bytes === null ? "" : ` (${formatBytes(bytes)} or more)`;
    return new RequestBodyError(413, `The upload is larger than the limit${size}; the limit is ${formatBytes(file.maxBytes)}.`, file.field);
  }
  return new RequestBodyError(413, `The form is larger than ${formatBytes(maxBytes ?? 0)}: this form takes short fields only.`);
}

/**
 * For page and API actions: the form, or a thrown plain-text Response with the error's status
 * (the page's error boundary shows the message).
 */
export async function requireForm(request: Request, limits?: FormLimits): Promise<FormData> {
  try {
    return await readForm(request, limits);
  } catch (error) {
    if (error instanceof RequestBodyError) {
      throw new Response(error.message, { status: error.status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    }
    throw error;
  }
}

/**
 * A JSON API body read under the same byte limit as a page form, counted while streaming: an
 * empty body is `{}`; anything else must be `application/json` (415) and parse (400).
 */
export async function readJsonBody(request: Request, maxBytes: number = FORM_MAX_BYTES): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new RequestBodyError(413, `the body is larger than ${formatBytes(maxBytes)}`, "body");
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new RequestBodyError(413, `the body is larger than ${formatBytes(maxBytes)}`, "body");
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return {};
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) throw new RequestBodyError(415, "the body must be application/json", "body");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RequestBodyError(400, "the body must be JSON", "body");
  }
}
