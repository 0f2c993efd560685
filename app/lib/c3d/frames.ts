import { C3dError } from "./errors";
import { BLOCK_SIZE } from "./header";
import { findParameter, numberParameter } from "./lookup";
import type { C3dGroup, C3dHeader, C3dWarning } from "./types";

export type FrameCountSource = "TRIAL:ACTUAL_*_FIELD" | "POINT:LONG_FRAMES" | "POINT:FRAMES" | "header";

export interface FrameRange {
  first: number;
  last: number;
  count: number;
  source: FrameCountSource;
}

/** A 32-bit frame number stored as two 16-bit words, low word first (TRIAL:ACTUAL_*_FIELD). */
function twoWordFrame(values: number[]): number {
  const low = values[0] & 0xffff;
  const high = values.length > 1 ? values[1] & 0xffff : 0;
  return high * 65536 + low;
}

/**
 * Which frames the file declares, by the first rule that applies (docs/decisions/010):
 * 1. TRIAL:ACTUAL_START_FIELD / ACTUAL_END_FIELD — 32-bit, written by software that records past 65535;
 * 2. POINT:LONG_FRAMES (float) — the other long-trial convention;
 * 3. the header's 16-bit first/last frame when POINT:FRAMES is absent or agrees with it;
 * 4. POINT:FRAMES (read unsigned: counts above 32767 are stored as negative int16) when the header
 *    disagrees — the header is the field writers most often leave stale or clipped.
 * A header first frame of 0 (zero-based writers) is renumbered from 1. The caller clamps the count to
 * what the data section really holds.
 */
export function frameRange(header: C3dHeader, groups: C3dGroup[], warnings: C3dWarning[]): FrameRange {
  const start = findParameter(groups, "TRIAL", "ACTUAL_START_FIELD");
  const end = findParameter(groups, "TRIAL", "ACTUAL_END_FIELD");
  if (start && end && start.type === 2 && end.type === 2 && start.values.length > 0 && end.values.length > 0) {
    const first = twoWordFrame(start.values as number[]);
    const last = twoWordFrame(end.values as number[]);
    if (first >= 1 && last >= first) return { first, last, count: last - first + 1, source: "TRIAL:ACTUAL_*_FIELD" };
    warnings.push({ code: "bad-trial-fields", message: `TRIAL:ACTUAL_START_FIELD ${first} / ACTUAL_END_FIELD ${last} do not form a frame range; ignored` });
  }

  let headerFirst = header.firstFrame;
  let headerLast = header.lastFrame;
  if (headerFirst === 0) {
    headerFirst = 1;
    headerLast += 1;
    warnings.push({ code: "zero-based-frames", message: "header first frame is 0 (zero-based writer); frames renumbered from 1" });
  }
  const headerCount = headerLast >= headerFirst ? headerLast - headerFirst + 1 : 0;
  if (headerLast < headerFirst) {
    warnings.push({ code: "header-frames-reversed", message: `header last frame ${header.lastFrame} is before first frame ${header.firstFrame}; header gives no frames` });
  }

  const longFrames = numberParameter(groups, "POINT", "LONG_FRAMES");
  if (longFrames !== undefined && Number.isFinite(longFrames) && longFrames >= 1) {
    const count = Math.round(longFrames);
    return { first: headerFirst, last: headerFirst + count - 1, count, source: "POINT:LONG_FRAMES" };
  }

  const pointFrames = numberParameter(groups, "POINT", "FRAMES");
  if (pointFrames === undefined) {
    warnings.push({ code: "no-point-frames", message: `POINT:FRAMES absent; frame count taken from the header (frames ${headerFirst}..${headerLast})` });
    return { first: headerFirst, last: headerLast, count: headerCount, source: "header" };
  }
  const frames = pointFrames & 0xffff;
  if (frames === headerCount || frames === 0) {
    return { first: headerFirst, last: headerLast, count: headerCount, source: "header" };
  }
  warnings.push({
    code: "frame-count-disagreement",
    message: `header frames ${header.firstFrame}..${header.lastFrame} (${headerCount}) disagree with POINT:FRAMES ${frames}; POINT:FRAMES used`,
  });
  return { first: headerFirst, last: headerFirst + frames - 1, count: frames, source: "POINT:FRAMES" };
}

/**
 * Clamps the declared range to the whole frames present from byte `dataStart` on. Frames of zero
 * bytes (no points, no analog) with a data section behind them cannot be true; without data they
 * are read as 0 frames.
 */
export function fitFramesToData(
  frames: FrameRange,
  frameBytes: number,
  dataStart: number,
  fileLength: number,
  warnings: C3dWarning[],
): FrameRange {
  const available = fileLength - dataStart;
  if (frameBytes === 0) {
    if (frames.count === 0) return frames;
    if (available >= BLOCK_SIZE) {
      throw new C3dError(
        "zero-frame-size",
        2,
        `header declares ${frames.count} frames of 0 points and 0 analog words, yet ${available} bytes of data follow byte ${dataStart}`,
      );
    }
    warnings.push({ code: "empty-frames", message: `${frames.count} frames declared, but frames hold no points and no analog channels; 0 frames read` });
    return { ...frames, count: 0, last: frames.first - 1 };
  }
  const fit = Math.floor(available / frameBytes);
  if (fit < frames.count) {
    warnings.push({
      code: "truncated",
      message: `${frames.count} frames declared (${frames.source}) but the data section from byte ${dataStart} holds ${fit} complete frames of ${frameBytes} bytes; read ${fit}`,
    });
    return { ...frames, count: fit, last: frames.first + fit - 1 };
  }
  if ((fit - frames.count) * frameBytes >= BLOCK_SIZE) {
    // More than block padding left over: a count clipped at 16 bits, or a stale header.
    warnings.push({
      code: "data-beyond-frames",
      message: `${frames.count} frames declared (${frames.source}) but the data section holds ${fit}; only the declared frames were read`,
    });
  }
  return frames;
}
