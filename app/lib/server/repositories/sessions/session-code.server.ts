import { randomInt } from "node:crypto";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** S-<yyyymmdd of the recording (its wall-clock day), or today (UTC)>-<6 Crockford base32>, e.g. S-20240305-7K2QXM. */
export function newSessionCode(recordedAt: string | null, now = new Date()): string {
  const recordedDay = recordedAt?.match(/^(\d{4})-(\d{2})-(\d{2})/);
  const day = recordedDay ? recordedDay.slice(1).join("") : now.toISOString().slice(0, 10).replaceAll("-", "");
  let suffix = "";
  for (let i = 0; i < 6; i++) suffix += CROCKFORD[randomInt(32)];
  return `S-${day}-${suffix}`;
}
