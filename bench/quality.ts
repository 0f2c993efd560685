/**
 * `npx tsx bench/quality.ts`: the signal-quality checks (docs/quality.md) on the five GHOSTLY
 * recordings as they are, and on copies with injected defects; prints what each check finds, the
 * detection and false-positive rates, and how long each check takes on the 2.87 MB recording.
 * Prints only: the limits are argued in docs/quality.md and asserted in tests/unit/emg/quality*.
 */
import { readC3d } from "../app/lib/c3d/index";
import {
  channelQuality,
  checkArtifacts,
  checkClipping,
  checkFlatChannel,
  checkLineNoise,
  checkMvcFromOutlier,
  checkRecordingFrames,
  lineNoiseShare,
  findTransients,
  flatFraction,
  scanClipping,
} from "../app/lib/emg/quality/index";
import {
  GHOSTLY_FIXTURES,
  analyseMuscles,
  clamp,
  codesOf,
  cut,
  fixtureBytes,
  hum,
  quietestSample,
  railRuns,
  readFixture,
  spike,
  unfinalized,
  zeroed,
} from "../tests/support/quality";

const short = (name: string) => name.replace("Ghostly_Emg_", "").replace(".c3d", "");
const files = GHOSTLY_FIXTURES.map((name) => ({ name, file: readFixture(name) }));
const clean = new Map(files.map(({ name, file }) => [name, analyseMuscles(file)]));
const cleanCodes = new Map([...clean].map(([name, channels]) => [name, channels.map((c) => codesOf(channelQuality(c.input)))]));

console.log("## Clean recordings: findings per channel (value / limit)\n");
for (const [name, channels] of clean) {
  for (const c of channels) {
    const findings = channelQuality(c.input);
    const clip = scanClipping(c.raw, c.input.fs);
    const share = lineNoiseShare(c.input.psd, c.input.band);
    const spans = checkClipping(c.channel, c.raw, c.input.fs).spans;
    const { transients, sustainedPeak } = findTransients(c.input.bandpassed, c.input.envelope, c.input.fs, spans);
    // The closest call: every limit scaled by 1/4, the event nearest to its real limit.
    const near = findTransients(c.input.bandpassed, c.input.envelope, c.input.fs, spans, 0.25).transients;
    const closest = near.reduce<(typeof near)[number] | null>((a, t) => (!a || t.strength / t.limit > a.strength / a.limit ? t : a), null);
    const call = closest
      ? `closest transient ${closest.strength.toFixed(2)} vs limit ${(4 * closest.limit).toFixed(2)} at ${(closest.peak / c.input.fs).toFixed(2)} s`
      : "no transient within 1/4 of its limit";
    console.log(
      `${short(name)} ${c.channel}: clip ${(100 * clip.fraction).toFixed(3)} %, flat ${(100 * flatFraction(c.raw, c.input.fs)).toFixed(2)} %, ` +
        `rms ${(c.input.bandpassedRms! * 1e6).toFixed(1)} µV, mains ${share ? `${share.mainsHz} Hz ${(100 * share.fraction).toFixed(1)} %` : "-"}, ` +
        `transients ${transients.length} (sustained peak ${(sustainedPeak * 1e6).toFixed(0)} µV; ${call}), ` +
        `contractions ${c.result.contractions.length}, mvc ${(c.input.mvc.value * 1e6).toFixed(0)} µV`,
    );
    for (const f of findings) console.log(`    ${f.severity.padEnd(8)} ${f.code.padEnd(28)} value ${fmt(f.value)} limit ${fmt(f.limit)}`);
  }
}

function fmt(v: number | null): string {
  if (v === null) return "null";
  return Math.abs(v) < 1e-2 && v !== 0 ? v.toExponential(3) : (+v.toFixed(4)).toString();
}

/** Clean FP: signal codes on clean channels (the justified ones are named in docs/quality.md). */
const SIGNAL_CODES = ["clipping", "flat_channel", "line_noise", "artifact", "mvc_from_outlier"];
console.log("\n## Signal codes on the 10 clean channels\n");
for (const code of SIGNAL_CODES) {
  const flagged = [...cleanCodes].flatMap(([name, perChannel]) =>
    perChannel.flatMap((codes, i) => (codes.includes(code) ? [`${short(name)} CH${i + 1}`] : [])),
  );
  console.log(`${code.padEnd(18)} ${flagged.length}/10 ${flagged.join(", ")}`);
}

interface Row {
  defect: string;
  code: string;
  trials: number;
  caught: number;
  /** The other channel gained any code. */
  otherChanged: number;
  /** Codes the injected channel gained besides `code`. */
  extra: Map<string, number>;
  /** For spikes: the spike's window became the task MVC. */
  becameMvc?: number;
}

function run(defect: string, code: string, make: (c: ReturnType<typeof analyseMuscles>[number]) => Float64Array[]): Row {
  const row: Row = { defect, code, trials: 0, caught: 0, otherChanged: 0, extra: new Map(), becameMvc: 0 };
  for (const { name, file } of files) {
    const channels = clean.get(name)!;
    const before = cleanCodes.get(name)!;
    for (let index = 0; index < channels.length; index++) {
      for (const raw of make(channels[index])) {
        const replace = channels.map((_, i) => (i === index ? raw : undefined));
        const after = analyseMuscles(file, replace);
        const codes = after.map((c) => codesOf(channelQuality(c.input)));
        row.trials++;
        if (codes[index].includes(code)) row.caught++;
        const other = 1 - index;
        if (codes[other].join() !== before[other].join()) row.otherChanged++;
        for (const c of codes[index]) if (c !== code && !before[index].includes(c)) row.extra.set(c, (row.extra.get(c) ?? 0) + 1);
        if (after[index].input.mvc.value > channels[index].input.mvc.value * 1.0001) row.becameMvc!++;
      }
    }
  }
  return row;
}

const positions = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
const rows: Row[] = [
  run("rail runs 3 × 270 samples at −5.5 mV", "clipping", (c) => [railRuns(c.raw)]),
  run("clamped, 1 % of samples", "clipping", (c) => [clamp(c.raw, 0.01)]),
  run("clamped, 0.2 % of samples", "clipping", (c) => [clamp(c.raw, 0.002)]),
  run("clamped, 0.05 % of samples", "clipping", (c) => [clamp(c.raw, 0.0005)]),
  run("zeroed channel", "flat_channel", (c) => [zeroed(c.raw)]),
  run("zeroed from 90 % on (10 %)", "flat_channel", (c) => [c.raw.map((v, i) => (i >= 0.9 * c.raw.length ? 0 : v))]),
  run("50 Hz at 5 × signal RMS", "line_noise", (c) => [hum(c.raw, c.input.fs, 5, c.input.bandpassedRms!)]),
  run("50 Hz at 1 × signal RMS", "line_noise", (c) => [hum(c.raw, c.input.fs, 1, c.input.bandpassedRms!)]),
  run("50 Hz at 0.5 × signal RMS", "line_noise", (c) => [hum(c.raw, c.input.fs, 0.5, c.input.bandpassedRms!)]),
  run("50 Hz at 0.25 × signal RMS", "line_noise", (c) => [hum(c.raw, c.input.fs, 0.25, c.input.bandpassedRms!)]),
  run("60 Hz at 1 × signal RMS", "line_noise", (c) => [hum(c.raw, c.input.fs, 1, c.input.bandpassedRms!, 60)]),
];
const maxEnv = (c: ReturnType<typeof analyseMuscles>[number]) => c.input.mvc.value;
for (const factor of [10, 6, 4]) {
  rows.push(
    run(`6 ms spike ${factor} × MVC, quietest second`, "artifact", (c) => [
      spike(c.raw, c.input.fs, quietestSample(c.result), factor * maxEnv(c)),
    ]),
  );
}
for (const factor of [15, 10, 6]) {
  rows.push(
    run(`6 ms spike ${factor} × MVC, at 10 … 90 %`, "artifact", (c) =>
      positions.map((p) => spike(c.raw, c.input.fs, Math.floor(p * c.raw.length) + 7, factor * maxEnv(c))),
    ),
  );
}
const spikeMvc = run("6 ms spike 10 × MVC, quietest second", "mvc_from_outlier", (c) => [
  spike(c.raw, c.input.fs, quietestSample(c.result), 10 * maxEnv(c)),
]);
rows.push(spikeMvc);

console.log("\n## Injected defects (5 recordings × 2 channels × positions)\n");
console.log("| defect | code | trials | caught | other channel changed | spike became MVC | other codes on the channel |");
console.log("|---|---|---|---|---|---|---|");
for (const r of rows) {
  const pct = (k: number) => `${k}/${r.trials} (${((100 * k) / r.trials).toFixed(0)} %)`;
  const extra = [...r.extra].map(([c, k]) => `${c} ${k}`).join(", ") || "-";
  console.log(
    `| ${r.defect} | ${r.code} | ${r.trials} | ${pct(r.caught)} | ${pct(r.otherChanged)} | ${r.code === "artifact" || r.code === "mvc_from_outlier" ? pct(r.becameMvc!) : "-"} | ${extra} |`,
  );
}

console.log("\n## Cut and unfinalized files (session level)\n");
for (const fraction of [0.6, 0.9, 0.99]) {
  let caught = 0;
  for (const { name } of files) {
    const file = readC3d(cut(fixtureBytes(name), fraction));
    if (checkRecordingFrames(file.completeness)?.code === "recording_truncated") caught++;
  }
  console.log(`cut at ${100 * fraction} %: ${caught}/${files.length} recording_truncated`);
}
const whole = files.filter(({ file }) => checkRecordingFrames(file.completeness) !== null).length;
console.log(`whole files: ${whole}/${files.length} recording_truncated`);
const unfinished = files.filter(
  ({ name }) => checkRecordingFrames(readC3d(unfinalized(fixtureBytes(name))).completeness)?.code === "recording_recovered",
).length;
console.log(`unfinalized copies: ${unfinished}/${files.length} recording_recovered`);

console.log("\n## Time per check, Ghostly_Emg_20230321_17-50-17-0881 (173,370 samples per channel), median of 30\n");
const big = clean.get("Ghostly_Emg_20230321_17-50-17-0881.c3d")![0];
const timed = (label: string, fn: () => unknown) => {
  for (let i = 0; i < 5; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`${label.padEnd(22)} ${times[15].toFixed(3)} ms`);
};
const { fs } = big.input;

const spans = checkClipping(big.channel, big.raw, fs).spans;
timed("flat_channel", () => checkFlatChannel(big.channel, big.raw, fs, big.input.bandpassedRms));
timed("clipping", () => checkClipping(big.channel, big.raw, fs));
timed("line_noise", () => checkLineNoise(big.channel, big.input.psd, big.input.band));
timed("artifact", () => checkArtifacts(big.channel, big.input.bandpassed, big.input.envelope, fs, spans));
timed("mvc_from_outlier", () => checkMvcFromOutlier(big.channel, big.input.envelope, big.input.mvc, spans, fs));
timed("channelQuality (all)", () => channelQuality(big.input));
