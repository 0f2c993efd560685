/**
 * Shared by the upload, review, quick-analysis and reliability specs: fixture paths, the
 * independent SciPy reference of tests/fixtures/reference/pipeline, comparisons against it, and
 * a private app server (own port, own DATA_DIR, own MAX_UPLOAD_MB) for specs that must restart or
 * reconfigure the server.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Papa from "papaparse";
import { expect, type Download, type Page } from "@playwright/test";

export const ROOT = path.resolve(import.meta.dirname, "../../..");
export const fixturePath = (name: string) => path.join(ROOT, "tests/fixtures/c3d", name);

export const GHOSTLY = {
  small: "Ghostly_Emg_20230321_17-23-09-0409.c3d",
  second: "Ghostly_Emg_20230321_17-28-14-0160.c3d",
  large: "Ghostly_Emg_20230321_17-50-17-0881.c3d",
  fourth: "Ghostly_Emg_20231004_13-18-43-0464.c3d",
  fifth: "Ghostly_Emg_20250310_11-46-23-0823.c3d",
} as const;

type Scalar = number | string | boolean | null;
export interface PipelineReference {
  performance_scores: Record<string, Scalar>;
  compliance_breakdown: { left_muscle: Record<string, Scalar>; right_muscle: Record<string, Scalar> };
  data_completeness: Record<string, Scalar>;
  contractions: Record<string, Scalar>[];
}

/** Setting `a`: every default, no RPE, BFR or game maximum — what an upload without inputs is. */
export function pipelineReference(file: string, setting: "a" | "b" = "a"): PipelineReference {
  return JSON.parse(readFileSync(path.join(ROOT, "tests/fixtures/reference/pipeline", `${file}.${setting}.json`), "utf8"));
}

/** A patient code no other run of the suite uses (the e2e database lives for the whole run). */
export function uniquePatientCode(): string {
  // Nine digits at most (the patient-code rule): 9, six of the clock, two random.
  return `P9${Date.now().toString().slice(-6)}${Math.floor(Math.random() * 90 + 10)}`;
}

/**
 * The reference is an independent float64 SciPy computation; the scores are ratios of integer
 * counts and weighted sums, so agreement is at rounding level. 1e-9 relative leaves room for
 * summation order and would still catch any wrong count, weight or formula.
 */
export function expectClose(actual: unknown, expected: Scalar, label: string): void {
  if (typeof expected === "number") {
    expect(typeof actual, `${label} is a number`).toBe("number");
    const tolerance = 1e-9 * Math.max(1, Math.abs(expected));
    expect(Math.abs((actual as number) - expected), `${label}: ${String(actual)} vs reference ${expected}`).toBeLessThanOrEqual(tolerance);
  } else {
    expect(actual, label).toEqual(expected);
  }
}

/** Every field the reference gives for the scores, both legs and each contraction. */
export function expectExportMatchesReference(exp: Record<string, any>, ref: PipelineReference): void {
  for (const [key, value] of Object.entries(ref.performance_scores))
    expectClose(exp.performance_scores[key], value, `performance_scores.${key}`);
  for (const side of ["left_muscle", "right_muscle"] as const) {
    for (const [key, value] of Object.entries(ref.compliance_breakdown[side])) {
      expectClose(exp.compliance_breakdown[side][key], value, `${side}.${key}`);
    }
  }
  for (const [key, value] of Object.entries(ref.data_completeness))
    expectClose(exp.data_completeness[key], value, `data_completeness.${key}`);
  expect(exp.contractions.length, "contraction count").toBe(ref.contractions.length);
  ref.contractions.forEach((c, i) => {
    for (const key of [
      "channel",
      "index",
      "start_ms",
      "end_ms",
      "duration_ms",
      "peak_rms",
      "meets_intensity",
      "meets_duration",
      "is_good",
    ]) {
      expectClose(exp.contractions[i][key], c[key], `contractions[${i}].${key}`);
    }
  });
}

/** The one-row CSV against the reference: `performance_<field>`, `<side>_<field>` columns (docs/export.md). */
export function expectCsvMatchesReference(csv: string, ref: PipelineReference): Record<string, string> {
  const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
  expect(parsed.errors, "CSV parses").toEqual([]);
  expect(parsed.data.length, "one row per session").toBe(1);
  const row = parsed.data[0];
  const cell = (value: Scalar, text: string | undefined, label: string) => {
    expect(text, `${label} column exists`).not.toBeUndefined();
    if (value === null) expect(text, label).toBe("");
    else if (typeof value === "number") expectClose(Number(text), value, label);
    else expect(text, label).toBe(String(value));
  };
  for (const [key, value] of Object.entries(ref.performance_scores)) cell(value, row[`performance_${key}`], `performance_${key}`);
  for (const side of ["left_muscle", "right_muscle"] as const) {
    for (const [key, value] of Object.entries(ref.compliance_breakdown[side])) cell(value, row[`${side}_${key}`], `${side}_${key}`);
  }
  return row;
}

export async function downloadText(page: Page, click: () => Promise<void>): Promise<{ text: string; download: Download }> {
  const [download] = await Promise.all([page.waitForEvent("download"), click()]);
  const file = await download.path();
  return { text: readFileSync(file, "utf8"), download };
}

/** What the review page shows, read from its data attributes (full precision) and cells. */
export async function expectReviewShowsReference(page: Page, ref: PipelineReference): Promise<void> {
  const ps = ref.performance_scores;
  for (const [testId, key] of [
    ["overall-score", "overall_score"],
    ["compliance-score", "compliance_score"],
    ["symmetry-score", "symmetry_score"],
    ["effort-score", "effort_score"],
    ["game-score", "game_score"],
  ] as const) {
    const el = page.getByTestId(testId);
    const value = ps[key];
    // The page shows one decimal; the full value rides along in data-value for exact checks.
    await expect(el, `${key} text`).toHaveText(value === null ? "—" : (value as number).toFixed(1));
    const raw = await el.getAttribute("data-value");
    if (value === null) expect(raw, key).toBe("");
    else expectClose(Number(raw), value, key);
  }
  await expect(page.getByTestId("category")).toHaveAttribute("data-value", String(ps.category));
  for (const side of ["left_muscle", "right_muscle"] as const) {
    const m = ref.compliance_breakdown[side];
    await expect(page.getByTestId(`${side}-Contractions / expected`)).toHaveText(`${m.contraction_count} / ${m.expected_contractions}`);
    await expect(page.getByTestId(`${side}-Meeting intensity`)).toHaveText(`${m.intensity_compliant_count} / ${m.contraction_count}`);
    await expect(page.getByTestId(`${side}-Meeting duration`)).toHaveText(`${m.duration_compliant_count} / ${m.contraction_count}`);
    await expect(page.getByTestId(`${side}-Good (both)`)).toHaveText(`${m.good_contraction_count} / ${m.contraction_count}`);
  }
  // One row per contraction across the channel tables (plus one header row per table).
  const rows = page.locator("[data-testid=contraction-table] tbody tr");
  await expect(rows).toHaveCount(ref.contractions.length);
}

export interface OwnServer {
  url: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  /** Everything the server wrote to stdout and stderr so far. */
  log(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the server and deletes its DATA_DIR (call it once the spec has inspected the data). */
  dispose(): Promise<void>;
}

/**
 * Starts the built app (server.js serving build/index.js, as `npm run serve` does) on its own port
 * and DATA_DIR, for specs that change the configuration or kill the server. Resolves once /healthz
 * answers. `log()` is what the server printed so far (one JSON line per request).
 */
export async function startOwnServer(options: { port: number; dataDir?: string; env?: Record<string, string> }): Promise<OwnServer> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), "ghostly-e2e-own-"));
  // E2E_APP_DIR: a copy of the built app (server.js, build/, public/, supabase/migrations, node_modules) to serve instead of the checkout.
  const appDir = process.env.E2E_APP_DIR ?? ROOT;
  const child = spawn(process.execPath, [path.join(appDir, "server.js"), path.join(appDir, "build/index.js")], {
    cwd: appDir,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(options.port),
      DATA_DIR: dataDir,
      SESSION_SECRET: process.env.SESSION_SECRET ?? "e2e-own-server-session-secret-0123456789",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout?.on("data", (d) => (log += d));
  child.stderr?.on("data", (d) => (log += d));
  const url = `http://localhost:${options.port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app server exited (${child.exitCode}):\n${log}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`app server did not start within 90 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  // SIGKILL by default: the specs that use it test crashes, and a killed server must lose nothing.
  const stop = (signal: NodeJS.Signals = "SIGKILL") =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill(signal);
    });
  return {
    url,
    port: options.port,
    dataDir,
    process: child,
    log: () => log,
    stop,
    async dispose() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** How many sessions the signed-in user can see (the sessions list's status line, server-rendered). */
export async function visibleSessionCount(page: Page, patient?: string): Promise<number> {
  const response = await page.request.get(patient ? `/sessions?patient=${patient}` : "/sessions");
  expect(response.status()).toBe(200);
  const html = await response.text();
  if (html.includes("No sessions match.")) return 0;
  const match = /(\d+) sessions?, newest first/.exec(html);
  if (!match) throw new Error("the sessions list shows no count");
  return Number(match[1]);
}

/** A copy of a fixture with one byte changed: byte 1 of a C3D must be 0x50 (the header key). */
export function corruptC3d(file: string): Buffer {
  const bytes = Buffer.from(readFileSync(fixturePath(file)));
  bytes[1] = 0x00;
  return bytes;
}

const MARKER_SET = Buffer.from("Using ETRO extended marker set", "latin1");

/**
 * The n-th distinct copy of a GHOSTLY fixture: the last three characters of SUBJECTS:MARKER_SET
 * (free text the pipeline never reads) become n, so the file hash differs and the analysis not.
 */
export function distinctC3d(file: string, n: number): Buffer {
  const bytes = Buffer.from(readFileSync(fixturePath(file)));
  const at = bytes.indexOf(MARKER_SET);
  if (at < 0) throw new Error(`${file} has no SUBJECTS:MARKER_SET text to vary`);
  bytes.write(String(n).padStart(3, "0").slice(-3), at + MARKER_SET.length - 3, "latin1");
  return bytes;
}

/** The CSRF token a page's forms carry (server-rendered hidden input). */
export async function csrfToken(page: Page, pathname: string): Promise<string> {
  const html = await (await page.request.get(pathname)).text();
  const token = /<input[^>]*name="csrf"[^>]*value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error(`${pathname} renders no CSRF field`);
  return token;
}

/** Resident memory of a process in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
  return kb / 1024;
}
