/**
 * Helpers for the auth and access integration tests: point the app's `getDb()` at the test
 * database, call route loaders/actions directly with a Request, and read their answers.
 */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll } from "vitest";
import type { Db } from "~/lib/server/db/types.server";
import type { TestDatabase } from "../support/databases";

// Config is read once per process: settle it before any app module asks.
process.env.SESSION_SECRET ??= "integration-test-session-secret-0123456789abcdef";
process.env.DATA_DIR ??= mkdtempSync(path.join(os.tmpdir(), "ghostly-auth-data-"));

/**
 * Makes `getDb()` (db/connection.server.ts keeps the process database on globalThis under this symbol)
 * answer with the suite's test database, so routes run unchanged against both drivers.
 */
export function useAsAppDb(t: TestDatabase): void {
  beforeAll(() => {
    (globalThis as Record<symbol, unknown>)[Symbol.for("ghostly.db")] = Promise.resolve<Db>(t.db);
  });
}

export const BASE = "http://app.test";

type Handler = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => unknown;

export interface Answer {
  status: number;
  headers: Headers;
  /** Parsed JSON / plain data of the answer when there is one. */
  body: unknown;
  location: string | null;
}

/** Calls a loader or action and normalises what it returns or throws (Response, data(), plain value). */
export async function invoke(
  handler: Handler | undefined,
  request: Request,
  params: Record<string, string> = {},
  context: Record<string, unknown> = {},
): Promise<Answer> {
  if (!handler) throw new Error(`no handler for ${request.method} ${request.url}`);
  let result: unknown;
  try {
    result = await handler({ request, params, context });
  } catch (thrown) {
    result = thrown;
    if (!(thrown instanceof Response) && !isData(thrown)) {
      // Repository errors carry their HTTP status (NotFoundError 404, ForbiddenError 403 …).
      const status = (thrown as { status?: unknown })?.status;
      if (typeof status === "number") return { status, headers: new Headers(), body: String(thrown), location: null };
      throw thrown;
    }
  }
  if (result instanceof Response) {
    const type = result.headers.get("Content-Type") ?? "";
    const text = await result.text();
    let body: unknown = text;
    if (type.includes("json") && text) body = JSON.parse(text);
    return { status: result.status, headers: result.headers, body, location: result.headers.get("Location") };
  }
  if (isData(result)) {
    const headers = new Headers(result.init?.headers);
    return { status: result.init?.status ?? 200, headers, body: result.data, location: headers.get("Location") };
  }
  return { status: 200, headers: new Headers(), body: result, location: null };
}

function isData(value: unknown): value is { type: "DataWithResponseInit"; data: unknown; init: ResponseInit | null } {
  return typeof value === "object" && value !== null && (value as { type?: unknown }).type === "DataWithResponseInit";
}

/**
 * A browser: a cookie jar and the CSRF token of its session, and the network address it calls
 * from (what the server entry puts in the load context as `clientAddress`; none by default).
 */
export class Browser {
  cookie: string | null = null;
  csrf: string | null = null;

  constructor(
    readonly headers: Record<string, string> = {},
    readonly address: string | null = null,
  ) {}

  /** The load context the server entry would give this browser's requests. */
  get context(): Record<string, unknown> {
    return this.address ? { clientAddress: this.address } : {};
  }

  /** Takes the cookie from a Set-Cookie header (only the name=value part is sent back). */
  absorb(answer: Answer): void {
    const set = answer.headers.get("Set-Cookie");
    if (!set) return;
    const pair = set.split(";")[0];
    const expired = /Expires=Thu, 01 Jan 1970/i.test(set) || /Max-Age=0/i.test(set);
    this.cookie = expired ? null : pair;
  }

  get(pathname: string, extra: Record<string, string> = {}): Request {
    return new Request(BASE + pathname, { headers: this.requestHeaders(extra) });
  }

  post(pathname: string, fields: Record<string, string>, extra: Record<string, string> = {}): Request {
    const form = new URLSearchParams(fields);
    return new Request(BASE + pathname, {
      method: "POST",
      body: form,
      headers: { ...this.requestHeaders(extra), "Content-Type": "application/x-www-form-urlencoded" },
    });
  }

  private requestHeaders(extra: Record<string, string>): Record<string, string> {
    return { ...this.headers, ...(this.cookie ? { Cookie: this.cookie } : {}), ...extra };
  }
}

type RouteModule = { loader?: unknown; action?: unknown };

/** Opens a page the way the browser does: runs the root loader (cookie + CSRF token) then the page's. */
export async function visit(
  browser: Browser,
  root: RouteModule,
  page: RouteModule | null,
  pathname: string,
  params: Record<string, string> = {},
): Promise<{ root: Answer; page: Answer | null }> {
  const rootAnswer = await invoke(root.loader as Handler, browser.get(pathname), {}, browser.context);
  browser.absorb(rootAnswer);
  if (rootAnswer.status === 200) browser.csrf = (rootAnswer.body as { csrf: string }).csrf;
  if (rootAnswer.status !== 200 || !page?.loader) return { root: rootAnswer, page: null };
  const pageAnswer = await invoke(page.loader as Handler, browser.get(pathname), params, browser.context);
  browser.absorb(pageAnswer);
  return { root: rootAnswer, page: pageAnswer };
}

/** Submits a form to a route's action, with the browser's CSRF token unless `fields.csrf` is given. */
export async function submit(
  browser: Browser,
  route: RouteModule,
  pathname: string,
  fields: Record<string, string>,
  extraHeaders: Record<string, string> = {},
  params: Record<string, string> = {},
): Promise<Answer> {
  const answer = await invoke(
    route.action as Handler,
    browser.post(pathname, { csrf: browser.csrf ?? "", ...fields }, extraHeaders),
    params,
    browser.context,
  );
  browser.absorb(answer);
  return answer;
}
