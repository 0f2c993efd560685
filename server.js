// @ts-check
/**
 * The production server: Express with Remix's request handler (docs/decisions/039-trusted-proxies-and-sign-in-limits.md
 * for the address rules). What it adds around the app:
 * - the client address for the app (`context.clientAddress`): the socket's peer, or, with
 *   TRUST_PROXY=N, the address N hops back in X-Forwarded-For (Express's `trust proxy`, which also
 *   decides whether X-Forwarded-Proto/-Host shape the request URL);
 * - fingerprinted build assets served with immutable caching, `public/` (favicon) for an hour;
 * - compression of text answers only (HTML, JSON, CSV, JS, CSS, SVG), never of C3D or images;
 * - one JSON log line per request (no stack traces for answers below 500);
 * - a 403 instead of Remix's 500 for cross-origin form posts, a 400 for a URL it cannot parse or
 *   a pre-single-fetch `?_data` request;
 * - a connection that still has an unread body is closed after the answer (413 on a huge body);
 * - graceful shutdown on SIGTERM/SIGINT: stop accepting, finish the requests in flight, close the
 *   database, exit.
 * Usage: `node server.js [build/index.js]` (npm start / npm run serve). PORT, HOST and TRUST_PROXY
 * come from the app's validated configuration.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import compression from "compression";
import express from "express";
import { createRequestHandler } from "@remix-run/express";
import { broadcastDevReady, installGlobals } from "@remix-run/node";

installGlobals({ nativeFetch: true });

/** @param {Record<string, unknown>} fields */
function log(fields) {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...fields })}\n`);
}

const buildPath = path.resolve(process.argv[2] ?? "build/index.js");
/** @type {import("@remix-run/node").ServerBuild} */
const build = await import(pathToFileURL(buildPath).href);
/**
 * What entry.server.tsx exports for this file besides Remix's own entry points.
 * @type {{ serverOptions(): { port: number; host?: string; trustProxy: number }; shutdown(): Promise<void> }}
 */
const app_ = /** @type {any} */ (build.entry.module);
const { port, host, trustProxy } = app_.serverOptions();

const app = express();
app.disable("x-powered-by");
// 0 trusts no proxy: req.ip is the socket's peer and forwarding headers are ignored.
app.set("trust proxy", trustProxy);

app.use((req, res, next) => {
  const started = process.hrtime.bigint();
  res.once("close", () => {
    const length = res.getHeader("content-length");
    log({
      level: res.statusCode >= 500 ? "error" : "info",
      method: req.method,
      // The path as requested (a mounted middleware sees it shortened), never the query: it may carry patient codes.
      path: req.originalUrl.split("?")[0],
      status: res.statusCode,
      ms: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
      ...(length !== undefined ? { bytes: Number(length) } : {}),
      address: req.ip,
      ...(res.writableFinished ? {} : { aborted: true }),
    });
  });
  // An answer sent before the body has arrived (a 413 on a huge body): close the connection after
  // it rather than wait for, or parse as a next request, the rest of the body.
  const writeHead = res.writeHead;
  res.writeHead = /** @type {typeof res.writeHead} */ (
    function (/** @type {any[]} */ ...args) {
      if (!req.complete) res.shouldKeepAlive = false;
      return writeHead.apply(res, /** @type {any} */ (args));
    }
  );
  next();
});

const TEXT = /^(text\/|application\/(json|javascript|xml|[\w.+-]*\+(json|xml))|image\/svg\+xml)/i;
app.use(
  compression({
    filter: (req, res) => TEXT.test(String(res.getHeader("Content-Type") ?? "")) && compression.filter(req, res),
  }),
);

app.use(build.publicPath, express.static(build.assetsBuildDirectory, { immutable: true, maxAge: "1y", index: false }));
app.use(express.static("public", { maxAge: "1h", index: false }));

/**
 * Remix refuses an action request (any method but GET) whose Origin names another host than
 * Host (or X-Forwarded-Host) by throwing, which answers 500. The same refusal, as the 403 it is.
 */
app.use((req, res, next) => {
  // Single fetch sends every method but GET to the action, HEAD included, and checks it there.
  if (req.method === "GET") return next();
  const origin = req.get("origin");
  if (origin === undefined) return next();
  let originHost = origin;
  if (origin !== "null") {
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = "";
    }
  }
  const host = req.get("x-forwarded-host")?.split(",")[0]?.trim() || req.get("host");
  if (host && originHost === host) return next();
  res.status(403).type("text/plain").send("Cross-site form posts are refused: the Origin header names another site.");
});

/**
 * `?_data=` is the data protocol from before single fetch; this app's client never sends it, and
 * Remix 2.17 crashes (500) answering it for a loader that returns null. Refused as the 400 it is.
 */
app.use((req, res, next) => {
  if (!new URLSearchParams(req.originalUrl.split("?")[1] ?? "").has("_data")) return next();
  res.status(400).type("text/plain").send("`_data` requests are not supported: this app loads data through single fetch (`.data` URLs).");
});

app.all(
  "*",
  createRequestHandler({
    build,
    mode: process.env.NODE_ENV,
    getLoadContext: (req) => ({ clientAddress: req.ip ?? req.socket.remoteAddress }),
  }),
);

/** @type {import("express").ErrorRequestHandler} */
const onError = (error, req, res, _next) => {
  // express.static's "malformed URI" (400), and the URL Remix's adapter cannot build from Host.
  const status =
    Number(error?.status ?? error?.statusCode) || (error instanceof TypeError && /invalid url/i.test(error.message) ? 400 : 500);
  if (status >= 500)
    log({
      level: "error",
      method: req.method,
      path: req.originalUrl.split("?")[0],
      error: String(error?.message ?? error),
      stack: error?.stack,
    });
  if (res.headersSent) return void res.destroy();
  res
    .status(status)
    .type("text/plain")
    .send(status >= 500 ? "Internal server error." : "Bad request: the URL or its Host header cannot be read.");
};
app.use(onError);

const server = host ? app.listen(port, host, onListen) : app.listen(port, onListen);

function onListen() {
  log({ level: "info", msg: "listening", url: `http://${host ?? "localhost"}:${port}`, trustProxy });
  if (process.env.NODE_ENV === "development") void broadcastDevReady(build);
}

let stopping = false;
/** @param {NodeJS.Signals} signal */
function stop(signal) {
  if (stopping) return;
  stopping = true;
  log({ level: "info", msg: "stopping", signal });
  // Requests in flight get 10 s to finish; idle keep-alive connections close at once.
  const force = setTimeout(() => server.closeAllConnections(), 10_000);
  force.unref();
  server.close(() => {
    app_
      .shutdown()
      .catch((/** @type {Error} */ error) => log({ level: "error", msg: "shutdown", error: error.message }))
      .finally(() => {
        log({ level: "info", msg: "stopped" });
        process.exit(0);
      });
  });
  server.closeIdleConnections();
}
for (const signal of /** @type {const} */ (["SIGTERM", "SIGINT"])) process.once(signal, () => stop(signal));
