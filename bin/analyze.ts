/**
 * `npm run -s analyze -- <file.c3d | folder>… [options]`: the canonical export of C3D files without
 * a server, built by the same `analyzeC3d` + `buildSessionExport` + renderers as the API.
 *
 * One file → its export on stdout (session_id null): JSON, CSV, or the binary PDF report / xlsx
 * workbook. A folder (its *.c3d files, sorted) or several paths → a batch: one CSV row per file
 * (batch columns), a JSON array, or the batch workbook (xlsx). Bad arguments or files: a message on
 * stderr and exit code 2 (a batch still writes the files that could be analysed).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { PassThrough } from "node:stream";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { ANALYSIS_OPTION_FIELDS, analyzeUploadForExport, isInputError, parseAnalysisOptions } from "~/lib/analysis";
import {
  buildSessionExport,
  renderBatchCsv,
  renderBatchJson,
  ExportTableUnavailableError,
  renderExport,
  type AnyExport,
} from "~/lib/export";
import { isReportFormat, renderReport, ReportUnavailableError, writeBatchWorkbook, type ReportFormat } from "~/lib/reports";
import { parseConfig } from "~/lib/server/http/config.server";

const USAGE = `usage: npm run -s analyze -- <file.c3d | folder>… [options]
  --format json|csv|pdf|xlsx   output format (default json); pdf: the session report of one file,
                               xlsx: the workbook of one file or of a batch (binary, to stdout)
  --table contractions         the contractions CSV of one file (with --format csv)
  --rpe-pre N, --rpe-post N    Borg CR-10 RPE before / after the session (0–10)
  --bfr-aop X                  BFR cuff pressure (% AOP)
  --game-points-max M          points the game level allowed
  --timing-source auto|activated|envelope
  --mvc-ch1 V, --mvc-ch2 V     MVC per channel (volts)
  --<parameter> value          any of: ${ANALYSIS_OPTION_FIELDS.map((f) => f.replaceAll("_", "-")).join(", ")}
  --include-signals            add the RMS envelopes (JSON)
  --include-raw-signals        add raw and band-passed samples (JSON), --signal-decimation N
  --include-debug              add C3D metadata and file warnings (JSON)
  --timestamp ISO              export_timestamp to use (default: now)
Environment: USE_ENHANCED_EXPORT=false gives the minimal export.`;

/** CLI spellings of the session inputs (the API/form field names also work with dashes). */
const ALIASES: Record<string, string> = {
  "rpe-pre": "rpe_pre_session",
  "rpe-post": "rpe_post_session",
  "bfr-aop": "bfr_pressure_aop",
};
const BOOLEAN_FLAGS = new Set(["include-signals", "include-raw-signals", "include-debug"]);
const CLI_VALUE_FLAGS = new Set(["format", "table", "timestamp", "signal-decimation"]);

class UsageError extends Error {}

export interface CliArgs {
  paths: string[];
  format: "json" | "csv" | ReportFormat;
  table?: "contractions";
  fields: Record<string, string>;
  includeSignals: boolean;
  includeRawSignals: boolean;
  includeDebug: boolean;
  decimation: number;
  now: Date;
}

export function parseArgs(argv: string[]): CliArgs {
  const paths: string[] = [];
  const fields: Record<string, string> = {};
  const cli: Record<string, string> = {};
  const flags = new Set<string>();
  const optionFields = new Set<string>(ANALYSIS_OPTION_FIELDS);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) {
      paths.push(arg);
      continue;
    }
    let [name, value] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    name = name.replaceAll("_", "-");
    if (name === "help") throw new UsageError("");
    if (BOOLEAN_FLAGS.has(name)) {
      if (value !== undefined) throw new UsageError(`--${name} takes no value`);
      flags.add(name);
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
    }
    if (CLI_VALUE_FLAGS.has(name)) {
      cli[name] = value;
      continue;
    }
    const field = ALIASES[name] ?? name.replaceAll("-", "_");
    if (!optionFields.has(field)) throw new UsageError(`unknown option --${name}`);
    fields[field] = value;
  }
  if (paths.length === 0) throw new UsageError("give a .c3d file or a folder");
  const format = cli.format ?? "json";
  if (format !== "json" && format !== "csv" && !isReportFormat(format))
    throw new UsageError(`--format must be json, csv, pdf or xlsx, got "${format}"`);
  const table = cli.table;
  if (table !== undefined && table !== "contractions") throw new UsageError(`--table must be contractions, got "${table}"`);
  if (table && format !== "csv") throw new UsageError("--table contractions needs --format csv");
  const decimation = Number(cli["signal-decimation"] ?? "1");
  if (!Number.isInteger(decimation) || decimation < 1)
    throw new UsageError(`--signal-decimation must be an integer ≥ 1, got "${cli["signal-decimation"]}"`);
  const now = cli.timestamp === undefined ? new Date() : new Date(cli.timestamp);
  if (Number.isNaN(now.getTime())) throw new UsageError(`--timestamp must be an ISO 8601 time, got "${cli.timestamp}"`);
  return {
    paths,
    format,
    table,
    fields,
    includeSignals: flags.has("include-signals"),
    includeRawSignals: flags.has("include-raw-signals"),
    includeDebug: flags.has("include-debug"),
    decimation,
    now,
  };
}

/** The .c3d files named by the paths: files as given, folders expanded to their *.c3d, sorted. */
function c3dFiles(paths: string[]): { files: string[]; batch: boolean } {
  const files: string[] = [];
  let batch = paths.length > 1;
  for (const path of paths) {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw new UsageError(`${path}: no such file or folder`);
    }
    if (stat.isDirectory()) {
      batch = true;
      const inFolder = readdirSync(path)
        .filter((name) => /\.c3d$/i.test(name))
        .sort();
      if (inFolder.length === 0) throw new UsageError(`${path}: the folder has no .c3d files`);
      files.push(...inFolder.map((name) => join(path, name)));
    } else files.push(path);
  }
  return { files, batch };
}

export interface CliIo {
  /** Text, or the bytes of a PDF/xlsx. */
  stdout: (chunk: string | Uint8Array) => void | Promise<void>;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
}

/** Runs the CLI; resolves to the exit code (0, or 2 for bad arguments or files). */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let args: CliArgs;
  let files: string[];
  let batch: boolean;
  let enhanced: boolean;
  try {
    args = parseArgs(argv);
    ({ files, batch } = c3dFiles(args.paths));
    if (batch && args.table) throw new UsageError("--table contractions exports one file at a time (its rows have no file name)");
    if (batch && args.format === "pdf")
      throw new UsageError("--format pdf reports one file at a time (a batch: --format xlsx, csv or json)");
    enhanced = parseConfig({ USE_ENHANCED_EXPORT: io.env.USE_ENHANCED_EXPORT }).USE_ENHANCED_EXPORT;
    parseAnalysisOptions(args.fields); // bad option values fail before any file is read
  } catch (error) {
    if (error instanceof UsageError && error.message === "") {
      io.stderr(`${USAGE}\n`);
      return 2;
    }
    io.stderr(`analyze: ${error instanceof Error ? error.message : String(error)}\n${error instanceof UsageError ? USAGE + "\n" : ""}`);
    return 2;
  }

  let failed = 0;
  function exportOf(path: string): AnyExport | null {
    try {
      const options = { ...parseAnalysisOptions(args.fields), sourceFilename: basename(path) };
      const raw = args.includeRawSignals;
      const source = analyzeUploadForExport(new Uint8Array(readFileSync(path)), options, { raw, bandpassed: raw });
      return buildSessionExport(source, {
        now: args.now,
        // The PDF plots the envelopes, so its export carries them.
        includeSignals: raw ? { raw: true, bandpassed: true, decimation: args.decimation } : args.includeSignals || args.format === "pdf",
        includeDebug: args.includeDebug,
        enhanced,
      });
    } catch (error) {
      failed++;
      io.stderr(
        `${path}: ${isInputError(error) ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      return null;
    }
  }

  if (!batch) {
    const exp = exportOf(files[0]);
    if (!exp) return 2;
    try {
      await io.stdout(isReportFormat(args.format) ? await renderReport(exp, args.format) : renderExport(exp, args.format, args.table));
    } catch (error) {
      if (!(error instanceof ExportTableUnavailableError) && !(error instanceof ReportUnavailableError)) throw error;
      io.stderr(`analyze: ${error.message}\n`);
      return 2;
    }
    return 0;
  }

  function* exports(): Generator<AnyExport> {
    for (const path of files) {
      const exp = exportOf(path);
      if (exp) yield exp;
    }
  }
  if (args.format === "xlsx") {
    await writeWorkbook(exports, enhanced, io);
    return failed > 0 ? 2 : 0;
  }
  const chunks = args.format === "csv" ? renderBatchCsv(exports(), { minimal: !enhanced }) : renderBatchJson(exports());
  for await (const chunk of chunks) await io.stdout(chunk);
  return failed > 0 ? 2 : 0;
}

/**
 * The batch workbook of the files. Its two sheets read the sessions twice (app/lib/reports/xlsx/
 * batch-workbook.ts); the CLI analyses each file once and keeps the exports for the second pass.
 */
async function writeWorkbook(exports: () => Generator<AnyExport>, enhanced: boolean, io: CliIo): Promise<void> {
  const analysed: AnyExport[] = [];
  const out = new PassThrough();
  const written = (async () => {
    for await (const chunk of out) await io.stdout(chunk as Uint8Array);
  })();
  await writeBatchWorkbook(
    out,
    {
      sessions: function* () {
        for (const exp of exports()) {
          analysed.push(exp);
          yield exp;
        }
      },
      contractions: () => analysed,
    },
    { minimal: !enhanced },
  );
  await written;
}

function writeStdout(text: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const code = await main(process.argv.slice(2), {
    stdout: writeStdout,
    stderr: (text) => process.stderr.write(text),
    env: process.env,
  });
  process.exitCode = code;
}
