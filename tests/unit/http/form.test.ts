/**
 * The one form reader: limits hold while the body streams (the source is pulled no further than
 * the drain cap), every malformed body is a 4xx naming the problem, and RFC 7578 headers parse.
 */
import { describe, expect, it } from "vitest";
import { drainCapBytes, FORM_MAX_BYTES, MB, readForm, RequestBodyError, type FormLimits } from "~/lib/server/http/form.server";
import { lazyBody } from "../../support/bodies";

const URL_ = "http://app.test/form";

function post(body: BodyInit | null, contentType: string | null, headers: Record<string, string> = {}): Request {
  return new Request(URL_, {
    method: "POST",
    body,
    headers: { ...(contentType ? { "Content-Type": contentType } : {}), ...headers },
    duplex: "half",
  });
}

async function refusal(request: Request, limits?: FormLimits): Promise<RequestBodyError> {
  try {
    await readForm(request, limits);
  } catch (error) {
    if (error instanceof RequestBodyError) return error;
    throw error;
  }
  throw new Error("readForm accepted the body");
}

const BOUNDARY = "----ghostly-test-boundary";
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;
function part(disposition: string, value: string, type?: string): string {
  return `--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n${type ? `Content-Type: ${type}\r\n` : ""}\r\n${value}\r\n`;
}
const end = `--${BOUNDARY}--\r\n`;

describe("readForm limits (held while streaming)", () => {
  it("refuses a 64 MB urlencoded body with 413 after pulling no more than the drain cap", async () => {
    const body = lazyBody(64 * MB, "a=1&");
    const error = await refusal(post(body.stream, "application/x-www-form-urlencoded"));
    expect(error.status).toBe(413);
    expect(error.message).toBe("The form is larger than 64 KB: this form takes short fields only.");
    // The chunk that crossed the cap, plus the one chunk a ReadableStream pulls ahead.
    expect(body.pulled()).toBeLessThanOrEqual(drainCapBytes(FORM_MAX_BYTES) + 2 * 64 * 1024);
  });

  it("refuses a declared Content-Length beyond the cap without reading", async () => {
    const body = lazyBody(4 * MB);
    const error = await refusal(post(body.stream, "application/x-www-form-urlencoded", { "Content-Length": String(4 * MB) }));
    expect(error.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(64 * 1024);
  });

  it("counts fields: 100,000 tiny multipart parts inside an upload's byte budget → 413 naming the parts limit", async () => {
    const many = Array.from({ length: 100_000 }, (_, i) => part(`form-data; name="f${i}"`, "1")).join("") + end;
    const error = await refusal(post(many, MULTIPART), { file: { field: "file", maxBytes: 100 * MB } });
    expect(error.status).toBe(413);
    expect(error.message).toBe("The form has more than 100 fields.");
  });

  it("a text field over its limit → 413 naming the field", async () => {
    const body = part('form-data; name="note"', "x".repeat(70 * 1024)) + end;
    const error = await refusal(post(body, MULTIPART), { file: { field: "file", maxBytes: MB }, maxFieldBytes: 64 * 1024 });
    expect(error).toMatchObject({ status: 413, field: "note", message: 'The field "note" is larger than 64 KB.' });
  });

  it("an oversized file → 413 with its size, the text fields kept for the form", async () => {
    const body =
      part('form-data; name="csrf"', "token") +
      part('form-data; name="file"; filename="big.c3d"', "z".repeat(1.2 * MB), "application/octet-stream") +
      end;
    const error = await refusal(post(body, MULTIPART), { file: { field: "file", maxBytes: MB } });
    expect(error).toMatchObject({ status: 413, field: "file", message: "The file is 1.2 MB; the limit is 1 MB." });
    expect(error.form?.get("csrf")).toBe("token");
  });
});

describe("readForm on odd bodies", () => {
  it.each([
    [
      "application/json",
      '{"email":"a@b.c"}',
      415,
      'This form takes application/x-www-form-urlencoded or multipart/form-data, not "application/json".',
    ],
    ["text/plain", "email=a@b.c", 415, 'This form takes application/x-www-form-urlencoded or multipart/form-data, not "text/plain".'],
    [null, "email=a", 415, "This form takes application/x-www-form-urlencoded or multipart/form-data, not a body without Content-Type."],
    ["application/x-www-form-urlencoded", "", 400, "The request has no body: send the form's fields."],
    ["multipart/form-data", "--x\r\n", 400, "The form body cannot be parsed: Multipart: Boundary not found."],
  ])("%s body %j → %i", async (type, body, status, message) => {
    // Bytes, not a string: a string body would get text/plain from fetch itself.
    expect(await refusal(post(new TextEncoder().encode(body), type))).toMatchObject({ status, message });
  });

  it("a truncated multipart body → 400", async () => {
    const body =
      part('form-data; name="csrf"', "token") + `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.c3d"\r\n\r\nPAR`;
    expect(await refusal(post(body, MULTIPART), { file: { field: "file", maxBytes: MB } })).toMatchObject({
      status: 400,
      message: "The form body is truncated: it ends before its closing boundary.",
    });
  });

  it("a file sent to a form that takes none → 400", async () => {
    const body = part('form-data; name="avatar"; filename="x.png"', "png", "image/png") + end;
    expect(await refusal(post(body, MULTIPART))).toMatchObject({ status: 400, message: "This form takes no files." });
  });

  it("a compressed body → 415", async () => {
    expect(await refusal(post("a=1", "application/x-www-form-urlencoded", { "Content-Encoding": "gzip" }))).toMatchObject({ status: 415 });
  });
});

describe("readForm parses what browsers send", () => {
  it("file names with ; and = and quotes (RFC 7578 quoted-string) arrive as written", async () => {
    for (const name of ["a;b.c3d", "x=y.c3d", "semi; colon=equals.c3d", "naïve café.c3d"]) {
      const quoted = name.replace(/"/g, "%22");
      const body = part(`form-data; name="file"; filename="${quoted}"`, "PARAMS", "application/octet-stream") + end;
      const form = await readForm(post(body, MULTIPART), { file: { field: "file", maxBytes: MB } });
      const file = form.get("file") as File;
      expect(file.name, name).toBe(name);
      expect(await file.text()).toBe("PARAMS");
    }
  });

  it("urlencoded and multipart fields, repeated names kept in order", async () => {
    const a = await readForm(post("csrf=t&x=1&x=2&e=%C3%A9", "application/x-www-form-urlencoded"));
    expect([a.get("csrf"), a.getAll("x"), a.get("e")]).toEqual(["t", ["1", "2"], "é"]);
    const fd = new FormData();
    fd.set("csrf", "t");
    fd.set("file", new File([new Uint8Array([1, 2, 3])], "rec.c3d"));
    const b = await readForm(new Request(URL_, { method: "POST", body: fd }), { file: { field: "file", maxBytes: MB } });
    expect(b.get("csrf")).toBe("t");
    expect(new Uint8Array(await (b.get("file") as File).arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
  });
});
