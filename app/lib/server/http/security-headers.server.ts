import { randomBytes } from "node:crypto";
import { isHttpsRequest } from "~/lib/server/auth/cookie-session.server";

/** A fresh per-response nonce for the inline scripts Remix renders (hydration context, scroll restoration). */
export function createNonce(): string {
  return randomBytes(16).toString("base64");
}

/**
 * The document CSP. Scripts: our bundles plus nonce'd inline scripts only. Styles allow inline
 * attributes (React `style` props, uPlot) — see docs/decisions/031-content-security-policy.md.
 * Framing is refused (frame-ancestors 'none'): nobody can overlay our forms (clickjacking).
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** For non-HTML answers (data, JSON, CSV): nothing may run or be framed. */
export const NON_DOCUMENT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/** Sets the security headers on a response's headers; `nonce` only for HTML documents. */
export function applySecurityHeaders(headers: Headers, request: Request, nonce?: string): Headers {
  headers.set("Content-Security-Policy", nonce ? contentSecurityPolicy(nonce) : NON_DOCUMENT_CSP);
  headers.set("X-Content-Type-Options", "nosniff");
  // Session ids appear in our URLs: never send paths to other sites.
  headers.set("Referrer-Policy", "same-origin");
  headers.set("X-Frame-Options", "DENY");
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
  if (isHttpsRequest(request)) headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  // Pages and their data show health data: no shared or disk cache keeps a copy (a route may choose otherwise).
  if (!headers.has("Cache-Control")) headers.set("Cache-Control", "private, no-store");
  return headers;
}

/** For resource routes (entry.server does not see them): `return withSecurityHeaders(request, response)`. */
export function withSecurityHeaders(request: Request, response: Response): Response {
  applySecurityHeaders(response.headers, request);
  return response;
}

/**
 * Resource routes (`/api/*`, `/healthz`): entry.server never sees their answers, so each one's
 * loader/action runs through this, which sets the non-document headers on whatever Response it
 * returns or throws (a thrown 401/403 from the permission checks included).
 */
export function secureResource<Args extends { request: Request }>(
  handler: (args: Args) => Response | Promise<Response>,
): (args: Args) => Promise<Response> {
  return async (args) => {
    try {
      return withSecurityHeaders(args.request, await handler(args));
    } catch (thrown) {
      if (thrown instanceof Response) throw withSecurityHeaders(args.request, thrown);
      throw thrown;
    }
  };
}
