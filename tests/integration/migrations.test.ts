/** The migration runner on both drivers: fresh apply, idempotence, pending, failure, edits, upgrade. */
import { cpSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "~/lib/server/db/connection.server";
import { defaultMigrationsDir, migrate, MigrationError, migrationStatus, readMigrations } from "~/lib/server/db/migrations.server";
import { forEachDriver, TEST_DRIVERS, useTestDatabase } from "../support/databases";
import { insertUser } from "../support/users";

const scratch = mkdtempSync(path.join(os.tmpdir(), "ghostly-migrations-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the real migrations, optionally only the first `count`, to add files to. */
function copyMigrations(count?: number): string {
  const dir = mkdtempSync(path.join(scratch, "set-"));
  cpSync(defaultMigrationsDir(), dir, { recursive: true });
  if (count !== undefined) {
    for (const name of readdirSync(dir).sort().slice(count)) unlinkSync(path.join(dir, name));
  }
  return dir;
}

const ALL = readdirSync(defaultMigrationsDir())
  .filter((f) => f.endsWith(".sql"))
  .sort();

forEachDriver("migrations on a fresh database", (t) => {
  it("are all applied, in order, and a second run applies nothing", async () => {
    expect(await migrationStatus(t.db)).toEqual({ applied: ALL.length, pending: [], mismatched: [] });
    const { rows } = await t.db.query<{ name: string }>("select name from app_schema_migrations order by applied_at, name");
    expect(rows.map((r) => r.name)).toEqual(ALL);
    expect(await migrate(t.db)).toEqual([]);
  });

  it("insert the global default scoring configuration with docs/scoring.md's defaults", async () => {
    const { rows } = await t.db.query("select * from scoring_configurations where is_default");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      weight_compliance: 0.5,
      weight_symmetry: 0.25,
      weight_effort: 0.25,
      weight_game: 0,
      weight_completion: 0.333,
      weight_intensity: 0.333,
      weight_duration: 0.334,
      bfr_min_aop: 40,
      bfr_max_aop: 60,
      expected_contractions: 12,
      target_duration_ms: 2000,
      mvc_threshold_percentage: 75,
      rpe_mapping: { "0": 20, "1": 20, "2": 60, "3": 80, "4": 100, "5": 100, "6": 100, "7": 80, "8": 60, "9": 20, "10": 20 },
    });
  });

  it("enforce the schema's rules: one default configuration, weights summing to 1, lower-case e-mail", async () => {
    const insertConfig = (isDefault: boolean, weightGame: number) =>
      t.db.query(
        `insert into scoring_configurations (name, is_default, weight_compliance, weight_symmetry, weight_effort, weight_game,
           weight_completion, weight_intensity, weight_duration, rpe_mapping, bfr_min_aop, bfr_max_aop,
           expected_contractions, target_duration_ms, mvc_threshold_percentage)
         values ('x', $1, 0.5, 0.25, 0.25, $2, 0.333, 0.333, 0.334, '{}'::jsonb, 40, 60, 12, 2000, 75)`,
        [isDefault, weightGame],
      );
    await expect(insertConfig(true, 0)).rejects.toMatchObject({ code: "23505", constraint: "scoring_configurations_one_default" });
    await expect(insertConfig(false, 0.1)).rejects.toMatchObject({ constraint: "scoring_configurations_weights_sum" });
    await expect(insertConfig(false, 0)).resolves.toBeDefined();
    await expect(t.db.query("insert into users (email, role) values ('Alice@Example.org', 'therapist')")).rejects.toMatchObject({
      constraint: "users_email_lower_case",
    });
    await expect(t.db.query("insert into users (email, role) values ('bob@example.org', 'patient')")).rejects.toMatchObject({
      constraint: "users_role_check",
    });
  });
});

describe.each(TEST_DRIVERS)("migration runner [%s]", (driver) => {
  describe("pending, failing and edited migrations", () => {
    const dir = copyMigrations();
    const t = useTestDatabase(driver, { migrationsDir: dir });

    it("reports a new file as pending and applies it", async () => {
      writeFileSync(path.join(dir, "20991231000001_add_notes.sql"), "alter table therapy_sessions add column notes text;\n");
      expect((await migrationStatus(t.db, { dir })).pending).toEqual(["20991231000001_add_notes.sql"]);
      expect(await migrate(t.db, { dir })).toEqual(["20991231000001_add_notes.sql"]);
      expect(await migrationStatus(t.db, { dir })).toMatchObject({ pending: [], mismatched: [] });
      await t.db.query("select notes from therapy_sessions");
    });

    it("rolls a failing migration back completely and names the file", async () => {
      const name = "20991231000002_half_broken.sql";
      writeFileSync(path.join(dir, name), "create table half_done (id int);\nselect no_such_function();\n");
      await expect(migrate(t.db, { dir })).rejects.toThrow(new RegExp(`migration ${name} failed`));
      const { rows } = await t.db.query<{ present: boolean }>("select to_regclass('half_done') is not null as present");
      expect(rows[0].present).toBe(false);
      expect((await migrationStatus(t.db, { dir })).pending).toEqual([name]);
      unlinkSync(path.join(dir, name));
    });

    it("refuses to start when an applied migration was edited", async () => {
      writeFileSync(path.join(dir, "20991231000001_add_notes.sql"), "alter table therapy_sessions add column notes2 text;\n");
      expect((await migrationStatus(t.db, { dir })).mismatched).toEqual(["20991231000001_add_notes.sql"]);
      await expect(migrate(t.db, { dir })).rejects.toThrow(MigrationError);
      await expect(migrate(t.db, { dir })).rejects.toThrow(/20991231000001_add_notes\.sql/);
    });

    it("rejects file names the Supabase CLI would not order", async () => {
      writeFileSync(path.join(dir, "add_more.sql"), "select 1;\n");
      await expect(readMigrations(dir)).rejects.toThrow(/add_more\.sql/);
      unlinkSync(path.join(dir, "add_more.sql"));
    });
  });

  describe("upgrade of a database created before recorded_at became wall-clock time", () => {
    const dir = copyMigrations(2);
    const t = useTestDatabase(driver, { migrationsDir: dir });

    it("keeps the stored reading of recorded_at", async () => {
      const therapist = await insertUser(t.db, "therapist");
      const patient = await t.db.query<{ id: string }>("insert into patients (code, therapist_id) values ('P001', $1) returning id", [
        therapist.userId,
      ]);
      await t.db.query(
        `insert into therapy_sessions (session_code, patient_id, therapist_id, recorded_at, source_filename, file_sha256,
           file_size_bytes, processing_status, processing_version, session_parameters, data_completeness, game)
         values ('S-20230321-AAAAAA', $1, $2, '2023-03-21 17:50:17+00', 'a.c3d', repeat('a', 64), 1, 'completed', '1.0.0',
           '{}', '{}', '{}')`,
        [patient.rows[0].id, therapist.userId],
      );
      expect(await migrate(t.db)).toEqual(ALL.slice(2));
      const { rows } = await t.db.query<{ recorded_at: string; sort_at: string }>(
        "select recorded_at::text, sort_at::text from therapy_sessions",
      );
      expect(rows[0]).toEqual({ recorded_at: "2023-03-21 17:50:17", sort_at: "2023-03-21 17:50:17" });
    });
  });

  if (driver === "postgres") {
    describe("several servers starting at once", () => {
      const t = useTestDatabase(driver, { migrate: false });
      it("apply each migration exactly once", async () => {
        // Three independent pools on the same empty database, migrating concurrently.
        const dbs = await Promise.all([1, 2, 3].map(() => createDb({ ...t.target, migrate: false })));
        try {
          const applied = await Promise.all(dbs.map((db) => migrate(db)));
          expect(applied.flat().sort()).toEqual(ALL);
          expect(await migrationStatus(t.db)).toEqual({ applied: ALL.length, pending: [], mismatched: [] });
        } finally {
          await Promise.all(dbs.map((db) => db.close()));
        }
      });
    });
  }
});
