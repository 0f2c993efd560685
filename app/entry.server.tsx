import { PassThrough } from "node:stream";

import type { EntryContext, HandleDataRequestFunction, HandleErrorFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { NonceContext } from "~/components/nonce";
import { applySecurityHeaders, createNonce } from "~/lib/server/http/security-headers.server";
import { getConfig } from "~/lib/server/http/config.server";
import { closeDb, getDb } from "~/lib/server/db/connection.server";
import { getStorage } from "~/lib/server/storage/connection.server";
import { startAdminSocket } from "~/lib/server/admin/socket.server";
import { startOrphanSweeper } from "~/lib/server/repositories/upload-sweep.server";

// Start-up: a bad environment stops the server here (ConfigError names each variable), and the
// database is opened and migrated (and the upload store swept of a crash's temp files) before the
// first request instead of during it.
getConfig();
getDb().catch((error: Error) => console.error(`database not ready: ${error.message}`));
getStorage().catch((error: Error) => console.error(`storage not ready: ${error.message}`));
// The admin CLI reaches the embedded database through this process (docs/deployment.md).
startAdminSocket().catch((error: Error) => console.error(`admin socket not ready: ${error.message}`));
// Original files no session points to (a crash between file and commit): now, then every 15 min.
const stopSweeper = startOrphanSweeper(async () => ({ db: await getDb(), storage: await getStorage() }));

/** For server.js: where to listen and how many proxies to trust, from the validated configuration. */
export function serverOptions(): { port: number; host?: string; trustProxy: number } {
  const config = getConfig();
  return { port: config.PORT, host: config.HOST, trustProxy: config.TRUST_PROXY };
}

/** For server.js, once it stopped accepting and the requests in flight are done. */
export async function shutdown(): Promise<void> {
  stopSweeper();
  await closeDb();
}

/**
 * Remix's error log: one JSON line, and none for what is no server error — an unknown URL or
 * method (404/405), a thrown 4xx, or a request the client gave up on.
 */
export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted) return;
  if (isRouteErrorResponse(error) && error.status < 500) return;
  const e = error instanceof Error ? error : new Error(String(error));
  const url = new URL(request.url);
  // Remix's own "Warning: …" notes (a client asking `?_data` of a single-fetch app) are no failure.
  const warning = e.message.startsWith("Warning:");
  const line = {
    time: new Date().toISOString(),
    level: warning ? "warn" : "error",
    method: request.method,
    path: url.pathname,
    error: e.message,
  };
  process.stdout.write(`${JSON.stringify(warning ? line : { ...line, stack: e.stack })}\n`);
};

const ABORT_DELAY = 5_000;

/**
 * Remix's default Node entry (isbot: bots get the whole document at once, browsers a stream),
 * plus the security headers on every document: a per-response CSP nonce handed to the React tree
 * so <Scripts/> and <ScrollRestoration/> can run under `script-src 'nonce-…'`.
 */
export default function handleRequest(request: Request, responseStatusCode: number, responseHeaders: Headers, remixContext: EntryContext) {
  const nonce = createNonce();
  applySecurityHeaders(responseHeaders, request, nonce);
  const waitForAll = isbot(request.headers.get("user-agent") ?? "") || remixContext.isSpaMode;

  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const onReady = () => {
      shellRendered = true;
      const body = new PassThrough();
      const stream = createReadableStreamFromReadable(body);
      responseHeaders.set("Content-Type", "text/html; charset=utf-8");
      resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
      pipe(body);
    };
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceContext.Provider>,
      {
        nonce,
        ...(waitForAll ? { onAllReady: onReady } : { onShellReady: onReady }),
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors in the initial shell reject and are logged by Remix; log only later ones.
          if (shellRendered) console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

/** Loader/action data requests (single fetch) get the same non-document headers. */
export const handleDataRequest: HandleDataRequestFunction = (response, { request }) => {
  applySecurityHeaders(response.headers, request);
  return response;
};
