/**
 * The admin CLI (bin/admin.ts) as a real child process: provisioning through the server that holds
 * the embedded database (its lock socket) or straight to PostgreSQL, and backup/restore — taken
 * while uploads go on, restored elsewhere, every session exporting identically and every raw file
 * matching its sha256. The PostgreSQL leg keeps its raw files in S3 (s3rver), the PGlite leg in
 * DATA_DIR.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSessionExport } from "~/lib/export";
import { serveAdminCommands } from "~/lib/server/admin/socket.server";
import { callerForApiToken } from "~/lib/server/auth/api-tokens.server";
import type { Caller } from "~/lib/server/auth/caller.server";
import { createUser } from "~/lib/server/auth/users.server";
import { createDb } from "~/lib/server/db/connection.server";
import { DirectoryLockedError } from "~/lib/server/db/directory-lock.server";
import type { Db } from "~/lib/server/db/types.server";
import { exportSourceFromStored } from "~/lib/server/export.server";
import { parseConfig } from "~/lib/server/http/config.server";
import { getSession } from "~/lib/server/repositories/sessions/read.server";
import { storeAnalysis } from "~/lib/server/repositories/sessions/write.server";
import type { BlobStorage } from "~/lib/server/storage/blobs.server";
import { createStorage } from "~/lib/server/storage/connection.server";
import { buildAnalysis, fakeC3dBytes } from "../support/analysis";
import { TEST_DRIVERS } from "../support/databases";
import { ACTING_ADMIN } from "../support/users";
import { type PostgresServer, startPostgres } from "../support/postgres";
import { S3_TEST_BUCKETS, type S3Server, startS3 } from "../support/s3";

const TSX = path.resolve("node_modules/.bin/tsx");
const NOW = new Date("2026-12-01T12:00:00Z");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run -s admin -- …` the way npm does (tsx on bin/admin.ts), with its own environment. */
function admin(env: Record<string, string>, args: string[], stdin = ""): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ["bin/admin.ts", ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: os.tmpdir(), ...env } as unknown as NodeJS.ProcessEnv,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

let s3: S3Server;
let postgres: PostgresServer | undefined;
const root = mkdtempSync(path.join(os.tmpdir(), "ghostly-admin-"));
beforeAll(async () => {
  s3 = await startS3();
  if (TEST_DRIVERS.includes("postgres")) postgres = await startPostgres();
});
afterAll(async () => {
  await s3?.stop();
  await postgres?.stop();
  rmSync(root, { recursive: true, force: true });
});

interface Deployment {
  env: Record<string, string>;
  db: Db;
  storage: BlobStorage;
}

/** A "server" of this driver: the process that holds the database (this test process). */
async function deploy(driver: string, name: string, bucket = S3_TEST_BUCKETS[0]): Promise<Deployment> {
  const dataDir = path.join(root, `${driver}-${name}`);
  if (driver === "pglite") {
    const env = { DATA_DIR: dataDir };
    const db = await createDb({ pgliteDir: path.join(dataDir, "pglite"), holder: `test server ${name}` });
    const storage = await createStorage(parseConfig(env));
    serveAdminCommands({ db, storage }, path.join(dataDir, "pglite"));
    return { env, db, storage };
  }
  const env = { DATA_DIR: dataDir, DATABASE_URL: await postgres!.createDatabase(), ...s3.env(bucket) };
  return { env, db: await createDb({ databaseUrl: env.DATABASE_URL, maxConnections: 4 }), storage: await createStorage(parseConfig(env)) };
}

/** A target the CLI restores into: nothing open on it (the CLI is its only user). */
async function target(driver: string, name: string): Promise<Record<string, string>> {
  const dataDir = path.join(root, `${driver}-${name}`);
  if (driver === "pglite") return { DATA_DIR: dataDir };
  return { DATA_DIR: dataDir, DATABASE_URL: await postgres!.createDatabase(), ...s3.env(S3_TEST_BUCKETS[1]) };
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function exportOf(caller: Caller, id: string, db: Db): Promise<string> {
  const stored = await getSession(caller, id, { db });
  expect(stored, id).not.toBeNull();
  return JSON.stringify(
    buildSessionExport(exportSourceFromStored(stored!), { now: NOW, enhanced: true, includeSignals: true, includeDebug: true }),
  );
}

describe("admin CLI arguments", () => {
  const env = { DATA_DIR: path.join(root, "never-opened") };
  it("exits 2 with a message on bad arguments, before touching anything", async () => {
    for (const args of [
      [],
      ["frobnicate"],
      ["create-user", "--email", "x@y.z"],
      ["create-token", "--email", "a@b.c", "--name", "n", "--scopes", "all"],
      ["reprocess"],
      ["reprocess", "--all-outdated", "--session", "x"],
      ["backup"],
      ["restore"],
      ["list-users", "--verbose", "1"],
    ]) {
      const run = await admin(env, args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr, args.join(" ")).toMatch(/^admin: .+\nusage: npm run -s admin/);
    }
    expect((await admin({ ...env, S3_BUCKET: "No_Such" }, ["list-users"])).code).toBe(2);
  });
  it("opened nothing for them", () => {
    expect(existsSync(env.DATA_DIR)).toBe(false);
  });
});

describe.each(TEST_DRIVERS)("admin CLI [%s]", (driver) => {
  let source: Deployment;
  let therapist: Caller;
  beforeAll(async () => {
    source = await deploy(driver, "source");
    const user = await createUser(
      ACTING_ADMIN,
      { email: "t@clinic.test", displayName: "Dr. T", password: "a-long-password-9", role: "therapist" },
      { db: source.db },
    );
    therapist = { userId: user.id, role: "therapist" };
  });
  afterAll(async () => {
    await source?.db.close();
  });

  it(`provisions users and tokens ${driver === "pglite" ? "through the running server" : "on PostgreSQL directly"}`, async () => {
    const created = await admin(
      source.env,
      ["create-user", "--email", "Ada@Clinic.test", "--role", "researcher", "--name", "Ada"],
      "a-long-password-9\n",
    );
    expect(created, created.stderr).toMatchObject({ code: 0 });
    expect(created.stdout).toMatch(/^created researcher ada@clinic\.test/);
    const again = await admin(
      source.env,
      ["create-user", "--email", "ada@clinic.test", "--role", "researcher", "--name", "Ada"],
      "a-long-password-9\n",
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    expect(
      (await admin(source.env, ["create-user", "--email", "b@clinic.test", "--role", "therapist", "--name", "B"], "short\n")).stderr,
    ).toMatch(/password/i);

    const token = await admin(source.env, [
      "create-token",
      "--email",
      "ada@clinic.test",
      "--name",
      "cohort",
      "--scopes",
      "export",
      "--days",
      "7",
    ]);
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout).toMatch(/^ghostly_pat_[A-Za-z0-9_-]{43}\n$/);
    const caller = await callerForApiToken(token.stdout.trim(), { db: source.db });
    expect(caller).toMatchObject({ role: "researcher", scopes: ["export"] });
    const beyond = await admin(source.env, ["create-token", "--email", "ada@clinic.test", "--name", "x", "--scopes", "upload"]);
    expect(beyond.code).toBe(1);
    expect(beyond.stderr).toMatch(/cannot use the scope upload/);

    const listed = await admin(source.env, ["list-users"]);
    expect(listed.stdout).toMatch(/^EMAIL +ROLE +ACTIVE +NAME +CREATED\n/);
    expect(listed.stdout).toMatch(/ada@clinic\.test +researcher +yes +Ada/);
    expect((await admin(source.env, ["deactivate", "--email", "ada@clinic.test"])).code).toBe(0);
    expect(await callerForApiToken(token.stdout.trim(), { db: source.db })).toBeNull();
    expect((await admin(source.env, ["deactivate", "--email", "nobody@clinic.test"])).stderr).toMatch(/no user with the email/);

    const reprocess = await admin(source.env, ["reprocess", "--all-outdated"]);
    expect(reprocess.code).toBe(1);
    expect(reprocess.stderr).toMatch(/not available yet/);
    expect((await admin(source.env, ["migrate"])).stdout).toMatch(/^up to date: \d+ migrations applied/);
  });

  if (driver === "pglite") {
    it("never opens the embedded database a second time: the lock names its holder", async () => {
      await expect(createDb({ pgliteDir: path.join(source.env.DATA_DIR, "pglite") })).rejects.toThrow(DirectoryLockedError);
      await expect(createDb({ pgliteDir: path.join(source.env.DATA_DIR, "pglite") })).rejects.toThrow(/test server source/);
    });
  }

  it("backs up under upload load; the restore elsewhere exports every session identically, every raw file by its sha256", async () => {
    const store = async (i: number) => {
      const bytes = fakeC3dBytes(2048 + i);
      const result = await storeAnalysis(
        therapist,
        { patientCode: `P${String(100 + (i % 3))}`, analysis: buildAnalysis(bytes), bytes },
        source,
      );
      return { id: result.sessionId, sha: sha256(bytes) };
    };
    const before = await Promise.all([0, 1, 2, 3].map(store));

    let uploading = true;
    const during: { id: string; sha: string }[] = [];
    const load = (async () => {
      for (let i = 10; uploading; i++) during.push(await store(i));
    })();
    const out = path.join(root, `${driver}-backup.tar.gz`);
    const backup = await admin(source.env, ["backup", "--out", out]);
    uploading = false;
    await load;
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/^backup .+: \d+ sessions, \d+ raw files, \d+ rows in \d+ tables \(checked\)\n$/);
    expect(during.length, "uploads went on while the backup ran").toBeGreaterThan(0);

    const into = await target(driver, "restored");
    const restored = await admin(into, ["restore", out]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/^restored \d+ rows in \d+ tables and \d+ raw files/);

    const db = await createDb(
      into.DATABASE_URL ? { databaseUrl: into.DATABASE_URL, maxConnections: 2 } : { pgliteDir: path.join(into.DATA_DIR, "pglite") },
    );
    const storage = await createStorage(parseConfig(into));
    try {
      const ids = (await db.query<{ id: string; file_sha256: string }>("select id, file_sha256 from therapy_sessions order by id")).rows;
      const restoredIds = new Set(ids.map((r) => r.id));
      // Everything committed before the backup started, and only sessions the source has.
      for (const s of before) expect(restoredIds.has(s.id), s.id).toBe(true);
      const sourceIds = new Set([...before, ...during].map((s) => s.id));
      for (const id of restoredIds) expect(sourceIds.has(id), id).toBe(true);
      expect(Number(backup.stdout.match(/: (\d+) sessions/)![1])).toBe(ids.length);

      for (const { id, file_sha256 } of ids) {
        expect(await exportOf(therapist, id, db), id).toBe(await exportOf(therapist, id, source.db));
        const bytes = await storage.get(file_sha256);
        expect(bytes, file_sha256).not.toBeNull();
        expect(sha256(bytes!)).toBe(file_sha256);
      }
      const files: string[] = [];
      for await (const blob of storage.list()) files.push(blob.sha256);
      expect(files.sort()).toEqual([...new Set(ids.map((r) => r.file_sha256))].sort());
      // The restored server works on: the default scoring configuration and the users came back, new sessions go in.
      expect((await db.query<{ n: number }>("select count(*)::int as n from scoring_configurations where is_default")).rows[0].n).toBe(1);
      const more = fakeC3dBytes(999);
      await storeAnalysis(therapist, { patientCode: "P100", analysis: buildAnalysis(more), bytes: more }, { db, storage });
    } finally {
      await db.close();
    }

    // Restore refuses a target that is not empty, and a damaged archive, and writes nothing for either.
    const refused = await admin(into, ["restore", out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not empty/);
    const damaged = path.join(root, `${driver}-damaged.tar.gz`);
    const bytes = readFileSync(out);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    writeFileSync(damaged, bytes);
    const empty = await target(driver, "never-written");
    const broken = await admin(empty, ["restore", damaged]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/not a readable backup archive|does not match its manifest/);
    if (empty.DATABASE_URL) {
      const untouched = await createDb({ databaseUrl: empty.DATABASE_URL, migrate: false, maxConnections: 1 });
      const { rows } = await untouched.query<{ n: number }>(
        "select count(*)::int as n from information_schema.tables where table_schema = 'public'",
      );
      await untouched.close();
      expect(rows[0].n).toBe(0);
    } else {
      expect(existsSync(path.join(empty.DATA_DIR, "pglite"))).toBe(false);
    }
  });
});
