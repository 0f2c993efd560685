/**
 * The job queue on PGlite and a real PostgreSQL: one claim per job even when workers claim at the
 * same time, a dead worker's job claimed again after its visibility timeout, failures retried after
 * an exponential backoff, a dead letter after the last attempt, an admin retry, and one job per
 * dedupe key.
 */
import { expect, it } from "vitest";
import { backoffMs, claimJob, completeJob, enqueueJob, failJob, listDeadJobs, retryDeadJob } from "~/lib/server/jobs/queue.server";
import { forEachDriver } from "../support/databases";

forEachDriver("job queue", (t) => {
  /** Moves a job's time forward instead of waiting for it. */
  const makeReady = (id: string) => t.db.query("UPDATE jobs SET run_at = now() - interval '1 second' WHERE id = $1", [id]);
  const expireClaim = (id: string) => t.db.query("UPDATE jobs SET locked_until = now() - interval '1 second' WHERE id = $1", [id]);

  it("hands each job to exactly one of many concurrent claims", async () => {
    const kind = `concurrent-${t.driver}`;
    for (let i = 0; i < 20; i++) await enqueueJob(t.db, kind, { i });
    const claims = await Promise.all(Array.from({ length: 30 }, (_, i) => claimJob(t.db, `w${i}`, { kinds: [kind] })));
    const ids = claims.filter((c) => c !== null).map((c) => c.id);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
  });

  it("gives a dead worker's job to the next worker after the visibility timeout, and ignores the late worker", async () => {
    const kind = `visibility-${t.driver}`;
    const job = await enqueueJob(t.db, kind, {});
    const first = await claimJob(t.db, "dies", { kinds: [kind], visibilityMs: 60_000 });
    expect(first?.id).toBe(job.id);
    expect(await claimJob(t.db, "second", { kinds: [kind] })).toBeNull();
    await expireClaim(job.id);
    const second = await claimJob(t.db, "second", { kinds: [kind] });
    expect(second?.id).toBe(job.id);
    expect(second?.attempts).toBe(2);
    expect(await completeJob(t.db, job, "dies")).toBe(false);
    expect(await completeJob(t.db, job, "second")).toBe(true);
    expect(await claimJob(t.db, "third", { kinds: [kind] })).toBeNull();
  });

  it("retries a failing job after 2 s, 4 s … and makes it a dead letter after its last attempt; an admin retry queues it again", async () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a))).toEqual([2000, 4000, 8000, 16000]);
    const kind = `failing-${t.driver}`;
    const job = await enqueueJob(t.db, kind, { file: "x.c3d" }, { maxAttempts: 3 });
    for (let attempt = 1; attempt <= 3; attempt++) {
      const claimed = await claimJob(t.db, "w", { kinds: [kind] });
      expect(claimed?.attempts).toBe(attempt);
      const state = await failJob(t.db, claimed!, "w", new Error(`boom ${attempt}`));
      expect(state).toBe(attempt < 3 ? "queued" : "dead");
      if (attempt < 3) {
        const { rows } = await t.db.query<{ wait: number }>(
          "SELECT extract(epoch FROM run_at - updated_at)::float8 AS wait FROM jobs WHERE id = $1",
          [job.id],
        );
        expect(rows[0].wait).toBeCloseTo(backoffMs(attempt) / 1000, 1);
        // Not ready before its backoff has passed.
        expect(await claimJob(t.db, "w", { kinds: [kind] })).toBeNull();
        await makeReady(job.id);
      }
    }
    const dead = (await listDeadJobs(t.db)).find((j) => j.id === job.id);
    expect(dead?.lastError).toBe("boom 3");
    expect(await claimJob(t.db, "w", { kinds: [kind] })).toBeNull();
    expect(await retryDeadJob(t.db, job.id)).toBe(true);
    const again = await claimJob(t.db, "w", { kinds: [kind] });
    expect(again?.id).toBe(job.id);
    expect(again?.attempts).toBe(1);
  });

  it("keeps one job per dedupe key", async () => {
    const kind = `dedupe-${t.driver}`;
    const a = await enqueueJob(t.db, kind, { n: 1 }, { dedupeKey: "incoming/P001/a.c3d@etag1" });
    const b = await enqueueJob(t.db, kind, { n: 2 }, { dedupeKey: "incoming/P001/a.c3d@etag1" });
    expect(b.id).toBe(a.id);
    const { rows } = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE kind = $1", [kind]);
    expect(rows[0].n).toBe(1);
  });
});
