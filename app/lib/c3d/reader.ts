import { C3dError } from "./errors";
import { BLOCK_SIZE, readHeader } from "./header";
import { readParameters } from "./parameters";
import { numberParameter, numberSeries, findParameter, stringSeries } from "./lookup";
import { fitFramesToData, frameRange } from "./frames";
import { frameLayout } from "./layout";
import { decodeFrames, type AnalogCalibration, type FrameLayout } from "./data";
import { trimC3dString } from "./bytes";
import type { C3dFile, C3dGroup, C3dHeader, C3dWarning, DataType } from "./types";

/**
 * Parses a C3D file (any processor type, integer or float storage). Throws C3dError for a file that is
 * not C3D or whose structure is impossible; anything recoverable (missing groups, truncated data,
 * inconsistent counts) is read as far as it goes and reported in `warnings`.
 */
export function readC3d(bytes: Uint8Array): C3dFile {
  const warnings: C3dWarning[] = [];
  const { header, codec, processorType, parameterStart, parameterBlocks } = readHeader(bytes, warnings);
  const groups = readParameters(bytes, codec, parameterStart, parameterBlocks, (header.dataStartBlock - 1) * BLOCK_SIZE, warnings);
  const dataType: DataType = header.scale < 0 ? "float" : "int";
  if (!groups.some((g) => g.name.toUpperCase() === "POINT")) {
    warnings.push({ code: "no-point-group", message: "no POINT group: point count, scale and rate taken from the header" });
  }

  const dataStart = dataStartOffset(header, groups, warnings, bytes.length);
  const declared = frameRange(header, groups, warnings);
  const wordSize = dataType === "float" ? 4 : 2;
  const check = { declaredFrames: declared.count, unfinalized: declared.unfinalized, available: bytes.length - dataStart, wordSize };
  const layout = frameLayout(header, groups, check, warnings);
  const frameBytes = (4 * layout.pointCount + layout.analogWords) * wordSize;
  const pointRate = positive(numberParameter(groups, "POINT", "RATE")) ?? header.frameRate;

  const { frames, completeness } = fitFramesToData(declared, frameBytes, dataStart, bytes.length, pointRate, groups, warnings);

  const pointScale = pointScaleOf(header, groups, dataType, layout.pointCount, warnings);
  const calibration = analogCalibration(groups, layout.channelCount, warnings);
  const decoded = decodeFrames(bytes, dataStart, frames.count, layout, dataType, codec, pointScale, calibration);
  const analogRate = analogRateOf(groups, layout, pointRate, warnings);

  return {
    header,
    processorType,
    dataType,
    groups,
    frames,
    completeness,
    pointRate,
    points: {
      labels: fill(stringSeries(groups, "POINT", "LABELS") ?? [], layout.pointCount, (i) => `POINT${i + 1}`),
      descriptions: fill(stringSeries(groups, "POINT", "DESCRIPTIONS") ?? [], layout.pointCount, () => ""),
      x: decoded.x,
      y: decoded.y,
      z: decoded.z,
      residual: decoded.residual,
      cameraMask: decoded.cameraMask,
    },
    analog: {
      labels: fill(stringSeries(groups, "ANALOG", "LABELS") ?? [], layout.channelCount, (i) => `CH${i + 1}`),
      descriptions: fill(stringSeries(groups, "ANALOG", "DESCRIPTIONS") ?? [], layout.channelCount, () => ""),
      units: fill(stringSeries(groups, "ANALOG", "UNITS") ?? [], layout.channelCount, () => ""),
      rate: analogRate,
      samplesPerFrame: layout.samplesPerFrame,
      channels: decoded.channels,
      unsigned: calibration.unsigned,
    },
    warnings,
  };
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}

function dataStartOffset(header: C3dHeader, groups: C3dGroup[], warnings: C3dWarning[], length: number): number {
  let block = header.dataStartBlock;
  if (block === 0) {
    const fromParameter = numberParameter(groups, "POINT", "DATA_START");
    if (fromParameter !== undefined && fromParameter > 0) {
      block = fromParameter & 0xffff;
      warnings.push({ code: "data-start-from-parameter", message: `header data start block is 0; POINT:DATA_START ${block} used` });
    }
  }
  if (block <= header.parameterBlock) {
    throw new C3dError(
      "bad-data-start",
      16,
      `data section starts at block ${block}, which is not after the parameter section (block ${header.parameterBlock})`,
    );
  }
  const start = (block - 1) * BLOCK_SIZE;
  if (start > length) {
    throw new C3dError(
      "header-past-end",
      16,
      `header puts the data section at block ${block} (byte ${start}) but the file has ${length} bytes`,
    );
  }
  return start;
}

/**
 * ANALOG:RATE when positive. Without it, channels still have a rate — the point rate × samples per
 * frame, as the C3D guide defines the layout (warned) — while a file without channels has 0 when an
 * ANALOG group says so and null when it has no ANALOG group: nothing in it has an analog rate.
 */
function analogRateOf(groups: C3dGroup[], layout: FrameLayout, pointRate: number, warnings: C3dWarning[]): number | null {
  const rate = positive(numberParameter(groups, "ANALOG", "RATE"));
  if (rate !== undefined) return rate;
  if (layout.channelCount > 0) {
    const derived = pointRate * layout.samplesPerFrame;
    warnings.push({
      code: "analog-rate-derived",
      message: `${layout.channelCount} analog channels but no positive ANALOG:RATE; ${derived} Hz assumed (point rate ${pointRate} × ${layout.samplesPerFrame} samples per frame)`,
    });
    return derived;
  }
  return groups.some((g) => g.name.toUpperCase() === "ANALOG") ? 0 : null;
}

/**
 * POINT:SCALE scales integer coordinates and every residual; the header's sign says whether the data
 * is float. A header scale that differs in magnitude is reported (for files with points, where the
 * scale means something), but POINT:SCALE is used, as other readers do.
 */
function pointScaleOf(header: C3dHeader, groups: C3dGroup[], dataType: DataType, pointCount: number, warnings: C3dWarning[]): number {
  const parameter = numberParameter(groups, "POINT", "SCALE");
  if (parameter === undefined || !Number.isFinite(parameter)) return header.scale;
  if (parameter < 0 !== (dataType === "float") && parameter !== 0) {
    warnings.push({
      code: "scale-sign-disagreement",
      message: `POINT:SCALE ${parameter} and header scale ${header.scale} disagree on float storage; the header's sign decides (${dataType})`,
    });
  }
  if (pointCount > 0 && Math.abs(parameter) !== Math.abs(header.scale)) {
    warnings.push({
      code: "scale-disagreement",
      message: `header scale ${header.scale} and POINT:SCALE ${parameter} differ; |POINT:SCALE| used for ${dataType === "int" ? "coordinates and residuals" : "residuals"}`,
    });
  }
  return parameter;
}

function analogCalibration(groups: C3dGroup[], channelCount: number, warnings: C3dWarning[]): AnalogCalibration {
  const format = findParameter(groups, "ANALOG", "FORMAT");
  const unsigned = format !== undefined && format.type === -1 && trimC3dString(String(format.values[0] ?? "")).toUpperCase() === "UNSIGNED";
  const scales = numberSeries(groups, "ANALOG", "SCALE") ?? [];
  const offsets = numberSeries(groups, "ANALOG", "OFFSET") ?? [];
  const genScale = numberParameter(groups, "ANALOG", "GEN_SCALE");
  if (channelCount > 0) {
    const missing: string[] = [];
    if (scales.length < channelCount) missing.push(`ANALOG:SCALE has ${scales.length} values (1 assumed for the rest)`);
    if (offsets.length < channelCount) missing.push(`ANALOG:OFFSET has ${offsets.length} values (0 assumed for the rest)`);
    if (genScale === undefined) missing.push("ANALOG:GEN_SCALE absent (1 assumed)");
    if (missing.length > 0) {
      warnings.push({ code: "analog-calibration-missing", message: `${channelCount} analog channels but ${missing.join("; ")}` });
    }
  }
  const offset = new Float64Array(channelCount);
  const scale = new Float64Array(channelCount);
  for (let c = 0; c < channelCount; c++) {
    // OFFSET is stored as int16; with ANALOG:FORMAT UNSIGNED it means the same bits read as uint16.
    const raw = c < offsets.length ? offsets[c] : 0;
    offset[c] = unsigned ? raw & 0xffff : raw;
    scale[c] = c < scales.length ? scales[c] : 1;
  }
  return { offset, scale, genScale: genScale ?? 1, unsigned };
}

/** The first `count` values, padded by `fallback(index)` where the file has too few. */
function fill(values: string[], count: number, fallback: (index: number) => string): string[] {
  const out = values.slice(0, count);
  for (let i = out.length; i < count; i++) out.push(fallback(i));
  return out;
}
