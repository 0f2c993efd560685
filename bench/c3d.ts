/**
 * `npm run bench -- c3d [--file=path] [--runs=N]`: parse time of one C3D file (default: the 2.87 MB
 * GHOSTLY recording, 50 runs, at least 30) after warm-up; prints median/min ms and MB/s of file bytes.
 */
import { readFileSync } from "node:fs";
import { readC3d } from "../app/lib/c3d/index";

const DEFAULT_FILE = "tests/fixtures/c3d/Ghostly_Emg_20230321_17-50-17-0881.c3d";

export default function bench(args: string[]): void {
  const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const path = option("file") ?? DEFAULT_FILE;
  const runs = Math.max(30, Number(option("runs") ?? 50) || 50);
  const bytes = new Uint8Array(readFileSync(path));
  for (let i = 0; i < 10; i++) readC3d(bytes);
  const times: number[] = [];
  // CPU time of this process as well: on a shared machine wall time mostly measures the neighbours.
  const cpuTimes: number[] = [];
  let sink = 0;
  for (let i = 0; i < runs; i++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const file = readC3d(bytes);
    times.push(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
    sink += file.analog.channels.length;
  }
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const cpuMedian = cpuTimes[Math.floor(cpuTimes.length / 2)];
  const mb = bytes.length / 1e6;
  console.log(
    JSON.stringify({
      file: path,
      bytes: bytes.length,
      runs,
      median_ms: +median.toFixed(3),
      min_ms: +times[0].toFixed(3),
      median_MB_per_s: +(mb / (median / 1000)).toFixed(1),
      best_MB_per_s: +(mb / (times[0] / 1000)).toFixed(1),
      median_cpu_ms: +cpuMedian.toFixed(3),
      median_cpu_MB_per_s: +(mb / (cpuMedian / 1000)).toFixed(1),
      channels_checksum: sink,
    }),
  );
}
