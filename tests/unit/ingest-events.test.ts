/**
 * Storage-event authentication and shapes: a correct HMAC over timestamp + body is accepted; a wrong
 * secret, a changed body, a stale or future timestamp and malformed headers are refused; S3 event
 * notifications and Supabase Storage webhooks both name their object keys; keys map to patients.
 */
import { describe, expect, it } from "vitest";
import { parseStorageEvent, patientOfKey } from "~/lib/server/ingest/events.server";
import { SIGNATURE_HEADER, signStorageEvent, TIMESTAMP_HEADER, verifyStorageEvent } from "~/lib/server/ingest/signature.server";

const SECRET = "ingest-secret-0123456789";
const NOW = 1_800_000_000_000;
const headers = (timestamp: number, signature: string) =>
  new Headers({ [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: signature });

describe("storage event signature", () => {
  const body = JSON.stringify({ Records: [] });
  const ts = NOW / 1000;
  it("accepts the signature of timestamp + body with the shared secret", () => {
    expect(verifyStorageEvent(SECRET, headers(ts, signStorageEvent(SECRET, ts, body)), body, NOW).ok).toBe(true);
  });
  it("refuses a wrong secret, a changed body and a signature of another timestamp", () => {
    expect(verifyStorageEvent(SECRET, headers(ts, signStorageEvent("other", ts, body)), body, NOW).ok).toBe(false);
    expect(verifyStorageEvent(SECRET, headers(ts, signStorageEvent(SECRET, ts, body)), body + " ", NOW).ok).toBe(false);
    expect(verifyStorageEvent(SECRET, headers(ts, signStorageEvent(SECRET, ts - 1, body)), body, NOW).ok).toBe(false);
  });
  it("refuses a timestamp more than 5 minutes away, either way, and accepts one just inside", () => {
    const stale = ts - 301;
    const future = ts + 301;
    expect(verifyStorageEvent(SECRET, headers(stale, signStorageEvent(SECRET, stale, body)), body, NOW)).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(verifyStorageEvent(SECRET, headers(future, signStorageEvent(SECRET, future, body)), body, NOW).ok).toBe(false);
    expect(verifyStorageEvent(SECRET, headers(ts - 299, signStorageEvent(SECRET, ts - 299, body)), body, NOW).ok).toBe(true);
  });
  it("names the header that is missing or malformed", () => {
    const r = verifyStorageEvent(SECRET, new Headers({ [SIGNATURE_HEADER]: "sha256=00" }), body, NOW);
    expect(r.ok === false && r.reason).toContain(TIMESTAMP_HEADER);
    const s = verifyStorageEvent(SECRET, headers(ts, "md5=abc"), body, NOW);
    expect(s.ok === false && s.reason).toContain(SIGNATURE_HEADER);
  });
});

describe("storage event shapes", () => {
  it("reads created objects of an S3 event notification (URL-encoded keys) and skips other events", () => {
    const parsed = parseStorageEvent({
      Records: [
        {
          eventName: "ObjectCreated:Put",
          s3: { bucket: { name: "b" }, object: { key: "incoming/P001/game+run%281%29.c3d", sequencer: "0A1" } },
        },
        { eventName: "ObjectRemoved:Delete", s3: { object: { key: "incoming/P001/old.c3d" } } },
      ],
    });
    expect(parsed).toEqual({
      ok: true,
      objects: [{ key: "incoming/P001/game run(1).c3d", eventId: "incoming/P001/game+run%281%29.c3d@0A1" }],
    });
  });
  it("reads a Supabase Storage webhook INSERT on storage.objects", () => {
    const parsed = parseStorageEvent({
      type: "INSERT",
      table: "objects",
      schema: "storage",
      record: { id: "u1", bucket_id: "b", name: "incoming/P002/a.c3d" },
    });
    expect(parsed).toEqual({ ok: true, objects: [{ key: "incoming/P002/a.c3d", eventId: "u1" }] });
  });
  it("refuses bodies that are neither, naming what is missing", () => {
    expect(parseStorageEvent([])).toMatchObject({ ok: false, status: 400 });
    expect(parseStorageEvent({ hello: 1 })).toMatchObject({ ok: false, status: 400 });
    const noKey = parseStorageEvent({ Records: [{ eventName: "ObjectCreated:Put", s3: { object: {} } }] });
    expect(noKey.ok === false && noKey.reason).toContain("Records[0].s3.object.key");
  });
  it("maps <prefix>/P###/<name>.c3d to the patient and says why other keys map to none", () => {
    expect(patientOfKey("incoming/P014/s.c3d", "incoming")).toEqual({ code: "P014", name: "s.c3d" });
    expect(patientOfKey("incoming/P014/s.txt", "incoming")).toHaveProperty("reason");
    expect(patientOfKey("incoming/bob/s.c3d", "incoming")).toHaveProperty("reason");
    expect(patientOfKey("other/P014/s.c3d", "incoming")).toHaveProperty("reason");
    expect(patientOfKey("incoming/P014/x/s.c3d", "incoming")).toHaveProperty("reason");
  });
});
