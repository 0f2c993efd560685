/**
 * Makes the next getConfig() re-read process.env: the server validates its configuration once per
 * process and keeps it under this global key (app/lib/server/http/config.server.ts).
 */
export function resetConfig(): void {
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("ghostly.config")];
}
