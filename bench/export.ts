/**
 * `npm run bench -- export [--sessions 10000] [--duration 10] [--connections 32] [--no-build] [--profile-server DIR]`
 *
 * 1. build + render of one stored session (a GHOSTLY fixture, stored and read back through the
 *    repository) to JSON and to CSV: median µs over many runs;
 * 2. HTTP: autocannon against GET /api/export/session/:id?format=csv on the BUILT server
 *    (server.js, temp DATA_DIR, seeded admin + API token) on loopback, and against a bare
 *    node:http server answering the same bytes: req/s, p50/p99 latency, and the ratio
 *    (goals: p99 < 20 ms, ≥ 40 % of bare req/s); then the same for two constant resource routes (no
 *    database, no auth), the ceiling the remix-serve/Remix request pipeline itself allows;
 * 3. batch CSV of N sessions through GET /api/export/sessions?format=csv: rows/s and the server's
 *    peak RSS during the request (goals ≥ 20,000 rows/s, RSS < 300 MB).
 * `--driver pglite|postgres|both` (default both): the embedded PGlite under a temp DATA_DIR, and/or a
 * throwaway real PostgreSQL server (tests/support/postgres.ts; DATABASE_URL for the server).
 * Prints numbers; asserts nothing.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { analyzeC3d, parseAnalysisOptions } from "~/lib/analysis";
import { buildSessionExport, renderJson, renderSessionCsv } from "~/lib/export";
import { createDb } from "~/lib/server/db/connection.server";
import { exportSourceFromStored } from "~/lib/server/export.server";
import { getSession } from "~/lib/server/repositories/sessions/read.server";
import { storeAnalysis } from "~/lib/server/repositories/sessions/write.server";
import { createFileStorage } from "~/lib/server/storage/blobs.server";
import { createApiToken } from "~/lib/server/auth/api-tokens.server";
import { startPostgres, type PostgresServer } from "../tests/support/postgres";

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number; average: number };
  errors: number;
  non2xx: number;
  timeouts: number;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const FIXTURE = "Ghostly_Emg_20230321_17-23-09-0409.c3d";

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeUs(fn: () => unknown, runs: number): number {
  for (let i = 0; i < Math.min(50, runs); i++) fn(); // warm-up (JIT)
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return median(samples);
}

/** Copies the seeded session n−1 times in SQL (no envelopes: a batch export does not read them). */
export async function cloneSessions(db: Awaited<ReturnType<typeof createDb>>, baseId: string, copies: number): Promise<void> {
  if (copies <= 0) return;
  await db.query(
    `insert into therapy_sessions (session_code, patient_id, therapist_id, recorded_at, source_filename, file_sha256,
       file_size_bytes, c3d_metadata, processing_status, processing_version, processing_parameters, session_parameters,
       scoring_configuration, data_completeness, game, warnings)
     select 'BENCH-' || g, patient_id, therapist_id, recorded_at - make_interval(mins => g), source_filename,
       lpad(to_hex(g), 64, '0'), file_size_bytes, c3d_metadata, processing_status, processing_version,
       processing_parameters, session_parameters, scoring_configuration, data_completeness, game, warnings
     from therapy_sessions, generate_series(1, $2::int) g where id = $1::uuid`,
    [baseId, copies],
  );
  const clones = `select id from therapy_sessions where session_code like 'BENCH-%'`;
  await db.query(
    `insert into channel_results (session_id, channel_id, position, label, side, timing_source, mvc_value, mvc_source,
       mvc_threshold, rms, mav, mpf, mdf, fatigue_index_fi_nsm5, target_duration_ms, contraction_count,
       good_contraction_count, intensity_compliant_count, duration_compliant_count, mean_duration_ms,
       shortest_duration_ms, longest_duration_ms, total_time_under_tension_ms, mean_peak_rms, max_peak_rms,
       duration_s, error, warnings)
     select s.id, c.channel_id, c.position, c.label, c.side, c.timing_source, c.mvc_value, c.mvc_source, c.mvc_threshold,
       c.rms, c.mav, c.mpf, c.mdf, c.fatigue_index_fi_nsm5, c.target_duration_ms, c.contraction_count,
       c.good_contraction_count, c.intensity_compliant_count, c.duration_compliant_count, c.mean_duration_ms,
       c.shortest_duration_ms, c.longest_duration_ms, c.total_time_under_tension_ms, c.mean_peak_rms, c.max_peak_rms,
       c.duration_s, c.error, c.warnings
     from channel_results c, (${clones}) s where c.session_id = $1::uuid`,
    [baseId],
  );
  await db.query(
    `insert into contractions (session_id, channel, index, start_ms, end_ms, duration_ms, peak_rms, mean_rms, percent_mvc,
       meets_intensity, meets_duration, is_good)
     select s.id, c.channel, c.index, c.start_ms, c.end_ms, c.duration_ms, c.peak_rms, c.mean_rms, c.percent_mvc,
       c.meets_intensity, c.meets_duration, c.is_good
     from contractions c, (${clones}) s where c.session_id = $1::uuid`,
    [baseId],
  );
  const { rows } = await db.query<{ column_name: string }>(
    `select column_name from information_schema.columns where table_name = 'performance_scores' and column_name <> 'session_id'`,
  );
  const cols = rows.map((r) => r.column_name).join(", ");
  await db.query(
    `insert into performance_scores (session_id, ${cols}) select s.id, ${cols} from performance_scores p, (${clones}) s where p.session_id = $1::uuid`,
    [baseId],
  );
}

async function waitForHealth(url: string, server: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server not healthy after ${timeoutMs} ms`);
}

function procStatus(pid: number, field: "VmRSS" | "VmHWM"): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** autocannon against a bare node:http server answering `body` with `headers`: the ceiling. */
async function bareServer(
  body: Buffer,
  headers: Record<string, string>,
  connections: number,
  duration: number,
  status = 200,
): Promise<AutocannonResult> {
  const bare = http.createServer((_req, res) => {
    res.writeHead(status, { ...headers, "content-length": body.length });
    res.end(body);
  });
  await new Promise<void>((r) => bare.listen(0, "127.0.0.1", r));
  try {
    return await autocannon({ url: `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`, connections, duration });
  } finally {
    await new Promise((r) => bare.close(r));
  }
}

export default async function bench(args: string[]): Promise<void> {
  const i = args.indexOf("--driver");
  const driver = i >= 0 ? args[i + 1] : "both";
  if (!["pglite", "postgres", "both"].includes(driver)) throw new Error("--driver must be pglite, postgres or both");
  if (!args.includes("--no-build")) execFileSync("npx", ["remix", "build"], { cwd: ROOT, stdio: "ignore" });
  if (driver !== "postgres") await benchDriver(args, null);
  if (driver !== "pglite") {
    const pg = await startPostgres();
    try {
      await benchDriver(args, pg);
    } finally {
      await pg.stop();
    }
  }
}

async function benchDriver(args: string[], pg: PostgresServer | null): Promise<void> {
  const sessions = option(args, "sessions", 10_000);
  const duration = option(args, "duration", 10);
  const connections = option(args, "connections", 32);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "bench-export-"));
  const databaseUrl = pg ? await pg.createDatabase() : "";
  let server: ChildProcess | undefined;
  console.log(`\n######## ${pg ? "PostgreSQL 15 (DATABASE_URL)" : "PGlite (embedded, DATA_DIR)"}`);
  try {
    // --- seed: admin, token, one real session stored through the repository, n−1 SQL copies
    const db = await createDb(pg ? { databaseUrl } : { pgliteDir: path.join(dataDir, "pglite") });
    const { rows } = await db.query<{ id: string }>(
      "insert into users (email, display_name, role) values ('bench@example.org', 'Bench', 'admin') returning id",
    );
    const caller = { userId: rows[0].id, role: "admin" as const };
    const { token } = await createApiToken(caller, "bench", { db });
    const bytes = new Uint8Array(readFileSync(path.join(ROOT, "tests/fixtures/c3d", FIXTURE)));
    const analysis = analyzeC3d(bytes, { ...parseAnalysisOptions({ rpe_post_session: "5" }), sourceFilename: FIXTURE });
    const options = { db, storage: createFileStorage(path.join(dataDir, "uploads")) };
    const { sessionId } = await storeAnalysis(caller, { patientCode: "P900", analysis, bytes }, options);
    const stored = await getSession(caller, sessionId, options);
    if (!stored) throw new Error("seeded session not found");

    // --- 1. build + render, pure
    const now = new Date();
    const source = exportSourceFromStored(stored);
    const exp = buildSessionExport(source, { now });
    const runs = 2000;
    console.log(
      `# export bench (${FIXTURE}: ${Object.keys(exp.channels ?? {}).length} channels, ${exp.contractions?.length} contractions)`,
    );
    console.log(`build                 median ${fmt(timeUs(() => buildSessionExport(source, { now }), runs))} µs`);
    console.log(`build + renderJson    median ${fmt(timeUs(() => renderJson(buildSessionExport(source, { now })), runs))} µs`);
    console.log(`build + renderCsv     median ${fmt(timeUs(() => renderSessionCsv(buildSessionExport(source, { now })), runs))} µs`);

    const t0 = performance.now();
    await cloneSessions(db, sessionId, sessions - 1);
    // A live database has planner statistics (autovacuum analyzes after bulk inserts). Without them
    // PostgreSQL guesses ~200 contractions per session and JIT-compiles every batch page (~20 ms).
    await db.query("analyze");
    console.log(`seeded ${sessions} sessions in ${fmt((performance.now() - t0) / 1000, 1)} s`);
    await db.close();

    // --- 2. HTTP on the built server vs bare node:http
    const port = await freePort();
    // --profile-server DIR: the server writes a V8 CPU profile there when it stops (node --cpu-prof).
    const p = args.indexOf("--profile-server");
    const profile = p >= 0 ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(args[p + 1])}`] : [];
    server = spawn(process.execPath, [...profile, path.join(ROOT, "server.js"), "build/index.js"], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
        DATA_DIR: dataDir,
        SESSION_SECRET: "bench-session-secret-0123456789abcdefghij",
        DATABASE_URL: databaseUrl,
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const base = `http://127.0.0.1:${port}`;
    await waitForHealth(`${base}/healthz`, server);
    const url = `${base}/api/export/session/${sessionId}?format=csv`;
    const headers = { Authorization: `Bearer ${token}` };
    const first = await fetch(url, { headers });
    const body = Buffer.from(await first.arrayBuffer());
    if (first.status !== 200) throw new Error(`export answered ${first.status}: ${body.toString()}`);
    const answerHeaders = Object.fromEntries(
      ["content-type", "content-disposition", "cache-control"].map((h) => [h, first.headers.get(h) ?? ""]),
    );
    for (let i = 0; i < 200; i++) await (await fetch(url, { headers })).arrayBuffer(); // warm-up

    const app = await autocannon({ url, connections, duration, headers });
    const plain = await bareServer(body, answerHeaders, connections, duration);
    const line = (name: string, r: AutocannonResult) =>
      `${name.padEnd(22)}${fmt(r.requests.average, 0).padStart(8)} req/s   p50 ${fmt(r.latency.p50)} ms   p99 ${fmt(r.latency.p99)} ms   errors ${r.errors + r.non2xx + r.timeouts}`;
    console.log(`\n# HTTP GET /api/export/session/:id?format=csv (${body.length} B), ${connections} connections, ${duration} s, loopback`);
    console.log(line("built app", app));
    console.log(line("bare node:http", plain));
    console.log(`ratio app/bare        ${fmt((100 * app.requests.average) / plain.requests.average)} %   (goal ≥ 40 %; p99 goal < 20 ms)`);

    // The floor the server itself sets: resource routes answering a constant string — no database,
    // no auth — through the same remix-serve process: GET /api/export (the upload route's loader:
    // a fixed 405 JSON, about the size of a small answer) and the JSON Schema (generated once, 57 KB).
    for (const [path, status] of [
      ["/api/export", 405],
      ["/api/export/schema.json", 200],
    ] as const) {
      const constUrl = `${base}${path}`;
      const constAnswer = await fetch(constUrl);
      const constBody = Buffer.from(await constAnswer.arrayBuffer());
      if (constAnswer.status !== status) throw new Error(`${path} answered ${constAnswer.status}`);
      const constHeaders = Object.fromEntries(
        ["content-type", "cache-control", "x-content-type-options"].flatMap((h) =>
          constAnswer.headers.has(h) ? [[h, constAnswer.headers.get(h)!]] : [],
        ),
      );
      for (let i = 0; i < 200; i++) await (await fetch(constUrl)).arrayBuffer(); // warm-up
      const constant = await autocannon({ url: constUrl, connections, duration });
      const constantBare = await bareServer(constBody, constHeaders, connections, duration, status);
      // A 405 is the expected answer here: only transport errors and timeouts count.
      const floorLine = (name: string, r: AutocannonResult) =>
        `${name.padEnd(22)}${fmt(r.requests.average, 0).padStart(8)} req/s   p50 ${fmt(r.latency.p50)} ms   p99 ${fmt(r.latency.p99)} ms   errors ${r.errors + r.timeouts}`;
      console.log(`\n# Remix request pipeline alone: GET ${path} (constant ${status}, ${constBody.length} B)`);
      console.log(floorLine("built app", constant));
      console.log(floorLine("bare node:http", constantBare));
      console.log(
        `ratio app/bare        ${fmt((100 * constant.requests.average) / constantBare.requests.average)} %   (the most a route of this size can reach)`,
      );
    }

    // --- 3. batch CSV of every session, streamed
    // fetch asks for gzip like pandas/requests do, so remix-serve's compression middleware deflates
    // the whole CSV; `identity` shows the export itself without that cost.
    const pid = server.pid!;
    for (const encoding of ["gzip, deflate", "identity"]) {
      const rssBefore = procStatus(pid, "VmRSS");
      writeFileSync(`/proc/${pid}/clear_refs`, "5"); // resets VmHWM (peak RSS) to the current RSS
      const b0 = performance.now();
      const batch = await fetch(`${base}/api/export/sessions?format=csv`, { headers: { ...headers, "Accept-Encoding": encoding } });
      let lines = 0;
      let bytesRead = 0;
      const reader = batch.body!.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        bytesRead += value.length;
        for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
      }
      const seconds = (performance.now() - b0) / 1000;
      const dataRows = lines - 1;
      console.log(
        `\n# batch GET /api/export/sessions?format=csv, Accept-Encoding: ${encoding} (status ${batch.status}, Content-Encoding: ${batch.headers.get("content-encoding") ?? "none"})`,
      );
      console.log(
        `rows ${dataRows} in ${fmt(seconds, 2)} s = ${fmt(dataRows / seconds, 0)} rows/s, ${fmt(bytesRead / 1e6)} MB   (goal ≥ 20,000 rows/s)`,
      );
      console.log(`server RSS before ${fmt(rssBefore, 0)} MB, peak during batch ${fmt(procStatus(pid, "VmHWM"), 0)} MB   (goal < 300 MB)`);
    }
  } finally {
    if (server && server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((r) => server!.once("exit", r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}
