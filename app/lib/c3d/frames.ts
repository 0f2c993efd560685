import { C3dError } from "./errors";
import { BLOCK_SIZE } from "./header";
import { findParameter, numberParameter } from "./lookup";
import type { C3dFrameCompleteness, C3dGroup, C3dHeader, C3dWarning } from "./types";

/** "data": an unfinalized recording, counted from the whole frames its data section holds. */
export type FrameCountSource = "TRIAL:ACTUAL_*_FIELD" | "POINT:LONG_FRAMES" | "POINT:FRAMES" | "header" | "data";

export interface FrameRange {
  first: number;
  last: number;
  count: number;
  source: FrameCountSource;
}

export interface DeclaredFrames extends FrameRange {
  /**
   * Header last frame 0 with POINT:FRAMES absent or 0 and no long-trial count: the writer never
   * finalized the file (a game that crashed), so the count is the data's, not the header's.
   */
  unfinalized: boolean;
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
 * A header first frame of 0 (zero-based writers) is renumbered from 1. When none of them declares a
 * frame (header last frame 0, POINT:FRAMES absent or 0) the range is empty and `unfinalized`; the
 * caller then counts the frames in the data section, and otherwise clamps the count to what it holds.
 */
export function frameRange(header: C3dHeader, groups: C3dGroup[], warnings: C3dWarning[]): DeclaredFrames {
  const start = findParameter(groups, "TRIAL", "ACTUAL_START_FIELD");
  const end = findParameter(groups, "TRIAL", "ACTUAL_END_FIELD");
  if (start && end && start.type === 2 && end.type === 2 && start.values.length > 0 && end.values.length > 0) {
    const first = twoWordFrame(start.values as number[]);
    const last = twoWordFrame(end.values as number[]);
    if (first >= 1 && last >= first) return { first, last, count: last - first + 1, source: "TRIAL:ACTUAL_*_FIELD", unfinalized: false };
    warnings.push({
      code: "bad-trial-fields",
      message: `TRIAL:ACTUAL_START_FIELD ${first} / ACTUAL_END_FIELD ${last} do not form a frame range; ignored`,
    });
  }

  const longFrames = numberParameter(groups, "POINT", "LONG_FRAMES");
  const hasLongFrames = longFrames !== undefined && Number.isFinite(longFrames) && longFrames >= 1;
  const pointFrames = numberParameter(groups, "POINT", "FRAMES");
  if (!hasLongFrames && header.lastFrame === 0 && (pointFrames === undefined || (pointFrames & 0xffff) === 0)) {
    // Checked before the zero-based renumbering: a header 0..0 here is an unwritten counter, not one frame.
    const first = Math.max(1, header.firstFrame);
    return { first, last: first - 1, count: 0, source: "header", unfinalized: true };
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
    warnings.push({
      code: "header-frames-reversed",
      message: `header last frame ${header.lastFrame} is before first frame ${header.firstFrame}; header gives no frames`,
    });
  }

  if (hasLongFrames) {
    const count = Math.round(longFrames);
    return { first: headerFirst, last: headerFirst + count - 1, count, source: "POINT:LONG_FRAMES", unfinalized: false };
  }

  if (pointFrames === undefined) {
    warnings.push({
      code: "no-point-frames",
      message: `POINT:FRAMES absent; frame count taken from the header (frames ${headerFirst}..${headerLast})`,
    });
    return { first: headerFirst, last: headerLast, count: headerCount, source: "header", unfinalized: false };
  }
  const frames = pointFrames & 0xffff;
  if (frames === headerCount || frames === 0) {
    return { first: headerFirst, last: headerLast, count: headerCount, source: "header", unfinalized: false };
  }
  warnings.push({
    code: "frame-count-disagreement",
    message: `header frames ${header.firstFrame}..${header.lastFrame} (${headerCount}) disagree with POINT:FRAMES ${frames}; POINT:FRAMES used`,
  });
  return { first: headerFirst, last: headerFirst + frames - 1, count: frames, source: "POINT:FRAMES", unfinalized: false };
}

/**
 * Groups other than POINT and ANALOG that locate per-frame data of their own by a DATA_START
 * parameter (ROTATION, as ezc3d and C-Motion write it). They explain a data section behind frames
 * that hold no points and no analog words; their data is not decoded.
 */
export function otherFrameDataGroups(groups: C3dGroup[]): string[] {
  const names: string[] = [];
  for (const group of groups) {
    const name = group.name.toUpperCase();
    if (name === "POINT" || name === "ANALOG" || names.includes(name)) continue;
    const start = numberParameter([group], name, "DATA_START");
    const used = numberParameter([group], name, "USED");
    if (start !== undefined && start > 0 && (used === undefined || used > 0)) names.push(name);
  }
  return names;
}

export interface FittedFrames {
  frames: FrameRange;
  completeness: C3dFrameCompleteness;
}

/**
 * The frames to read, given `frameBytes` per frame from byte `dataStart` on: the declared range
 * clamped to the whole frames present (warning `truncated`), or for an unfinalized recording every
 * whole frame present (warning `recording_recovered`). Frames of zero bytes (no points, no analog)
 * keep their declared count when another group's per-frame data explains the data section; without
 * such a group a data section behind them cannot be true, and without data they are read as 0 frames.
 */
export function fitFramesToData(
  declared: DeclaredFrames,
  frameBytes: number,
  dataStart: number,
  fileLength: number,
  pointRate: number,
  groups: C3dGroup[],
  warnings: C3dWarning[],
): FittedFrames {
  const seconds = (frames: number): number | null => (Number.isFinite(pointRate) && pointRate > 0 ? frames / pointRate : null);
  const fitted = (frames: FrameRange, status: C3dFrameCompleteness["status"], framesInData: number | null): FittedFrames => ({
    // Exactly these four keys: the range is stored with a session's C3D metadata.
    frames: { first: frames.first, last: frames.last, count: frames.count, source: frames.source },
    completeness: {
      status,
      declaredFrames: declared.count,
      framesRead: frames.count,
      framesInData,
      secondsDeclared: seconds(declared.count),
      secondsRead: seconds(frames.count),
    },
  });
  const available = fileLength - dataStart;
  if (frameBytes === 0) {
    if (declared.count === 0) return fitted(declared, "complete", null);
    const others = otherFrameDataGroups(groups);
    if (others.length > 0) {
      warnings.push({
        code: "no-point-or-analog-frames",
        message: `${declared.count} frames hold no points and no analog channels; their ${others.join(", ")} data is not decoded`,
      });
      return fitted(declared, "complete", null);
    }
    if (available >= BLOCK_SIZE) {
      throw new C3dError(
        "zero-frame-size",
        2,
        `header declares ${declared.count} frames of 0 points and 0 analog words, yet ${available} bytes of data follow byte ${dataStart} and no group other than POINT and ANALOG declares a DATA_START for them`,
      );
    }
    warnings.push({
      code: "empty-frames",
      message: `${declared.count} frames declared, but frames hold no points and no analog channels; 0 frames read`,
    });
    return fitted({ ...declared, count: 0, last: declared.first - 1 }, "complete", null);
  }
  const fit = Math.floor(available / frameBytes);
  if (declared.unfinalized) {
    if (fit === 0) return fitted(declared, "complete", 0);
    const duration = seconds(fit);
    const tail = available - fit * frameBytes;
    warnings.push({
      code: "recording_recovered",
      message:
        `the header and parameters declare no frames (an unfinalized recording); recovered ${fit} whole frames` +
        (duration === null ? " (no point rate, duration unknown)" : ` (${duration.toFixed(2)} s at ${pointRate} frames/s)`) +
        ` of ${frameBytes} bytes from the data section at byte ${dataStart}` +
        (tail > 0 ? `; the last ${tail} bytes, an incomplete frame, were not read` : ""),
    });
    return fitted({ first: declared.first, last: declared.first + fit - 1, count: fit, source: "data" }, "recovered", fit);
  }
  if (fit < declared.count) {
    warnings.push({
      code: "truncated",
      message: `${declared.count} frames declared (${declared.source}) but the data section from byte ${dataStart} holds ${fit} complete frames of ${frameBytes} bytes; read ${fit}`,
    });
    return fitted({ ...declared, count: fit, last: declared.first + fit - 1 }, "truncated", fit);
  }
  if ((fit - declared.count) * frameBytes >= BLOCK_SIZE) {
    // More than block padding left over: a count clipped at 16 bits, or a stale header.
    warnings.push({
      code: "data-beyond-frames",
      message: `${declared.count} frames declared (${declared.source}) but the data section holds ${fit}; only the declared frames were read`,
    });
  }
  return fitted(declared, "complete", fit);
}
