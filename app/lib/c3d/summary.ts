import { fsum } from "./fsum";
import type { C3dFile, C3dParameter } from "./types";

/** C3D parameter type byte → the name used in the reference files and the CLI output. */
export const PARAMETER_TYPE_NAMES = { [-1]: "CHAR", 1: "BYTE", 2: "INT", 4: "FLOAT" } as const;

export interface SeriesStats {
  n_samples: number;
  n_nan: number;
  /** Correctly rounded sums over the non-NaN values (sum_sq squares each value in float64 first). */
  sum: number;
  sum_sq: number;
  min: number;
  max: number;
  first5: number[];
  last5: number[];
}

export interface C3dSummaryJson {
  summary: {
    first_frame: number;
    last_frame: number;
    n_frames: number;
    point_rate: number;
    analog_rate: number | null;
    n_points: number;
    n_analog_channels: number;
    analog_samples_per_frame: number;
    processor_type: C3dFile["processorType"];
    data_type: C3dFile["dataType"];
    n_analog_samples_per_channel: number;
    frame_count_source: string;
  };
  groups: { name: string; parameters: { name: string; type: string; dimension: number[]; values: string[] | number[] }[] }[];
  analog_labels: string[];
  analogs: { index: number; label: string; stats: SeriesStats }[];
  warnings: { code: string; message: string }[];
}

/** Statistics of one series, as the reference files record them. */
export function seriesStats(values: Float64Array | Float32Array): SeriesStats {
  const finite = new Float64Array(values.length);
  const squares = new Float64Array(values.length);
  let n = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    finite[n] = v;
    squares[n++] = v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return {
    n_samples: values.length,
    n_nan: values.length - n,
    sum: fsum(finite.subarray(0, n)),
    sum_sq: fsum(squares.subarray(0, n)),
    min: n > 0 ? min : Number.NaN,
    max: n > 0 ? max : Number.NaN,
    first5: Array.from(values.subarray(0, 5)),
    last5: Array.from(values.subarray(Math.max(0, values.length - 5))),
  };
}

function parameterJson(p: C3dParameter) {
  return { name: p.name, type: PARAMETER_TYPE_NAMES[p.type], dimension: p.dimensions, values: p.values };
}

/**
 * The CLI's JSON view of a parsed file, with the reference files' field names. `analog_labels` names
 * the recorded channels only (files may label more); `analog_rate` is the reader's, null when the
 * file has neither an ANALOG group nor analog data.
 */
export function summarizeC3d(file: C3dFile): C3dSummaryJson {
  const channels = file.analog.channels;
  return {
    summary: {
      first_frame: file.frames.first,
      last_frame: file.frames.last,
      n_frames: file.frames.count,
      point_rate: file.pointRate,
      analog_rate: file.analog.rate,
      n_points: file.points.x.length,
      n_analog_channels: channels.length,
      analog_samples_per_frame: file.analog.samplesPerFrame,
      processor_type: file.processorType,
      data_type: file.dataType,
      n_analog_samples_per_channel: channels.length > 0 ? channels[0].length : 0,
      frame_count_source: file.frames.source,
    },
    groups: file.groups.map((g) => ({ name: g.name, parameters: g.parameters.map(parameterJson) })),
    analog_labels: file.analog.labels,
    analogs: channels.map((series, index) => ({ index, label: file.analog.labels[index], stats: seriesStats(series) })),
    warnings: file.warnings,
  };
}
