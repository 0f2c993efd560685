/** bin/c3d.ts as a user runs it: a real process, JSON on stdout, exit code 2 on a bad file. */
import { spawnSync } from "node:child_process";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FIXTURE_DIR, loadReference } from "./reference";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const TSX = join(ROOT, "node_modules/.bin/tsx");

function runCli(file: string) {
  return spawnSync(TSX, ["bin/c3d.ts", file], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
}

describe("bin/c3d.ts", () => {
  it("prints the reference summary, labels and channel statistics for a GHOSTLY file", () => {
    const name = "Ghostly_Emg_20250310_11-46-23-0823.c3d";
    const run = runCli(FIXTURE_DIR + name);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout);
    const ref = loadReference(name);
    const { frame_count_source, ...summary } = out.summary;
    for (const [key, value] of Object.entries(summary)) expect(value, key).toEqual(ref.summary[key]);
    expect(frame_count_source).toBe(ref.summary.frame_count_source_spec);
    expect(out.analog_labels).toEqual(ref.reference.analog_labels);
    expect(out.analogs).toHaveLength(ref.reference.analogs.length);
    for (const expected of ref.reference.analogs) {
      const got = out.analogs[expected.index];
      expect(got.label).toBe(expected.label);
      expect(got.stats.n_samples).toBe(expected.stats.n_samples);
      for (const key of ["sum", "sum_sq", "min", "max"] as const) {
        expect(Math.abs(got.stats[key] - expected.stats[key])).toBeLessThanOrEqual(1e-9 * Math.abs(expected.stats[key]));
      }
      // JSON carries shortest round-trip decimals, so first5/last5 come back bit-identical
      expect(got.stats.first5).toEqual(expected.stats.first5);
      expect(got.stats.last5).toEqual(expected.stats.last5);
    }
    const groupNames = out.groups.map((g: { name: string }) => g.name);
    expect(groupNames).toEqual(expect.arrayContaining(["POINT", "ANALOG", "SUBJECTS", "INFO"]));
    const rate = out.groups.find((g: { name: string }) => g.name === "ANALOG").parameters.find((p: { name: string }) => p.name === "RATE");
    expect(rate).toEqual({ name: "RATE", type: "FLOAT", dimension: expect.any(Array), values: [990] });
  });

  it("exits 2 with a message naming the byte offset and rule on a file that is not C3D", () => {
    const dir = mkdtempSync(join(tmpdir(), "c3d-cli-"));
    const bad = join(dir, "notes.c3d");
    writeFileSync(bad, "these are not motion capture data\n".repeat(40));
    const run = runCli(bad);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/notes\.c3d: C3D not-c3d at byte 1: byte 1 must be the C3D key 0x50/);
  });

  it("exits 2 on a missing file and without arguments", () => {
    expect(runCli("/nonexistent/file.c3d").status).toBe(2);
    const run = spawnSync(TSX, ["bin/c3d.ts"], { cwd: ROOT, encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/usage/);
  });
});
