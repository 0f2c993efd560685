/**
 * The object-created notifications we accept, reduced to the object keys they name:
 * S3 event notifications (`{ Records: [{ eventName: "ObjectCreated:Put", s3: { bucket, object: { key } } }] }`,
 * keys URL-encoded with + for spaces) and Supabase Storage database webhooks on storage.objects
 * (`{ type: "INSERT", table: "objects", schema: "storage", record: { bucket_id, name } }`).
 * Which keys become sessions: `<prefix>/P###/<name>.c3d` (the game's layout; the folder names the patient).
 */
import { isPatientCode, PATIENT_CODE_RULE } from "~/lib/policy";

export interface CreatedObject {
  key: string;
  /** An id the sender gives the event, when it gives one (used with the signature against replays). */
  eventId: string | null;
}

export type EventParse = { ok: true; objects: CreatedObject[] } | { ok: false; status: 400; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function parseStorageEvent(body: unknown): EventParse {
  if (!isRecord(body)) return { ok: false, status: 400, reason: "The body must be a JSON object." };
  if (Array.isArray(body.Records)) {
    const objects: CreatedObject[] = [];
    for (const [i, record] of body.Records.entries()) {
      if (!isRecord(record) || typeof record.eventName !== "string")
        return { ok: false, status: 400, reason: `Records[${i}].eventName is missing.` };
      if (!record.eventName.startsWith("ObjectCreated:")) continue;
      const key = isRecord(record.s3) && isRecord(record.s3.object) ? record.s3.object.key : undefined;
      if (typeof key !== "string" || key === "") return { ok: false, status: 400, reason: `Records[${i}].s3.object.key is missing.` };
      const sequencer = isRecord(record.s3) && isRecord(record.s3.object) ? record.s3.object.sequencer : undefined;
      objects.push({
        key: decodeURIComponent(key.replace(/\+/g, " ")),
        eventId: typeof sequencer === "string" ? `${key}@${sequencer}` : null,
      });
    }
    return { ok: true, objects };
  }
  if (body.table === "objects" && body.schema === "storage") {
    if (body.type !== "INSERT") return { ok: true, objects: [] };
    const record = body.record;
    if (!isRecord(record) || typeof record.name !== "string" || record.name === "")
      return { ok: false, status: 400, reason: "record.name is missing." };
    return { ok: true, objects: [{ key: record.name, eventId: typeof record.id === "string" ? record.id : null }] };
  }
  return { ok: false, status: 400, reason: "Not an S3 event notification (Records) nor a Supabase Storage webhook on storage.objects." };
}

/** The patient code a key names under `prefix`, or why it names none. */
export function patientOfKey(key: string, prefix: string): { code: string; name: string } | { reason: string } {
  const parts = key.split("/");
  const base = prefix.replace(/^\/+|\/+$/g, "");
  if (parts.length !== 3 || parts[0] !== base) return { reason: `"${key}" is not under ${base}/<patient code>/<name>.c3d.` };
  if (!/\.c3d$/i.test(parts[2])) return { reason: `"${parts[2]}" is not a C3D file: the name must end in .c3d.` };
  if (!isPatientCode(parts[1])) return { reason: `"${parts[1]}" is not a patient code: ${PATIENT_CODE_RULE}.` };
  return { code: parts[1], name: parts[2] };
}
