/**
 * Every shared fixture against what the independent reference reader saw (tests/fixtures/reference).
 *
 * Where readers disagree, we assert the C3D-specification reading, which is what the reference files'
 * primary reader records in those cases:
 * - ANALOG:OFFSET is int16, read as uint16 when ANALOG:FORMAT = "UNSIGNED" (128analogchannels, shd01);
 *   16bitanalog has no FORMAT, so its OFFSET −32768 is taken literally (values near 65536, not ezc3d's
 *   abs(OFFSET) ≈ 0).
 * - The point residual is the low byte of the 4th word × |POINT:SCALE| (camera mask in the high
 *   byte); float files store that integer as a float. We compare with first_frame_residual_spec and
 *   residual_sum_spec, never ezc3d's swapped-byte residual.
 * - A header first frame of 0 (emgwl) is renumbered from 1, as every reference reader reports it.
 */
import { describe, expect, it } from "vitest";
import { readC3d, getParameter, type C3dFile } from "~/lib/c3d";
import { summarizeC3d, PARAMETER_TYPE_NAMES, type C3dSummaryJson } from "~/lib/c3d/summary";
import { fsum } from "~/lib/c3d/fsum";
import { fixtureBytes, fixtureNames, loadReference, type Reference } from "./reference";

const REL_SUMS = 1e-9;
const REL_VALUES = 1e-12;
/** float32 unit roundoff: int-storage coordinates are int16·scale rounded once to float32. */
const F32_EPS = 2 ** -24;

function expectClose(actual: number | null, expected: number | null, rel: number, what: string): void {
  if (expected === null || Number.isNaN(expected)) {
    expect(actual === null || Number.isNaN(actual), `${what}: expected NaN, got ${actual}`).toBe(true);
    return;
  }
  expect(actual, what).not.toBeNull();
  const tolerance = rel * Math.abs(expected);
  expect(Math.abs((actual as number) - expected) <= tolerance, `${what}: ${actual} vs ${expected} (rel ${rel})`).toBe(true);
}

const names = fixtureNames();
const cache = new Map<string, { file: C3dFile; ref: Reference; summary: C3dSummaryJson }>();
function load(name: string) {
  let entry = cache.get(name);
  if (!entry) {
    const file = readC3d(fixtureBytes(name));
    entry = { file, ref: loadReference(name), summary: summarizeC3d(file) };
    cache.set(name, entry);
  }
  return entry;
}

it("has all 26 shared fixtures", () => {
  expect(names).toHaveLength(26);
});

describe.each(names)("%s", (name) => {
  it("summary matches the reference", () => {
    const { file, ref, summary } = load(name);
    const mine = summary.summary;
    const s = ref.summary;
    expect({ ...mine, frame_count_source: undefined }).toEqual({
      first_frame: s.first_frame,
      last_frame: s.last_frame,
      n_frames: s.n_frames,
      point_rate: s.point_rate,
      analog_rate: s.analog_rate,
      n_points: s.n_points,
      n_analog_channels: s.n_analog_channels,
      analog_samples_per_frame: s.analog_samples_per_frame,
      processor_type: s.processor_type,
      data_type: s.data_type,
      n_analog_samples_per_channel: s.n_analog_samples_per_channel,
      frame_count_source: undefined,
    });
    expect(mine.frame_count_source).toBe(s.frame_count_source_spec);
    expect(file.analog.unsigned).toBe(s.analog_format_unsigned);
  });

  it("labels match the reference", () => {
    const { file, ref, summary } = load(name);
    // Eb015* list 32 ANALOG:LABELS for 16 recorded channels: ezc3d reports all 32, mini_c3d the 16
    // recorded. We label recorded channels only, so compare with the reference's first n labels.
    const n = file.analog.channels.length;
    expect(ref.reference.analog_labels.length).toBeGreaterThanOrEqual(n);
    expect(file.analog.labels).toEqual(ref.reference.analog_labels.slice(0, n));
    expect(summary.analog_labels).toEqual(file.analog.labels);
    // Where the file names fewer points than it records (phasespace_sample has no parameters at
    // all), the reader numbers the rest POINT<n>.
    const pointLabels = ref.reference.point_labels.slice(0, file.points.x.length);
    const generated = Array.from({ length: file.points.x.length - pointLabels.length }, (_, i) => `POINT${pointLabels.length + i + 1}`);
    expect(file.points.labels).toEqual([...pointLabels, ...generated]);
  });

  it("analog channels match the reference statistics", () => {
    const { ref, summary } = load(name);
    const analogs = summary.analogs;
    expect(analogs).toHaveLength(ref.reference.analogs.length);
    for (const expected of ref.reference.analogs) {
      const got = analogs[expected.index].stats;
      const what = `${name} channel ${expected.index} (${expected.label})`;
      expect(analogs[expected.index].label).toBe(expected.label);
      expect(got.n_samples, what).toBe(expected.stats.n_samples);
      expectClose(got.sum, expected.stats.sum, REL_SUMS, `${what} sum`);
      expectClose(got.sum_sq, expected.stats.sum_sq, REL_SUMS, `${what} sum_sq`);
      expectClose(got.min, expected.stats.min, REL_SUMS, `${what} min`);
      expectClose(got.max, expected.stats.max, REL_SUMS, `${what} max`);
      expected.stats.first5.forEach((v, i) => expectClose(got.first5[i], v, REL_VALUES, `${what} first5[${i}]`));
      expected.stats.last5.forEach((v, i) => expectClose(got.last5[i], v, REL_VALUES, `${what} last5[${i}]`));
    }
  });

  it("points match the reference (first frame, sums, residual per the C3D spec)", () => {
    const { file, ref } = load(name);
    const points = ref.reference.points;
    expect(file.points.x.length).toBe(points.length);
    if (points.length === 0) return;
    expect(file.frames.count).toBe(ref.reference.n_point_frames);
    const rounding = file.dataType === "int" ? F32_EPS : 0;
    // ezc3d-primary files carry the spec residual in *_spec fields; mini_c3d-primary files (already
    // spec-following) only in first_frame_xyz_residual[3] / residual_sum.
    const spec = ref.primary_reader !== "mini_c3d";
    for (const p of points) {
      const what = `${name} point ${p.index} (${p.label})`;
      const axes = [file.points.x[p.index], file.points.y[p.index], file.points.z[p.index]];
      axes.forEach((axis, k) => {
        const expected = p.first_frame_xyz_residual[k];
        expectClose(axis[0], expected, rounding + REL_VALUES, `${what} first frame ${"xyz"[k]}`);
      });
      // The residual (low byte × |POINT:SCALE|) is stored as float32 in every storage type.
      const firstResidual = spec ? p.first_frame_residual_spec : p.first_frame_xyz_residual[3];
      expectClose(file.points.residual[p.index][0], firstResidual, F32_EPS + REL_VALUES, `${what} residual`);
      const residual = file.points.residual[p.index];
      // n_valid counts frames with coordinates (pyCGM2 stores NaN coordinates with residual 0).
      expect(axes[0].filter((v) => !Number.isNaN(v)).length, `${what} n_valid`).toBe(p.n_valid);
      expectSumWithin(residual, spec ? p.residual_sum_spec : p.residual_sum, F32_EPS, `${what} residual sum`);
      (["x", "y", "z"] as const).forEach((axis, k) => {
        // Plain numbers: squaring inside a Float32Array would round the squares to float32.
        const values = Array.from(axes[k]).filter((v) => !Number.isNaN(v));
        expectSumWithin(values, p[axis].sum, rounding, `${what} ${axis} sum`);
        expectSumWithin(
          values.map((v) => v * v),
          p[axis].sum_sq,
          2 * rounding,
          `${what} ${axis} sum_sq`,
        );
      });
    }
  });

  it("parameters match the reference values", () => {
    const { file, ref } = load(name);
    const seen = new Map<string, number>();
    for (const group of ref.reference.groups) {
      // ezc3d invents unnamed groups for parameters whose group record is missing (TYPE-2/4).
      if (group.name === "") continue;
      // …and adds mandatory groups the file does not have (every parameter in_file = false).
      if (group.parameters.length > 0 && group.parameters.every((p) => p.in_file === false)) continue;
      const occurrence = seen.get(group.name) ?? 0;
      seen.set(group.name, occurrence + 1);
      const mine = file.groups.filter((g) => g.name.toUpperCase() === group.name.toUpperCase())[occurrence];
      expect(mine, `${name} group ${group.name}#${occurrence}`).toBeDefined();
      expect(mine.description, `${name} group ${group.name} description`).toBe(group.description);
      expect(mine.locked, `${name} group ${group.name} locked`).toBe(group.locked);
      for (const parameter of group.parameters) {
        if (parameter.in_file === false) continue; // added by ezc3d, not in the file
        const what = `${name} ${group.name}:${parameter.name}`;
        const got = mine.parameters.find((p) => p.name.toUpperCase() === parameter.name.toUpperCase());
        expect(got, what).toBeDefined();
        expect(PARAMETER_TYPE_NAMES[got!.type], what).toBe(parameter.type);
        // ezc3d reports a scalar's (zero) dimensions as [1]
        const dimensions = ref.primary_reader === "ezc3d" && got!.dimensions.length === 0 ? [1] : got!.dimensions;
        expect(dimensions, `${what} dimensions`).toEqual(parameter.dimension);
        // mocap36 POINT:LABELS has no description byte: mini_c3d reads the next record's first bytes
        // as its description ("\x01DESCRIPTION"); we stop at the next record and read none.
        const description = name === "mocap36.c3d" && parameter.name === "LABELS" ? "" : parameter.description;
        expect(got!.description, `${what} description`).toBe(description);
        const expected = parameter.values_in_file ?? parameter.values;
        expect(got!.values.length, `${what} length`).toBe(expected.length);
        expected.forEach((v, i) => {
          if (typeof v === "string") expect(got!.values[i], what).toBe(v);
          else expectClose(got!.values[i] as number, v, REL_VALUES, `${what}[${i}]`);
        });
      }
    }
    expect(getParameter(file, "point", "Used")?.values[0] ?? file.points.x.length).toBe(file.points.x.length);
  });
});

/**
 * |fsum(values) − expected| ≤ eps·Σ|values| + 1e-9·|expected|: each stored value carries at most a
 * relative rounding `eps` (0 for float storage, where float32 data is read exactly).
 */
function expectSumWithin(values: ArrayLike<number>, expected: number, eps: number, what: string): void {
  const got = fsum(values);
  let magnitude = 0;
  for (let i = 0; i < values.length; i++) magnitude += Math.abs(values[i]);
  const tolerance = eps * magnitude + REL_SUMS * Math.abs(expected);
  expect(Math.abs(got - expected) <= tolerance, `${what}: ${got} vs ${expected} (tolerance ${tolerance})`).toBe(true);
}
