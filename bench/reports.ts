/**
 * `npm run bench -- reports [--runs 30] [--sessions 10000] [--driver pglite|postgres|both]`
 *
 * 1. PDF session report: render time of `renderSessionReportPdf` for the export (with its
 *    envelopes) of Ghostly_Emg_20230321_17-23-09-0409.c3d and of the 2.87 MB
 *    Ghostly_Emg_20230321_17-50-17-0881.c3d — median and p90 over `runs` after warm-up, the first
 *    render of the process (cold: fonts, JIT) separately (goal: median < 300 ms); the xlsx session
 *    workbook likewise;
 * 2. batch workbook of N sessions (default 10,000): one real session stored through the repository
 *    and N−1 SQL copies (bench/export.ts `cloneSessions`), then GET /api/export/sessions?format=xlsx's
 *    server code (`batchWorkbookResponse`) in a child process that only opens the database and
 *    streams the workbook to a byte counter: rows/s, MB, and the child's peak RSS (VmHWM), also its
 *    RSS before the export (goal: peak RSS < 300 MB).
 * Prints numbers; asserts nothing.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { analyzeUploadForExport, analyzeC3d, parseAnalysisOptions } from "~/lib/analysis";
import { buildSessionExport } from "~/lib/export";
import { renderSessionReportPdf, renderSessionWorkbook } from "~/lib/reports";
import { createDb } from "~/lib/server/db/connection.server";
import { storeAnalysis } from "~/lib/server/repositories/sessions/write.server";
import { createFileStorage } from "~/lib/server/storage/blobs.server";
import { startPostgres, type PostgresServer } from "../tests/support/postgres";
import { cloneSessions } from "./export";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const FIXTURES = ["Ghostly_Emg_20230321_17-23-09-0409.c3d", "Ghostly_Emg_20230321_17-50-17-0881.c3d"];
const SETTING = { rpe_post_session: "5", bfr_pressure_aop: "50", game_points_max: "30" };

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

async function timeMs<T>(fn: () => Promise<T>, runs: number): Promise<{ cold: number; median: number; p90: number; first: T }> {
  let t0 = performance.now();
  const first = await fn();
  const cold = performance.now() - t0;
  for (let i = 0; i < 3; i++) await fn(); // warm-up (JIT, font metrics)
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return { cold, median: quantile(samples, 0.5), p90: quantile(samples, 0.9), first };
}

const ms = (v: number) => v.toFixed(1).padStart(7);

async function renderBench(runs: number): Promise<void> {
  console.log(`# PDF session report and xlsx session workbook (render only, ${runs} runs)`);
  for (const file of FIXTURES) {
    const bytes = new Uint8Array(readFileSync(path.join(ROOT, "tests/fixtures/c3d", file)));
    const source = analyzeUploadForExport(bytes, { ...parseAnalysisOptions(SETTING), sourceFilename: file });
    const exp = buildSessionExport(
      { ...source, session: { ...(source.session as object), patient_code: "P900", session_code: "S-BENCH", therapist: "Bench" } },
      { now: new Date(), includeSignals: true },
    );
    const points = Object.values(exp.signals ?? {}).reduce((n, s) => n + s.envelope.values.length, 0);
    const pdf = await timeMs(() => renderSessionReportPdf(exp), runs);
    const xlsx = await timeMs(() => renderSessionWorkbook(exp), runs);
    console.log(`${file} (${(bytes.length / 1e6).toFixed(2)} MB, ${exp.contractions?.length} contractions, ${points} envelope points)`);
    console.log(
      `  pdf   cold ${ms(pdf.cold)} ms   median ${ms(pdf.median)} ms   p90 ${ms(pdf.p90)} ms   ${(pdf.first.length / 1024).toFixed(0)} KiB   (goal median < 300 ms)`,
    );
    console.log(
      `  xlsx  cold ${ms(xlsx.cold)} ms   median ${ms(xlsx.median)} ms   p90 ${ms(xlsx.p90)} ms   ${(xlsx.first.length / 1024).toFixed(0)} KiB`,
    );
  }
}

interface ChildResult {
  sessions: number;
  contractions: number;
  seconds: number;
  bytes: number;
  rssBeforeMb: number;
  peakRssMb: number;
  /** Largest V8 heap in use and largest Buffer memory seen (sampled every 50 ms). */
  peakHeapMb: number;
  peakBuffersMb: number;
}

function procStatusMb(field: "VmRSS" | "VmHWM"): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** The child: opens the seeded database, streams the batch workbook into a counter, prints JSON. */
async function child(dataDir: string, databaseUrl: string): Promise<void> {
  const db = await createDb(databaseUrl ? { databaseUrl } : { pgliteDir: path.join(dataDir, "pglite") });
  (globalThis as Record<symbol, unknown>)[Symbol.for("ghostly.db")] = Promise.resolve(db);
  const { batchWorkbookResponse } = await import("~/lib/server/reports.server");
  const { rows } = await db.query<{ id: string }>("select id from users where email = 'bench@example.org'");
  const counts = await db.query<{ s: number; c: number }>(
    "select (select count(*)::int from therapy_sessions) as s, (select count(*)::int from contractions) as c",
  );
  const rssBeforeMb = procStatusMb("VmRSS");
  let peakHeapMb = 0;
  let peakBuffersMb = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakHeapMb = Math.max(peakHeapMb, m.heapUsed / 1048576);
    peakBuffersMb = Math.max(peakBuffersMb, m.arrayBuffers / 1048576);
  }, 50);
  const t0 = performance.now();
  const answer = await batchWorkbookResponse({ userId: rows[0].id, role: "admin" }, {});
  let bytes = 0;
  for await (const chunk of answer.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const result: ChildResult = {
    sessions: counts.rows[0].s,
    contractions: counts.rows[0].c,
    seconds,
    bytes,
    rssBeforeMb,
    peakRssMb: procStatusMb("VmHWM"),
    peakHeapMb,
    peakBuffersMb,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await db.close?.();
}

async function batchBench(sessions: number, pg: PostgresServer | null): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "bench-reports-"));
  const databaseUrl = pg ? await pg.createDatabase() : "";
  try {
    const db = await createDb(pg ? { databaseUrl } : { pgliteDir: path.join(dataDir, "pglite") });
    const { rows } = await db.query<{ id: string }>(
      "insert into users (email, display_name, role) values ('bench@example.org', 'Bench', 'admin') returning id",
    );
    const caller = { userId: rows[0].id, role: "admin" as const };
    const bytes = new Uint8Array(readFileSync(path.join(ROOT, "tests/fixtures/c3d", FIXTURES[0])));
    const analysis = analyzeC3d(bytes, { ...parseAnalysisOptions(SETTING), sourceFilename: FIXTURES[0] });
    const { sessionId } = await storeAnalysis(
      caller,
      { patientCode: "P900", analysis, bytes },
      { db, storage: createFileStorage(path.join(dataDir, "uploads")) },
    );
    await cloneSessions(db, sessionId, sessions - 1);
    await db.close?.();

    const out = await new Promise<string>((resolve, reject) => {
      const p = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--child", dataDir, databaseUrl], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "inherit"],
      });
      let text = "";
      p.stdout.on("data", (c: Buffer) => (text += c.toString()));
      p.on("error", reject);
      p.on("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`batch child exited with ${code}`))));
    });
    const r = JSON.parse(out.trim().split("\n").pop() ?? "{}") as ChildResult;
    console.log(`# batch workbook, ${pg ? "PostgreSQL 15" : "PGlite"}: ${r.sessions} sessions, ${r.contractions} contractions`);
    console.log(
      `  ${r.seconds.toFixed(1)} s   ${(r.sessions / r.seconds).toFixed(0)} session rows/s   ${((r.sessions + r.contractions) / r.seconds).toFixed(0)} rows/s (both sheets)   ${(r.bytes / 1e6).toFixed(1)} MB xlsx`,
    );
    console.log(`  child RSS before the export ${r.rssBeforeMb.toFixed(0)} MB, peak ${r.peakRssMb.toFixed(0)} MB (goal peak < 300 MB)`);
    console.log(`  during the export: peak V8 heap in use ${r.peakHeapMb.toFixed(0)} MB, peak Buffers ${r.peakBuffersMb.toFixed(0)} MB`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export default async function bench(args: string[]): Promise<void> {
  const driver = args.includes("--driver") ? args[args.indexOf("--driver") + 1] : "pglite";
  if (!["pglite", "postgres", "both"].includes(driver)) throw new Error("--driver must be pglite, postgres or both");
  await renderBench(option(args, "runs", 30));
  const sessions = option(args, "sessions", 10_000);
  if (driver !== "postgres") await batchBench(sessions, null);
  if (driver !== "pglite") {
    const pg = await startPostgres();
    try {
      await batchBench(sessions, pg);
    } finally {
      await pg.stop();
    }
  }
}

if (process.argv[2] === "--child") await child(process.argv[3], process.argv[4] ?? "");
