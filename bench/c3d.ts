/**
 * `npm run bench -- c3d [file] [runs]`: parse time of one C3D file (default: the 2.87 MB GHOSTLY
 * recording) after warm-up; prints median/min ms and MB/s of file bytes parsed.
 */
import { readFileSync } from "node:fs";
import { readC3d } from "../app/lib/c3d/index";

const DEFAULT_FILE = "tests/fixtures/c3d/Ghostly_Emg_20230321_17-50-17-0881.c3d";

export default async function bench(args: string[]): Promise<void> {
  const path = args[0] ?? DEFAULT_FILE;
  const runs = Math.max(30, Number(args[1] ?? 50));
  const bytes = new Uint8Array(readFileSync(path));
  for (let i = 0; i < 10; i++) readC3d(bytes);
  const times: number[] = [];
  let sink = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const file = readC3d(bytes);
    times.push(performance.now() - t0);
    sink += file.analog.channels.length;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const mb = bytes.length / 1e6;
  console.log(
    JSON.stringify({
      file: path,
      bytes: bytes.length,
      runs,
      median_ms: +median.toFixed(3),
      min_ms: +times[0].toFixed(3),
      median_MB_per_s: +(mb / (median / 1000)).toFixed(1),
      channels_checksum: sink,
    }),
  );
}
