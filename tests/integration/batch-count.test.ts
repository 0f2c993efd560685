/**
 * The cohort page's row count against what the batch export streams for the same filters: the
 * sessions the stream yields and the contractions they carry, per caller scope, patient and dates.
 */
import path from "node:path";
import { beforeAll, expect, it } from "vitest";
import type { Caller } from "~/lib/server/auth/caller.server";
import { ValidationError } from "~/lib/server/errors.server";
import type { RepositoryOptions } from "~/lib/server/repositories/options.server";
import { countBatch } from "~/lib/server/repositories/sessions/count.server";
import { streamSessions } from "~/lib/server/repositories/sessions/stream.server";
import type { SessionFilters } from "~/lib/server/repositories/sessions/types.server";
import { storeAnalysis } from "~/lib/server/repositories/sessions/write.server";
import { createFileStorage } from "~/lib/server/storage/blobs.server";
import { buildAnalysis, fakeC3dBytes } from "../support/analysis";
import { forEachDriver } from "../support/databases";
import { insertUser } from "../support/users";

forEachDriver("batch row count", (t) => {
  let therapistA: Caller;
  let therapistB: Caller;
  let researcher: Caller;
  let options: RepositoryOptions;

  beforeAll(async () => {
    therapistA = await insertUser(t.db, "therapist");
    therapistB = await insertUser(t.db, "therapist");
    researcher = await insertUser(t.db, "researcher");
    options = { db: t.db, storage: createFileStorage(path.join(t.tempDir, "uploads")) };
    const store = (caller: Caller, patientCode: string, recordedAt: string) => {
      const bytes = fakeC3dBytes();
      return storeAnalysis(caller, { patientCode, analysis: buildAnalysis(bytes, { recordedAt }), bytes }, options);
    };
    await store(therapistA, "P101", "2024-01-10T10:00:00");
    await store(therapistA, "P101", "2024-02-10T10:00:00");
    await store(therapistA, "P102", "2024-03-10T10:00:00");
    await store(therapistB, "P201", "2024-02-20T10:00:00");
  });

  /** What the batch export would stream: sessions and the contraction rows of the contractions CSV. */
  async function streamed(caller: Caller, filters: SessionFilters) {
    let sessions = 0;
    let contractions = 0;
    for await (const s of streamSessions(caller, filters, options)) {
      sessions += 1;
      contractions += s.contractions.length;
    }
    return { sessions, contractions };
  }

  const cases: [string, () => Caller, SessionFilters, number][] = [
    ["therapist A, everything", () => therapistA, {}, 3],
    ["therapist A, one patient", () => therapistA, { patientCode: "P101" }, 2],
    ["therapist A, February", () => therapistA, { from: "2024-02-01", to: "2024-02-29" }, 1],
    ["therapist B, another's patient", () => therapistB, { patientCode: "P101" }, 0],
    ["researcher, everything", () => researcher, {}, 4],
    ["researcher, February", () => researcher, { from: "2024-02-01", to: "2024-02-29" }, 2],
  ];
  for (const [name, who, filters, expected] of cases) {
    it(`${name}: the count equals the stream`, async () => {
      const count = await countBatch(who(), filters, options);
      expect(count.sessions).toBe(expected);
      expect(count).toEqual(await streamed(who(), filters));
      // 23 contractions per session in the hand-built analysis (11 left + 12 right).
      expect(count.contractions).toBe(23 * expected);
    });
  }

  it("a bad date is the filter's own 422, naming the field", async () => {
    await expect(countBatch(therapistA, { from: "2024-13-01" }, options)).rejects.toBeInstanceOf(ValidationError);
  });
});
