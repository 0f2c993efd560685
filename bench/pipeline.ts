/**
 * `npm run -s bench -- pipeline [--file <c3d>] [--runs N] [--json]`: read + EMG pipeline + scoring
 * (`analyzeC3d`, in-process) of one file after warm-up; prints median and p90 ms, peak RSS and the
 * median of each stage timed on its own. With `--json` the last line is
 * {"name":"pipeline","file":…,"median_ms":…,"p90_ms":…,"runs":…,"peak_rss_mb":…,"cpu_median_ms":…,
 *  "with_hash_median_ms":…,"stages_ms":{…},"load_average":[…]}
 * (wall-clock figures; `cpu_median_ms` is this process's CPU time, less sensitive to a busy machine).
 *
 * The headline figures pass the file's sha256 in (`fileSha256`), computed once before timing: the
 * digest identifies the stored file (the storage layer hashes the same bytes on upload) and is not
 * part of reading or analysing it. `with_hash_median_ms` is `analyzeC3d`'s default, hashing included;
 * `stages_ms.sha256` is the hash alone. See docs/decisions/065-pipeline-speed.md.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { analyzeC3d, findMuscleChannels } from "../app/lib/analysis/index";
import { readC3d } from "../app/lib/c3d/index";
import { channelAnalytics } from "../app/lib/emg/analytics";
import { activatedRuns } from "../app/lib/emg/contractions";
import { rmsEnvelope } from "../app/lib/emg/envelope";
import { type MuscleInput, designBandpass, processMuscles } from "../app/lib/emg/muscle";
import { resolveProcessingParameters } from "../app/lib/emg/parameters";
import { sosfiltfilt } from "../app/lib/emg/sosfilt";
import { welch } from "../app/lib/emg/spectrum";
import { rmsEnvelopePair, sosfiltfiltPair, welchPair } from "../app/lib/emg/simd/index";

const DEFAULT_FILE = "tests/fixtures/c3d/Ghostly_Emg_20230321_17-50-17-0881.c3d";
const WARMUP = 10;
const STAGE_RUNS = 30;

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const round3 = (x: number) => +x.toFixed(3);

/** Median wall time of `fn` over STAGE_RUNS calls after a short warm-up. */
function medianMs(fn: () => unknown): number {
  for (let i = 0; i < 5; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < STAGE_RUNS; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return round3(
    quantile(
      times.sort((a, b) => a - b),
      0.5,
    ),
  );
}

/**
 * Each stage on its own. `both_muscles` is processMuscles on the file's two muscles as analyzeC3d
 * calls it (scan, band-pass, envelope, Welch and sums of both in shared SIMD lanes, then
 * contractions and analytics); `pair_*` are SIMD stages called alone (each copying its inputs in);
 * `scalar_*` the one-muscle functions on the first muscle, for comparison.
 */
function stageBreakdown(bytes: Uint8Array): Record<string, number> {
  const file = readC3d(bytes);
  const params = resolveProcessingParameters({}, file.analog.rate ?? 0);
  const sos = designBandpass(params);
  const fs = params.sampling_rate_hz;
  const inputs: MuscleInput[] = findMuscleChannels(file.analog).map((role) => ({
    id: role.id,
    label: role.rawLabel,
    side: role.side,
    raw: file.analog.channels[role.rawIndex],
    activated: role.activatedIndex != null ? file.analog.channels[role.activatedIndex] : null,
    targetDurationMs: 2000,
  }));
  const [first, second = first] = inputs;
  const [a, b] = sosfiltfiltPair(sos, first.raw, second.raw);
  const stages: Record<string, number> = {
    sha256: medianMs(() => createHash("sha256").update(bytes).digest("hex")),
    read_c3d: medianMs(() => readC3d(bytes)),
    both_muscles: medianMs(() => processMuscles(inputs, params, sos, { keepBandpassed: false })),
    pair_bandpass: medianMs(() => sosfiltfiltPair(sos, first.raw, second.raw)),
    pair_envelope: medianMs(() => rmsEnvelopePair(a, b, fs, params.rms_window_ms, params.rms_overlap_percent)),
    pair_welch: medianMs(() => welchPair(a, b, fs)),
    scalar_bandpass: medianMs(() => sosfiltfilt(sos, first.raw)),
    scalar_envelope: medianMs(() => rmsEnvelope(a, fs, params.rms_window_ms, params.rms_overlap_percent)),
    scalar_welch: medianMs(() => welch(a, fs)),
    scalar_analytics_with_welch: medianMs(() => channelAnalytics(a, fs)),
  };
  if (first.activated) {
    const activated = first.activated;
    stages.scalar_activated_runs = medianMs(() => activatedRuns(activated, params.activated_threshold_factor));
  }
  return stages;
}

export default function bench(args: string[]): void {
  const file = flag(args, "--file") ?? DEFAULT_FILE;
  const runs = Math.max(30, Number(flag(args, "--runs") ?? 50));
  const json = args.includes("--json");
  const bytes = new Uint8Array(readFileSync(file));
  const name = file.split("/").pop();
  const fileSha256 = createHash("sha256").update(bytes).digest("hex");
  const load = loadavg().map((x) => +x.toFixed(2));
  let sink = 0;
  for (let i = 0; i < WARMUP; i++) sink += analyzeC3d(bytes, { sourceFilename: name, fileSha256 }).contractions.length;
  const times: number[] = [];
  // CPU time of this process as well: on a shared machine wall time includes waiting for a core.
  const cpuTimes: number[] = [];
  let peakRss = process.memoryUsage().rss;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const analysis = analyzeC3d(bytes, { sourceFilename: name, fileSha256 });
    times.push(performance.now() - t0);
    const cpu = process.cpuUsage(c0);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
    sink += analysis.contractions.length;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const withHash: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    sink += analyzeC3d(bytes, { sourceFilename: name }).contractions.length;
    withHash.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);
  withHash.sort((a, b) => a - b);
  const stages = stageBreakdown(bytes);
  const result = {
    name: "pipeline",
    file,
    median_ms: round3(quantile(times, 0.5)),
    p90_ms: round3(quantile(times, 0.9)),
    runs,
    peak_rss_mb: +(peakRss / 1024 / 1024).toFixed(1),
    cpu_median_ms: round3(quantile(cpuTimes, 0.5)),
    with_hash_median_ms: round3(quantile(withHash, 0.5)),
    stages_ms: stages,
    load_average: load,
  };
  console.log(
    `pipeline ${file}: median ${result.median_ms} ms, p90 ${result.p90_ms} ms (CPU median ${result.cpu_median_ms} ms) over ${runs} runs ` +
      `(after ${WARMUP} warm-up), peak RSS ${result.peak_rss_mb} MB; with sha256 hashing: median ${result.with_hash_median_ms} ms ` +
      `[load average ${load.join(" ")}; contractions checksum ${sink}]`,
  );
  console.log(
    `stages (median ms, each timed alone): ${Object.entries(stages)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
  );
  if (json) console.log(JSON.stringify(result));
}
