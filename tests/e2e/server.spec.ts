/**
 * The production server entry (server.js) at HTTP level, on private servers: what lives in the
 * server set-up rather than in a route — the client address and TRUST_PROXY, body limits before
 * buffering (resident memory measured), static caching, text-only compression, one log line per
 * request, the start-up orphan sweep and a graceful stop.
 */
import { existsSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "./support/auth";
import { rssMb, startOwnServer, type OwnServer } from "./support/web";

const BASE_PORT = Number(process.env.E2E_PORT ?? 3300);

/** A form POST through node:http, so any header (X-Forwarded-For, Origin) goes out as written. */
function post(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** GETs /login and returns its cookie and CSRF token (a browser about to sign in). */
async function loginForm(base: string, headers: Record<string, string> = {}): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${base}/login`, { headers, redirect: "manual" });
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0];
  const csrf = /name="csrf"[^>]*value="([^"]+)"/.exec(await res.text())?.[1] ?? "";
  return { cookie, csrf };
}

async function setupAdmin(base: string): Promise<void> {
  const res = await fetch(`${base}/setup`);
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0];
  const csrf = /name="csrf"[^>]*value="([^"]+)"/.exec(await res.text())?.[1] ?? "";
  const form = new URLSearchParams({
    csrf,
    displayName: "Admin",
    email: E2E_ADMIN.email,
    password: E2E_ADMIN.password,
    passwordConfirm: E2E_ADMIN.password,
  });
  const done = await fetch(`${base}/setup`, { method: "POST", body: form, headers: { Cookie: cookie }, redirect: "manual" });
  expect(done.status).toBe(302);
}

async function signInAttempt(base: string, email: string, password: string, forwardedFor?: string): Promise<number> {
  const headers: Record<string, string> = forwardedFor ? { "X-Forwarded-For": forwardedFor } : {};
  const { cookie, csrf } = await loginForm(base, headers);
  const res = await post(`${base}/login`, new URLSearchParams({ csrf, email, password }).toString(), { ...headers, Cookie: cookie });
  return res.status;
}

test.describe.configure({ mode: "serial" });

test.describe("server.js without a proxy (TRUST_PROXY=0)", () => {
  let server: OwnServer;
  let orphan: string;
  let young: string;
  test.beforeAll(async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "ghostly-e2e-server-"));
    // Planted before start-up: an unreferenced original file older than an hour, and a young one.
    mkdirSync(path.join(dataDir, "uploads", "ab"), { recursive: true });
    orphan = path.join(dataDir, "uploads", "ab", `ab${"1".repeat(62)}.c3d`);
    young = path.join(dataDir, "uploads", "ab", `ab${"2".repeat(62)}.c3d`);
    writeFileSync(orphan, "left by a crash between file and commit");
    writeFileSync(young, "an upload between its write and its commit");
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(orphan, twoHoursAgo, twoHoursAgo);
    server = await startOwnServer({ port: BASE_PORT + 21, dataDir });
    await setupAdmin(server.url);
  });
  test.afterAll(async () => server?.dispose());

  test("the start-up sweep removed the old orphan and spared the young file", async () => {
    await expect.poll(() => existsSync(orphan), { timeout: 10_000 }).toBe(false);
    expect(existsSync(young)).toBe(true);
  });

  test("X-Forwarded-For from a client is ignored: rotating it does not dodge the per-address limit", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      statuses.push(await signInAttempt(server.url, `nobody${i}@e2e.test`, "wrong-password-1", `198.18.0.${i}`));
    }
    // Twenty failures from the one socket address (127.0.0.1), then the address is blocked.
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  test("a 1 GB form body is refused with 413 while streaming; resident memory stays flat", async () => {
    const before = rssMb(server.process.pid!);
    const started = Date.now();
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${server.url}/login`,
        { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", (error) =>
        (error as NodeJS.ErrnoException).code === "ECONNRESET" || (error as NodeJS.ErrnoException).code === "EPIPE"
          ? undefined
          : reject(error),
      );
      const chunk = Buffer.alloc(1024 * 1024, "a");
      let sent = 0;
      const pump = () => {
        while (sent < 1024 && !req.destroyed) {
          sent++;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        req.end();
      };
      pump();
    });
    const after = rssMb(server.process.pid!);
    const figures = `1 GB body: ${status} in ${Date.now() - started} ms, server RSS ${before.toFixed(0)} → ${after.toFixed(0)} MB`;
    test.info().annotations.push({ type: "rss", description: figures });
    console.log(figures);
    expect(status).toBe(413);
    expect(after - before).toBeLessThan(64);
  });

  test("assets: fingerprinted build files immutable, favicon answered, text compressed and binaries not", async () => {
    const html = await (await fetch(`${server.url}/login`)).text();
    const asset = /src="(\/build\/[^"]+\.js)"/.exec(html)?.[1] ?? /href="(\/build\/[^"]+\.css)"/.exec(html)?.[1];
    expect(asset).toBeTruthy();
    const res = await fetch(`${server.url}${asset}`, { headers: { "Accept-Encoding": "gzip" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("content-encoding")).toBe("gzip");
    const page = await fetch(`${server.url}/login`, { headers: { "Accept-Encoding": "gzip" } });
    expect(page.headers.get("content-encoding")).toBe("gzip");
    const icon = await fetch(`${server.url}/favicon.ico`, { headers: { "Accept-Encoding": "gzip" } });
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toMatch(/image\//);
    expect(icon.headers.get("content-encoding")).toBeNull();
  });

  test("one JSON log line per request; a 404 logs no stack trace; a cross-site post is a 403, not a 500", async () => {
    const marker = `/no-such-page-${Date.now()}`;
    expect((await fetch(`${server.url}${marker}`)).status).toBe(404);
    const crossSite = await post(`${server.url}/login`, "csrf=x", { Origin: "http://evil.example" });
    expect(crossSite.status).toBe(403);
    const opaque = await post(`${server.url}/login`, "csrf=x", { Origin: "null" });
    expect(opaque.status).toBe(403);
    await expect.poll(() => server.log().includes(marker)).toBe(true);
    const lines = server
      .log()
      .split("\n")
      .filter((l) => l.includes(marker));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: "info", method: "GET", path: marker, status: 404 });
    expect(server.log()).not.toMatch(/\n\s+at .+:\d+:\d+\)?/);
  });

  test("SIGTERM: finishes, closes the database and exits 0; the same data directory opens again", async () => {
    const child = server.process;
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(server.log()).toContain('"msg":"stopped"');
    const again = await startOwnServer({ port: BASE_PORT + 21, dataDir: server.dataDir });
    try {
      expect((await fetch(`${again.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${again.url}/login`)).status).toBe(200);
      // The sign-in limits live in the database: the address blocked above is still blocked.
      expect(await signInAttempt(again.url, E2E_ADMIN.email, E2E_ADMIN.password)).toBe(429);
    } finally {
      await again.stop();
    }
  });
});

test.describe("server.js behind one proxy (TRUST_PROXY=1)", () => {
  let server: OwnServer;
  test.beforeAll(async () => {
    server = await startOwnServer({ port: BASE_PORT + 22, env: { TRUST_PROXY: "1" } });
    await setupAdmin(server.url);
  });
  test.afterAll(async () => server?.dispose());

  test("the address is the hop the proxy appended: a forged first hop does not rotate it", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      statuses.push(await signInAttempt(server.url, `sprayed${i}@e2e.test`, "wrong-password-1", `10.${i}.0.1, 203.0.113.7`));
    }
    expect(statuses[20]).toBe(429);
    // Another client behind the same proxy is not affected.
    expect(await signInAttempt(server.url, E2E_ADMIN.email, E2E_ADMIN.password, "203.0.113.8")).toBe(302);
  });

  test("strangers' wrong passwords from many addresses do not lock the owner out", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push(await signInAttempt(server.url, E2E_ADMIN.email, `guess-${i}-password`, `192.0.2.${10 + i}`));
    expect(statuses).toEqual([401, 401, 401, 401]);
    // Six failures from one stranger's address block that pair…
    for (let i = 0; i < 5; i++) await signInAttempt(server.url, E2E_ADMIN.email, `again-${i}-password`, "192.0.2.99");
    expect(await signInAttempt(server.url, E2E_ADMIN.email, E2E_ADMIN.password, "192.0.2.99")).toBe(429);
    // …but the owner, from their own address, gets in (after a short, growing wait).
    expect(await signInAttempt(server.url, E2E_ADMIN.email, E2E_ADMIN.password, "198.51.100.23")).toBe(302);
  });

  test("X-Forwarded-Proto from the trusted proxy makes the cookie Secure", async () => {
    const res = await fetch(`${server.url}/login`, { headers: { "X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.50" } });
    expect(res.headers.get("set-cookie")).toMatch(/; Secure/);
    expect(res.headers.get("strict-transport-security")).toMatch(/max-age=/);
  });
});
