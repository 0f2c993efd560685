/**
 * The client's network address, as the server entry (server.js) found it: the socket's peer, or —
 * only with TRUST_PROXY=N — the address N hops back in X-Forwarded-For, which the N trusted
 * proxies in front of us appended (docs/decisions/039-trusted-proxies-and-sign-in-limits.md). Loaders and actions read
 * it from the Remix load context; a client's own forwarding headers are never read here.
 */
import type { AppLoadContext } from "@remix-run/node";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** Set by server.js for every request. */
    clientAddress?: string;
  }
}

/** "::ffff:192.0.2.1" (an IPv4 peer on a dual-stack socket) → "192.0.2.1". */
export function normaliseAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return (mapped ? mapped[1] : address).toLowerCase();
}

/** The address, or null when the request did not come through the server entry (tests, tools). */
export function clientAddress(context: AppLoadContext | undefined | null): string | null {
  const address = context?.clientAddress;
  return typeof address === "string" && address.length > 0 && address.length <= 64 ? normaliseAddress(address) : null;
}
