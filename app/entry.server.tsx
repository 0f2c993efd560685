import { PassThrough } from "node:stream";

import type { EntryContext, HandleDataRequestFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { NonceContext } from "~/components/nonce";
import { applySecurityHeaders, createNonce } from "~/lib/server/http/security-headers.server";
import { getConfig } from "~/lib/server/http/config.server";
import { closeDb, getDb } from "~/lib/server/db/connection.server";
import { getStorage } from "~/lib/server/storage/connection.server";
import { startAdminSocket } from "~/lib/server/admin/socket.server";

// Start-up: a bad environment stops the server here (ConfigError names each variable), and the
// database is opened and migrated (and the upload store swept of a crash's temp files) before the
// first request instead of during it.
getConfig();
getDb().catch((error: Error) => console.error(`database not ready: ${error.message}`));
getStorage().catch((error: Error) => console.error(`storage not ready: ${error.message}`));
// The admin CLI reaches the embedded database through this process (docs/deployment.md).
startAdminSocket().catch((error: Error) => console.error(`admin socket not ready: ${error.message}`));

// remix-serve stops listening on SIGTERM/SIGINT but an open database keeps the process alive for
// minutes. Close it and exit: a request cut short loses only its own uncommitted transaction.
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    closeDb()
      .catch((error: Error) => console.error(`closing the database: ${error.message}`))
      .finally(() => process.exit(0));
  });
}

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
