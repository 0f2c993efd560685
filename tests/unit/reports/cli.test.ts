/**
 * `npm run -s analyze -- FILE --format pdf|xlsx` as a user runs it (a tsx subprocess, binary on
 * stdout): the PDF is the file's session report, the xlsx of a folder has one row per analysable
 * file; a PDF of a batch is refused with exit code 2.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { pdfPageCount, pdfText, readWorkbook } from "../../support/reports";
import { analysableFixtures, EXAMPLE_FIXTURE, FIXTURES } from "./fixtures";

const run = promisify(execFile);
const dir = mkdtempSync(path.join(os.tmpdir(), "report-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]): Promise<Buffer> {
  const { stdout } = await run("node_modules/.bin/tsx", ["bin/analyze.ts", ...args], { encoding: "buffer", maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

describe("bin/analyze.ts --format pdf|xlsx", () => {
  it("writes the PDF session report of one file to stdout", async () => {
    const file = path.join(dir, "one.pdf");
    writeFileSync(file, await cli([path.join(FIXTURES, EXAMPLE_FIXTURE), "--format", "pdf", "--rpe-post", "5"]));
    expect(pdfPageCount(file)).toBeLessThanOrEqual(3);
    const text = pdfText(file);
    expect(text).toContain(EXAMPLE_FIXTURE);
    expect(text).toContain("RPE 5");
    expect(text).not.toContain("The export has no envelope");
  });

  it("writes the batch workbook of a folder: one row per analysable file", async () => {
    const file = path.join(dir, "batch.xlsx");
    const failed = await cli([FIXTURES, "--format", "xlsx"]).catch((error: { code: number; stdout: Buffer }) => {
      expect(error.code).toBe(2); // the folder also holds files without EMG channels
      return error.stdout;
    });
    writeFileSync(file, failed);
    const book = readWorkbook(file);
    const names = book.sessions.rows.map((r) => r[book.sessions.header.indexOf("session_source_filename")]);
    expect(names).toEqual(analysableFixtures());
    expect(book.contractions.rows.length).toBeGreaterThan(50);
  });

  it("refuses a PDF of several files", async () => {
    const error = (await cli([FIXTURES, "--format", "pdf"]).then(
      () => null,
      (e: { code: number; stderr: Buffer }) => e,
    ))!;
    expect(error.code).toBe(2);
    expect(error.stderr.toString()).toContain("--format pdf reports one file at a time");
  });
});
