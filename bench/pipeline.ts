/**
 * `npm run -s bench -- pipeline [--file <c3d>] [--runs N] [--json]`: read + EMG pipeline + scoring
 * (`analyzeC3d`, in-process) of one file after warm-up; prints median and p90 ms and peak RSS. With
 * `--json` the last line is
 * {"name":"pipeline","file":…,"median_ms":…,"p90_ms":…,"runs":…,"peak_rss_mb":…,"cpu_median_ms":…}
 * (wall-clock figures; `cpu_median_ms` is this process's CPU time, less sensitive to a busy machine).
 */
import { readFileSync } from "node:fs";
import { analyzeC3d } from "../app/lib/analysis/index";

const DEFAULT_FILE = "tests/fixtures/c3d/Ghostly_Emg_20230321_17-50-17-0881.c3d";
const WARMUP = 10;

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export default async function bench(args: string[]): Promise<void> {
  const file = flag(args, "--file") ?? DEFAULT_FILE;
  const runs = Math.max(30, Number(flag(args, "--runs") ?? 50));
  const json = args.includes("--json");
  const bytes = new Uint8Array(readFileSync(file));
  const name = file.split("/").pop();
  let sink = 0;
  for (let i = 0; i < WARMUP; i++) sink += analyzeC3d(bytes, { sourceFilename: name }).contractions.length;
  const times: number[] = [];
  // CPU time of this process as well: on a shared machine wall time includes waiting for a core.
  const cpuTimes: number[] = [];
  let peakRss = process.memoryUsage().rss;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const analysis = analyzeC3d(bytes, { sourceFilename: name });
    times.push(performance.now() - t0);
    const cpu = process.cpuUsage(c0);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
    sink += analysis.contractions.length;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);
  const quantile = (q: number, sorted = times) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const result = {
    name: "pipeline",
    file,
    median_ms: +quantile(0.5).toFixed(3),
    p90_ms: +quantile(0.9).toFixed(3),
    runs,
    peak_rss_mb: +(peakRss / 1024 / 1024).toFixed(1),
    cpu_median_ms: +quantile(0.5, cpuTimes).toFixed(3),
  };
  console.log(`pipeline ${file}: median ${result.median_ms} ms, p90 ${result.p90_ms} ms (CPU median ${result.cpu_median_ms} ms) over ${runs} runs (after ${WARMUP} warm-up), peak RSS ${result.peak_rss_mb} MB [contractions checksum ${sink}]`);
  if (json) console.log(JSON.stringify(result));
}
