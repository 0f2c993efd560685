/**
 * The job queue: one table (`jobs`, migration 20261201000600) that PGlite and PostgreSQL both run
 * (docs/decisions/073-job-queue-in-postgres.md). A worker claims the oldest ready job with
 * `FOR UPDATE SKIP LOCKED`, so several workers on one PostgreSQL never take the same job; a claim
 * holds for `visibilityMs` — a worker that dies (SIGKILL) loses the job to the next claim after that;
 * a failure is retried after `backoffMs(attempt)`; after `max_attempts` the job is a dead letter
 * (shown at /admin/jobs, retried from there).
 */
import type { Queryable } from "~/lib/server/db/types.server";

export type JobState = "queued" | "running" | "done" | "dead";

export interface Job {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  runAt: Date;
  lastError: string | null;
}

interface JobRow {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  state: JobState;
  attempts: number;
  max_attempts: number;
  run_at: Date | string;
  last_error: string | null;
}

const COLUMNS = "id, kind, payload, state, attempts, max_attempts, run_at, last_error";

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    kind: row.kind,
    payload: row.payload,
    state: row.state,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    runAt: new Date(row.run_at),
    lastError: row.last_error,
  };
}

/** Seconds before retry `attempt` (1 = after the first failure): 2, 4, 8 … capped at an hour. */
export function backoffMs(attempt: number, baseMs = 2000): number {
  return Math.min(baseMs * 2 ** (attempt - 1), 3_600_000);
}

export interface EnqueueOptions {
  /** Same kind + key → the job already queued (or done) is returned, not a second one. */
  dedupeKey?: string;
  maxAttempts?: number;
  delayMs?: number;
}

export async function enqueueJob(
  db: Queryable,
  kind: string,
  payload: Record<string, unknown>,
  options: EnqueueOptions = {},
): Promise<Job> {
  const { rows } = await db.query<JobRow>(
    `INSERT INTO jobs (kind, payload, dedupe_key, max_attempts, run_at)
     VALUES ($1, $2::jsonb, $3, $4, now() + make_interval(secs => $5))
     ON CONFLICT (kind, dedupe_key) WHERE dedupe_key IS NOT NULL DO UPDATE SET updated_at = jobs.updated_at
     RETURNING ${COLUMNS}`,
    [kind, JSON.stringify(payload), options.dedupeKey ?? null, options.maxAttempts ?? 5, (options.delayMs ?? 0) / 1000],
  );
  return toJob(rows[0]);
}

/**
 * Claims one ready job for `workerId`: a queued job whose time has come, or a running one whose
 * claim expired (its worker died). The attempt is counted at the claim, so a job that keeps killing
 * its worker still ends as a dead letter.
 */
export async function claimJob(
  db: Queryable,
  workerId: string,
  options: { kinds?: string[]; visibilityMs?: number } = {},
): Promise<Job | null> {
  const { rows } = await db.query<JobRow>(
    `UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = $1,
            locked_until = now() + make_interval(secs => $2), updated_at = now()
     WHERE id = (
       SELECT id FROM jobs
       WHERE ((state = 'queued' AND run_at <= now()) OR (state = 'running' AND locked_until < now()))
         AND ($3::text[] IS NULL OR kind = ANY($3::text[]))
       ORDER BY run_at, created_at
       LIMIT 1
       FOR UPDATE SKIP LOCKED
     )
     RETURNING ${COLUMNS}`,
    [workerId, (options.visibilityMs ?? 60_000) / 1000, options.kinds ?? null],
  );
  return rows[0] ? toJob(rows[0]) : null;
}

/** Marks a claimed job done — only while `workerId` still holds it (a late worker changes nothing). */
export async function completeJob(db: Queryable, job: Pick<Job, "id">, workerId: string): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE jobs SET state = 'done', locked_until = NULL, updated_at = now() WHERE id = $1 AND state = 'running' AND locked_by = $2 RETURNING id`,
    [job.id, workerId],
  );
  return rows.length === 1;
}

/** Records a failure: back to the queue after the backoff, or a dead letter when no attempt is left. */
export async function failJob(
  db: Queryable,
  job: Pick<Job, "id" | "attempts" | "maxAttempts">,
  workerId: string,
  error: unknown,
): Promise<JobState | null> {
  const message = error instanceof Error ? error.message : String(error);
  const dead = job.attempts >= job.maxAttempts;
  const { rows } = await db.query<{ state: JobState }>(
    `UPDATE jobs SET state = $3, last_error = $4, locked_until = NULL, locked_by = NULL,
            run_at = now() + make_interval(secs => $5), updated_at = now()
     WHERE id = $1 AND state = 'running' AND locked_by = $2 RETURNING state`,
    [job.id, workerId, dead ? "dead" : "queued", message.slice(0, 2000), dead ? 0 : backoffMs(job.attempts) / 1000],
  );
  return rows[0]?.state ?? null;
}

export async function listDeadJobs(db: Queryable, limit = 100): Promise<Job[]> {
  const { rows } = await db.query<JobRow>(`SELECT ${COLUMNS} FROM jobs WHERE state = 'dead' ORDER BY updated_at DESC LIMIT $1`, [limit]);
  return rows.map(toJob);
}

/** An admin's retry of a dead letter: queued again now, with a fresh set of attempts. */
export async function retryDeadJob(db: Queryable, id: string): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE jobs SET state = 'queued', attempts = 0, run_at = now(), last_error = NULL, updated_at = now() WHERE id = $1 AND state = 'dead' RETURNING id`,
    [id],
  );
  return rows.length === 1;
}
