/**
 * Property-based HTTP fuzzing of the built server (fast-check): random methods, paths over every
 * route, query strings, cookies (none, a live session, forged), content types and bodies
 * (urlencoded, multipart with odd part headers, truncated, oversized, JSON, bytes). The server
 * never answers 5xx, never shows a stack trace, keeps answering, and its resident memory stays
 * bounded. FUZZ_RUNS sets the case count (default 2,000, what CI runs).
 */
import { request as httpRequest } from "node:http";
import { readdirSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "./support/auth";
import { ROOT, rssMb, startOwnServer, type OwnServer } from "./support/web";

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const PORT = Number(process.env.E2E_PORT ?? 3300) + 23;
const SESSION_ID = /^[0-9a-f-]{36}$/;

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | null;
}

function send(base: URL, req: Sent): Promise<{ status: number; text: string } | { error: string }> {
  return new Promise((resolve) => {
    const r = httpRequest(
      { host: base.hostname, port: base.port, method: req.method, path: req.path, headers: req.headers, timeout: 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (d: Buffer) => chunks.push(d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", (e) => resolve({ error: e.message }));
      },
    );
    r.on("error", (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
    r.on("timeout", () => r.destroy(new Error("timeout")));
    r.end(req.body ?? undefined);
  });
}

// --- what a case is made of ---------------------------------------------------------------------

const oddText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    "0000-01-01",
    "2024-02-30",
    "9999-12-31",
    "2024-01-01T25:61",
    "P" + "1".repeat(300),
    "P001",
    "-1",
    "1e309",
    "NaN",
    "%",
    "%zz",
    "\u0000",
    "../../etc/passwd",
    "<script>",
    "'; drop table users; --",
  ),
  fc.stringMatching(/^[0-9]{1,12}$/),
);

function pathArb(sessionId: string) {
  const id = fc.oneof(
    fc.constant(sessionId),
    fc.constant(sessionId.toUpperCase()),
    fc.uuid().map(String),
    oddText.map((s) => encodeURIComponent(s)),
  );
  const code = fc.oneof(
    fc.constantFrom("P001", "P999", "p001", "P" + "9".repeat(40)),
    oddText.map((s) => encodeURIComponent(s)),
  );
  return fc.oneof(
    fc.constantFrom(
      "/",
      "/sessions",
      "/sessions/new",
      "/analyze",
      "/account",
      "/account/tokens",
      "/admin/users",
      "/admin/scoring",
      "/admin/exports",
      "/exports",
      "/login",
      "/logout",
      "/setup",
      "/healthz",
      "/api/export",
      "/api/export/sessions",
      "/api/sessions",
      "/api/export/schema.json",
      "/favicon.ico",
      "/build/nope.js",
      "/no/such/page",
      "/__manifest",
      "/_root.data",
      "/sessions.data",
      "/login.data",
      "//double//slash",
      "/%E0%A4%A",
    ),
    id.map((i) => `/sessions/${i}`),
    id.map((i) => `/sessions/${i}.data`),
    id.map((i) => `/api/export/session/${i}`),
    id.map((i) => `/api/sessions/${i}/reprocess`),
    id.map((i) => `/api/sessions/${i}/history`),
    code.map((c) => `/patients/${c}`),
    code.map((c) => `/api/export/patient/${c}?format=pdf`),
    fc.tuple(code, id, id).map(([c, a, b]) => `/patients/${c}/compare?a=${a}&b=${b}`),
  );
}

const queryArb = fc
  .dictionary(
    fc.constantFrom(
      "from",
      "to",
      "patient",
      "page",
      "format",
      "table",
      "include_signals",
      "include_debug",
      "redirectTo",
      "_data",
      "index",
      "p",
      "version",
      "x",
    ),
    oddText,
    { maxKeys: 4 },
  )
  .map((q) => {
    const s = new URLSearchParams(q).toString();
    return s ? `?${s}` : "";
  });

const BOUNDARY = "----fuzz-boundary";
const partArb = fc.record({
  name: fc.oneof(
    fc.constantFrom(
      "csrf",
      "email",
      "password",
      "file",
      "intent",
      "patient_code",
      "new_patient_code",
      "rpe_post_session",
      "name",
      "export_format",
    ),
    fc.string({ maxLength: 12 }),
  ),
  filename: fc.option(fc.oneof(fc.constantFrom("a;b=c.c3d", 'q"uote.c3d', "naïve.c3d", "x.C3D", ""), fc.string({ maxLength: 20 })), {
    nil: undefined,
  }),
  header: fc.oneof(
    fc.constant(""),
    fc.constantFrom(
      "Content-Type: application/octet-stream\r\n",
      "Content-Type: text/plain; charset=utf-16\r\n",
      "X-Odd: \x01\r\n",
      "Content-Disposition: form-data\r\n",
      "Content-Transfer-Encoding: base64\r\n",
    ),
  ),
  value: fc.oneof(
    oddText,
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString("latin1")),
  ),
});

type Part = typeof partArb extends fc.Arbitrary<infer T> ? T : never;

function multipart(parts: Part[], csrf: string | null, truncate: boolean): Buffer {
  const all = csrf ? [{ name: "csrf", filename: undefined, header: "", value: csrf }, ...parts] : parts;
  let text = all
    .map((p) => {
      const file = p.filename === undefined ? "" : `; filename="${p.filename.replace(/"/g, "%22")}"`;
      return `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name.replace(/"/g, "%22")}"${file}\r\n${p.header}\r\n${p.value}\r\n`;
    })
    .join("");
  text += `--${BOUNDARY}--\r\n`;
  const buffer = Buffer.from(text, "latin1");
  return truncate ? buffer.subarray(0, Math.max(1, Math.floor(buffer.length / 2))) : buffer;
}

test("fuzzing every route never gets a 5xx, a stack trace or unbounded memory", async () => {
  test.setTimeout(240_000);
  // Uploads up to 2 MB: oversized bodies stay cheap to send while crossing every limit.
  const server: OwnServer = await startOwnServer({ port: PORT, env: { MAX_UPLOAD_MB: "2" } });
  try {
    const base = new URL(server.url);
    // The first admin, and a session cookie + CSRF token of theirs for the "signed-in" cases.
    const signIn = async (): Promise<{ cookie: string; csrf: string }> => {
      const setup = await fetch(`${server.url}/setup`);
      if (setup.status === 200) {
        const cookie = (setup.headers.get("set-cookie") ?? "").split(";")[0];
        const csrf = /name="csrf"[^>]*value="([^"]+)"/.exec(await setup.text())![1];
        const form = new URLSearchParams({
          csrf,
          displayName: "Fuzz",
          email: E2E_ADMIN.email,
          password: E2E_ADMIN.password,
          passwordConfirm: E2E_ADMIN.password,
        });
        await fetch(`${server.url}/setup`, { method: "POST", body: form, headers: { Cookie: cookie }, redirect: "manual" });
      }
      const login = await fetch(`${server.url}/login`);
      const anon = (login.headers.get("set-cookie") ?? "").split(";")[0];
      const token = /name="csrf"[^>]*value="([^"]+)"/.exec(await login.text())![1];
      const done = await fetch(`${server.url}/login`, {
        method: "POST",
        body: new URLSearchParams({ csrf: token, email: E2E_ADMIN.email, password: E2E_ADMIN.password }),
        headers: { Cookie: anon },
        redirect: "manual",
      });
      const cookie = (done.headers.get("set-cookie") ?? "").split(";")[0];
      const page = await fetch(`${server.url}/account`, { headers: { Cookie: cookie } });
      return { cookie, csrf: /name="csrf"[^>]*value="([^"]+)"/.exec(await page.text())![1] };
    };
    let session = await signIn();
    // A stored session to aim at: none exists yet, so the real-id paths use one that looks real.
    const sessionId = "7f3c9a1e-2b4d-4c6e-8f00-123456789abc";
    expect(sessionId).toMatch(SESSION_ID);

    // Warm-up (first page renders, PGlite caches), then the baseline.
    for (const p of ["/sessions", "/sessions/new", "/admin/users", "/analyze", "/account"])
      await fetch(`${server.url}${p}`, { headers: { Cookie: session.cookie } });
    const baseline = rssMb(server.process.pid!);

    const caseArb = fc.record({
      method: fc.constantFrom("GET", "GET", "POST", "POST", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"),
      path: pathArb(sessionId),
      query: queryArb,
      cookie: fc.constantFrom("none", "valid", "valid", "garbage", "tampered"),
      bearer: fc.constantFrom(null, null, null, "Bearer ghostly_pat_" + "A".repeat(43), "Bearer x", "Basic abc"),
      csrf: fc.constantFrom("valid", "valid", "wrong", "none"),
      contentType: fc.constantFrom("urlencoded", "multipart", "multipart", "multipart-no-boundary", "json", "text", "none", "weird"),
      fields: fc.dictionary(
        fc.constantFrom(
          "email",
          "password",
          "intent",
          "name",
          "scope",
          "currentPassword",
          "newPassword",
          "newPasswordConfirm",
          "userId",
          "role",
          "tokenId",
          "rpe_post_session",
          "weight_compliance",
          "redirectTo",
        ),
        oddText,
        { maxKeys: 5 },
      ),
      parts: fc.array(partArb, { maxLength: 5 }),
      truncate: fc.boolean(),
      oversized: fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0), fc.integer({ min: 65 * 1024, max: 3 * 1024 * 1024 })),
      origin: fc.constantFrom(null, null, null, "same", "http://evil.example", "null", "::garbage"),
    });

    let count = 0;
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        count++;
        const headers: Record<string, string> = { Host: base.host };
        if (c.cookie === "valid") headers.Cookie = session.cookie;
        if (c.cookie === "garbage") headers.Cookie = "ghostly_session=%%%garbage; other=1";
        if (c.cookie === "tampered") headers.Cookie = session.cookie.replace(/.{4}$/, "AAAA");
        if (c.bearer) headers.Authorization = c.bearer;
        if (c.origin) headers.Origin = c.origin === "same" ? server.url : c.origin;
        const csrf = c.csrf === "valid" ? session.csrf : c.csrf === "wrong" ? "forged-token" : null;
        let body: Buffer | null = null;
        if (!["GET", "HEAD"].includes(c.method)) {
          switch (c.contentType) {
            case "urlencoded":
              headers["Content-Type"] = "application/x-www-form-urlencoded";
              body = Buffer.from(new URLSearchParams({ ...(csrf ? { csrf } : {}), ...c.fields }).toString());
              break;
            case "multipart":
              headers["Content-Type"] = `multipart/form-data; boundary=${BOUNDARY}`;
              body = multipart(c.parts, csrf, c.truncate);
              break;
            case "multipart-no-boundary":
              headers["Content-Type"] = "multipart/form-data";
              body = multipart(c.parts, csrf, false);
              break;
            case "json":
              headers["Content-Type"] = "application/json";
              body = Buffer.from(JSON.stringify({ csrf, ...c.fields }));
              break;
            case "text":
              headers["Content-Type"] = "text/plain";
              body = Buffer.from(`csrf=${csrf}`);
              break;
            case "weird":
              headers["Content-Type"] = "application/x-www-form-urlencoded; charset=\u00ff; boundary=";
              body = Buffer.from(c.parts.map((p) => p.value).join("&"), "latin1");
              break;
            default:
              body = Buffer.from(Object.values(c.fields).join(""), "utf8");
          }
          if (c.oversized > 0) body = Buffer.concat([body, Buffer.alloc(c.oversized, 0x61)]);
        }
        const answer = await send(base, { method: c.method, path: c.path + c.query, headers, body });
        if ("error" in answer) {
          // A huge body may see the connection closed after the 413 while still sending.
          expect(c.oversized > 0 || c.truncate, `${c.method} ${c.path}: ${answer.error}`).toBe(true);
          expect((await fetch(`${server.url}/healthz`)).status, "the server still answers").toBe(200);
          return;
        }
        expect(
          answer.status,
          `${c.method} ${c.path}${c.query} (${c.contentType}) → ${answer.status}: ${answer.text.slice(0, 300)}`,
        ).toBeLessThan(500);
        expect(answer.text, `${c.method} ${c.path}: stack trace in body`).not.toMatch(
          /\n\s+at [^\n]+:\d+:\d+\)?|node_modules\/|file:\/\/\//,
        );
        // Signing out (or out everywhere) ends the session the "valid" cases use: take a new one.
        if (c.path.startsWith("/logout") || (c.path.startsWith("/account") && c.method !== "GET")) {
          const check = await fetch(`${server.url}/account`, { headers: { Cookie: session.cookie }, redirect: "manual" });
          if (check.status !== 200) session = await signIn();
        }
      }),
      { numRuns: RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
    );
    const seconds = (Date.now() - started) / 1000;
    const rss = rssMb(server.process.pid!);
    console.log(`fuzz: ${count} cases in ${seconds.toFixed(1)} s; server RSS ${baseline.toFixed(0)} → ${rss.toFixed(0)} MB`);
    const errors = server
      .log()
      .split("\n")
      .filter((l) => l.includes('"level":"error"'));
    test.info().annotations.push({
      type: "fuzz",
      description: `${count} cases in ${seconds.toFixed(1)} s; RSS ${baseline.toFixed(0)} → ${rss.toFixed(0)} MB`,
    });
    expect(count).toBeGreaterThanOrEqual(RUNS);
    expect(errors, "no error lines in the server log").toEqual([]);
    expect(rss - baseline, `RSS grew from ${baseline.toFixed(0)} to ${rss.toFixed(0)} MB`).toBeLessThan(256);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  } finally {
    await server.dispose();
  }
});

test("the fuzz paths cover every route file", () => {
  // A new route must be added to pathArb above.
  const known = new Set([
    "_index.tsx",
    "account._index.tsx",
    "account.tokens.tsx",
    "account.tsx",
    "admin.exports.tsx",
    "admin.scoring",
    "admin.users.tsx",
    "analyze",
    "api.export.ts",
    "api.export_.patient.$code",
    "api.export_.schema[.]json.ts",
    "api.export_.session.$sessionId.ts",
    "api.export_.sessions.ts",
    "api.sessions.ts",
    "api.sessions.$sessionId_.history.ts",
    "api.sessions.$sessionId_.reprocess.ts",
    "healthz.ts",
    "login.tsx",
    "logout.tsx",
    "patients.$code",
    "patients.$code_.compare",
    "exports",
    "sessions.$sessionId",
    "sessions._index",
    "sessions.new",
    "setup.tsx",
  ]);
  const routes = readdirSync(path.join(ROOT, "app/routes"));
  expect(routes.filter((r) => !known.has(r))).toEqual([]);
});
