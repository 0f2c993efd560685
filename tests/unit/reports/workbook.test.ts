/**
 * The xlsx workbooks read back with python3-openpyxl, as a researcher's script would: the session
 * sheet has the one-row CSV's columns, every numeric cell is the JSON export's double exactly, the
 * booleans are booleans, the time stamps are dates, text carries the CSV's formula guard; the
 * contractions sheet is the JSON list; the batch workbook of many sessions streams both sheets.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { buildSessionExport, contractionColumns, exportColumns, toCsvRow, type AnyExport, type Cell } from "~/lib/export";
import type { SessionExport } from "~/lib/export/schema";
import { renderSessionWorkbook, writeBatchWorkbook } from "~/lib/reports";
import { readWorkbook, type SheetCell } from "../../support/reports";
import { analysableFixtures, EXAMPLE_FIXTURE, fixtureExport } from "./fixtures";

const dir = mkdtempSync(path.join(os.tmpdir(), "workbook-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What openpyxl must give for a CSV cell: the same number/boolean, guarded text, a date for the time stamps. */
function expectedCell(column: string, value: Cell): SheetCell {
  if (value === null || value === "") return null;
  if (column === "export_timestamp") return { datetime: (value as string).replace(/Z$/, "") };
  if (column === "session_recorded_at") return { datetime: `${value as string}.000` };
  if (typeof value === "string" && /^'*[=+\-@\t\r]/.test(value)) return `'${value}`;
  return value;
}

function expectRow(got: SheetCell[], header: string[], row: Record<string, Cell>, where: string) {
  header.forEach((column, i) => {
    const want = expectedCell(column, row[column]);
    if (typeof want === "number")
      expect(got[i], `${where} ${column}`).toBe(want); // exact: the JSON's double
    else expect(got[i], `${where} ${column}`).toEqual(want);
  });
}

function workbookFile(bytes: Uint8Array, name: string): string {
  const file = path.join(dir, `${name}.xlsx`);
  writeFileSync(file, bytes);
  return file;
}

describe("session workbook", () => {
  it.each(analysableFixtures())("%s: sheets session, contractions, channels, configuration equal the export", async (file) => {
    const exp = fixtureExport(
      file,
      { patient_code: "P042", session_code: "S-20230321-ABC123", therapist: '=HYPERLINK("http://x")' },
      { signals: false },
    );
    const book = readWorkbook(workbookFile(await renderSessionWorkbook(exp), file));
    expect(Object.keys(book)).toEqual(["session", "contractions", "channels", "configuration"]);

    const row = toCsvRow(exp);
    expect(book.session.header).toEqual(Object.keys(row));
    expect(book.session.rows).toHaveLength(1);
    expectRow(book.session.rows[0], book.session.header, row, file);
    const numeric = book.session.rows[0].filter((v) => typeof v === "number");
    expect(numeric.length).toBeGreaterThan(60);
    expect(book.session.rows[0][book.session.header.indexOf("session_therapist")]).toBe('\'=HYPERLINK("http://x")');

    expect(book.contractions.header).toEqual(contractionColumns.map((c) => c.name));
    expect(book.contractions.rows).toEqual(
      (exp.contractions ?? []).map((c) => [
        exp.export_metadata.session_id,
        ...contractionColumns.slice(1).map((col) => c[col.path[0] as keyof typeof c]),
      ]),
    );

    const ids = Object.keys(exp.channels ?? {});
    expect(book.channels.rows.map((r) => r[0])).toEqual(ids);
    ids.forEach((id, i) => {
      expect(book.channels.rows[i][book.channels.header.indexOf("mvc_value")]).toBe(exp.channels![id].mvc_value);
      expect(book.channels.rows[i][book.channels.header.indexOf("fatigue_index_fi_nsm5")]).toBe(exp.channels![id].fatigue_index_fi_nsm5);
      expect(book.channels.rows[i][book.channels.header.indexOf("contraction_count")]).toBe(exp.channels![id].contraction_count);
    });

    const config = Object.fromEntries(book.configuration.rows.map(([k, v]) => [k as string, v]));
    expect(config.config_weight_compliance).toBe(exp.scoring_configuration!.weight_compliance);
    expect(config.processing_filter_high_cutoff_hz).toBe(exp.processing_parameters!.filter_high_cutoff_hz);
    expect(config.session_param_mvc_threshold_ch1).toBe(exp.session_parameters!.mvc_threshold_ch1);
  });

  it("keeps negative numbers numeric (the guard is for text only)", async () => {
    const exp = fixtureExport(EXAMPLE_FIXTURE, { patient_code: "P042", session_code: "-1", therapist: null }, { signals: false });
    exp.processing_parameters!.threshold_factor = -0.5;
    const book = readWorkbook(workbookFile(await renderSessionWorkbook(exp), "negative"));
    const at = (name: string) => book.session.rows[0][book.session.header.indexOf(name)];
    expect(at("processing_threshold_factor")).toBe(-0.5);
    expect(at("session_code")).toBe("'-1");
  });
});

async function batchBytes(
  exports: () => Iterable<AnyExport>,
  options: { minimal?: boolean; contractions?: () => Iterable<AnyExport> } = {},
) {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  const ended = new Promise((resolve) => out.on("end", resolve));
  const ids = await writeBatchWorkbook(
    out,
    { sessions: exports, contractions: options.contractions ?? exports },
    { minimal: options.minimal },
  );
  await ended; // the writer ends the stream with the zip
  return { bytes: new Uint8Array(Buffer.concat(chunks)), ids };
}

describe("batch workbook", () => {
  const base = fixtureExport(EXAMPLE_FIXTURE, { patient_code: "P042", session_code: "S-1", therapist: "Dr. Ann" }, { signals: false });
  const other = fixtureExport(
    "Ghostly_Emg_20230321_17-28-14-0160.c3d",
    { patient_code: "P043", session_code: "S-2", therapist: null },
    { signals: false },
  );
  const many = (n: number): SessionExport[] =>
    Array.from({ length: n }, (_, i) => {
      const exp = i % 2 ? other : base;
      return { ...exp, export_metadata: { ...exp.export_metadata, session_id: `s-${String(i).padStart(4, "0")}` } };
    });

  it("writes 500 sessions: one typed row each with the batch CSV's columns, and every contraction", async () => {
    const list = many(500);
    const { bytes, ids } = await batchBytes(() => list);
    expect(ids).toEqual(list.map((e) => e.export_metadata.session_id));
    const book = readWorkbook(workbookFile(bytes, "batch"));
    expect(Object.keys(book)).toEqual(["sessions", "contractions"]);
    expect(book.sessions.header).toEqual(exportColumns(2).map((c) => c.name));
    expect(book.sessions.rows).toHaveLength(500);
    list.forEach((exp, i) =>
      expectRow(book.sessions.rows[i], book.sessions.header, toCsvRow(exp, { channelSlots: 2 }), exp.export_metadata.session_id!),
    );
    const contractions = list.flatMap((e) =>
      (e.contractions ?? []).map((c) => [
        e.export_metadata.session_id,
        ...contractionColumns.slice(1).map((col) => c[col.path[0] as keyof typeof c]),
      ]),
    );
    expect(book.contractions.rows).toEqual(contractions);
  });

  it("waits for a slow reader instead of buffering the workbook (constant memory)", async () => {
    // Random numbers, so the rows do not compress to nothing and the unread output fills up.
    const noisy = (exp: SessionExport, i: number): SessionExport => {
      const channels = Object.fromEntries(
        Object.entries(exp.channels ?? {}).map(([id, c]) => [
          id,
          { ...c, rms: Math.random(), mav: Math.random(), mpf: Math.random(), mdf: Math.random() },
        ]),
      );
      const scores = { ...exp.performance_scores!, overall_score: Math.random() * 100, compliance_score: Math.random() * 100 };
      return { ...exp, channels, performance_scores: scores, export_metadata: { ...exp.export_metadata, session_id: `n-${i}` } };
    };
    const list = Array.from({ length: 6000 }, (_, i) => noisy(base, i));
    let pulled = 0;
    function* counted() {
      for (const exp of list) {
        pulled++;
        yield exp;
      }
    }
    const out = new PassThrough(); // nobody reads it yet
    const writing = writeBatchWorkbook(out, { sessions: counted, contractions: () => [] });
    // The writer stops pulling sessions while the output is not read: a few MB of zip buffers.
    let before = -1;
    for (let waited = 0; pulled !== before && waited < 10_000; waited += 500) {
      before = pulled;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(pulled, "stalled").toBe(before);
    expect(pulled).toBeLessThan(list.length);
    const chunks: Buffer[] = [];
    out.on("data", (c: Buffer) => chunks.push(c));
    const ended = new Promise((resolve) => out.on("end", resolve));
    await writing;
    await ended;
    expect(pulled).toBe(list.length);
    // A complete zip: it ends with the end-of-central-directory record.
    const zip = Buffer.concat(chunks);
    expect(zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))).toBeGreaterThan(zip.length - 100);
  });

  it("lists in the contractions sheet only the sessions of the sessions sheet (a second read may see more)", async () => {
    const list = many(3);
    const later = [...list, { ...base, export_metadata: { ...base.export_metadata, session_id: "s-new" } }];
    const book = readWorkbook(workbookFile((await batchBytes(() => list, { contractions: () => later })).bytes, "two-reads"));
    expect(new Set(book.contractions.rows.map((r) => r[0]))).toEqual(new Set(list.map((e) => e.export_metadata.session_id)));
  });

  it("writes the minimal export's columns and no contractions with USE_ENHANCED_EXPORT off, and headers for zero sessions", async () => {
    const minimal = buildSessionExport(
      { session_id: "m-1", performance_scores: base.performance_scores, scoring_configuration: base.scoring_configuration },
      { now: new Date(), enhanced: false },
    );
    const book = readWorkbook(workbookFile((await batchBytes(() => [minimal], { minimal: true })).bytes, "minimal"));
    expect(book.sessions.header).toEqual(exportColumns(2, true).map((c) => c.name));
    expectRow(book.sessions.rows[0], book.sessions.header, toCsvRow(minimal, { channelSlots: 2 }), "minimal");
    expect(book.contractions.rows).toEqual([]);
    const empty = readWorkbook(workbookFile((await batchBytes(() => [])).bytes, "empty"));
    expect(empty.sessions.rows).toEqual([]);
    expect(empty.sessions.header).toEqual(exportColumns(2).map((c) => c.name));
  });
});
