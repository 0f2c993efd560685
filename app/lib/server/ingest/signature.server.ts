/**
 * Authenticating a storage event (POST /api/ingest/storage-event): the sender signs
 * `<timestamp>.<body>` with HMAC-SHA256 and the shared secret INGEST_WEBHOOK_SECRET, and sends
 * `X-Ghostly-Timestamp: <unix seconds>` and `X-Ghostly-Signature: sha256=<hex>`. The signature is
 * compared in constant time; a timestamp more than 5 minutes from now is refused, so a captured
 * request cannot be replayed later (and within the window the signature is remembered as seen).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const TIMESTAMP_HEADER = "X-Ghostly-Timestamp";
export const SIGNATURE_HEADER = "X-Ghostly-Signature";
export const MAX_SKEW_SECONDS = 5 * 60;

export type SignatureCheck = { ok: true; signature: string; timestamp: number } | { ok: false; status: 401; reason: string };

export function signStorageEvent(secret: string, timestamp: number, body: string): string {
  return "sha256=" + createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

export function verifyStorageEvent(secret: string, headers: Headers, body: string, nowMs = Date.now()): SignatureCheck {
  const stamp = headers.get(TIMESTAMP_HEADER);
  const sent = headers.get(SIGNATURE_HEADER);
  if (!stamp || !/^\d{1,12}$/.test(stamp)) return { ok: false, status: 401, reason: `${TIMESTAMP_HEADER} must be unix seconds.` };
  if (!sent || !/^sha256=[0-9a-f]{64}$/i.test(sent))
    return { ok: false, status: 401, reason: `${SIGNATURE_HEADER} must be sha256=<64 hex digits>.` };
  const timestamp = Number(stamp);
  const skew = Math.abs(nowMs / 1000 - timestamp);
  if (skew > MAX_SKEW_SECONDS) {
    return {
      ok: false,
      status: 401,
      reason: `${TIMESTAMP_HEADER} is ${Math.round(skew)} s from now; at most ${MAX_SKEW_SECONDS} s is accepted.`,
    };
  }
  const expected = Buffer.from(signStorageEvent(secret, timestamp, body).toLowerCase());
  const given = Buffer.from(sent.toLowerCase());
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, status: 401, reason: "The signature does not match the body and timestamp." };
  }
  return { ok: true, signature: sent.toLowerCase(), timestamp };
}
