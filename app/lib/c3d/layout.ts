import { BLOCK_SIZE } from "./header";
import { numberParameter } from "./lookup";
import type { FrameLayout } from "./data";
import type { C3dGroup, C3dHeader, C3dWarning } from "./types";

/** What the frame count can be checked against when choosing a layout. */
export interface LayoutCheck {
  /** Frames declared (0 for an unfinalized recording, which has no count to check against). */
  declaredFrames: number;
  unfinalized: boolean;
  /** Bytes from the data start to the end of the file. */
  available: number;
  /** 2 for integer storage, 4 for float. */
  wordSize: number;
}

interface AnalogReading {
  analogWords: number;
  channelCount: number;
  samplesPerFrame: number;
}

/**
 * The frame layout to de-interleave by. The header (points, word 2; analog words, word 3; samples
 * per frame, word 10) is what writers interleave by and decides — unless the parameters
 * (POINT:USED; ANALOG:USED × samples per frame) disagree and only their frame size × the declared
 * frame count matches the data section (docs/decisions/013). Either way a disagreement is warned,
 * naming both readings.
 */
export function frameLayout(header: C3dHeader, groups: C3dGroup[], check: LayoutCheck, warnings: C3dWarning[]): FrameLayout {
  const headerAnalog = headerAnalogReading(header, groups, warnings);
  const pointUsed = numberParameter(groups, "POINT", "USED");
  const analogUsed = numberParameter(groups, "ANALOG", "USED");
  const parameterPoints = pointUsed === undefined ? header.pointCount : pointUsed & 0xffff;
  const parameterAnalog =
    analogUsed === undefined || (analogUsed & 0xffff) === headerAnalog.channelCount
      ? headerAnalog
      : parameterAnalogReading(analogUsed & 0xffff, header, groups, headerAnalog);

  const frameBytes = (points: number, analog: AnalogReading) => (4 * points + analog.analogWords) * check.wordSize;
  // The data section holds exactly the declared frames, plus less than a block of padding.
  const fits = (bytes: number) =>
    bytes > 0 &&
    check.declaredFrames > 0 &&
    bytes * check.declaredFrames <= check.available &&
    check.available - bytes * check.declaredFrames < BLOCK_SIZE;
  const candidates: [number, AnalogReading][] = [
    [header.pointCount, headerAnalog],
    [parameterPoints, parameterAnalog],
    [parameterPoints, headerAnalog],
    [header.pointCount, parameterAnalog],
  ];
  let [points, analog] = candidates[0];
  const headerBytes = frameBytes(points, analog);
  let reason: string;
  if (check.unfinalized) {
    const other = headerBytes === 0 ? candidates.find(([p, a]) => frameBytes(p, a) > 0) : undefined;
    if (other) [points, analog] = other;
    reason = other ? "the header's frames hold no data and the file declares no frame count" : "no declared frame count to check against";
  } else if (fits(headerBytes)) {
    reason = `the header's ${headerBytes} bytes per frame × ${check.declaredFrames} frames matches the ${check.available}-byte data section`;
  } else {
    const other = candidates.find(([p, a]) => fits(frameBytes(p, a)));
    if (other) [points, analog] = other;
    const bytes = frameBytes(points, analog);
    reason = other
      ? `${bytes} bytes per frame × ${check.declaredFrames} frames matches the ${check.available}-byte data section, the header's ${headerBytes} bytes per frame does not`
      : `neither reading's frame size × ${check.declaredFrames} frames matches the ${check.available}-byte data section`;
  }

  if (parameterPoints !== header.pointCount) {
    warnings.push({
      code: "point-count-disagreement",
      message: `header word 2 gives ${header.pointCount} points per frame, POINT:USED ${parameterPoints}; ${reason}: ${points === header.pointCount ? "header" : "POINT:USED"} used`,
    });
  }
  if (parameterAnalog !== headerAnalog) {
    const describe = (a: AnalogReading) => `${a.channelCount} channels × ${a.samplesPerFrame} samples per frame (${a.analogWords} words)`;
    warnings.push({
      code: "analog-count-disagreement",
      message: `header words 3 and 10 give ${describe(headerAnalog)}, ANALOG:USED ${describe(parameterAnalog)}; ${reason}: ${analog === headerAnalog ? "header" : "ANALOG:USED"} used`,
    });
  }
  return { pointCount: points, ...analog };
}

/** Channels and samples per frame as the header gives them (word 3 analog words, word 10 samples). */
function headerAnalogReading(header: C3dHeader, groups: C3dGroup[], warnings: C3dWarning[]): AnalogReading {
  const analogWords = header.analogTotalPerFrame;
  let samplesPerFrame = header.analogSamplesPerFrame;
  const analogUsed = numberParameter(groups, "ANALOG", "USED");
  if (analogWords === 0) return { analogWords, channelCount: 0, samplesPerFrame: analogUsed ? samplesPerFrame : 0 };
  if (samplesPerFrame === 0) {
    samplesPerFrame = analogUsed && analogUsed > 0 && analogWords % analogUsed === 0 ? analogWords / analogUsed : 1;
    warnings.push({
      code: "no-samples-per-frame",
      message: `header analog samples per frame is 0 with ${analogWords} analog words per frame; assumed ${samplesPerFrame}`,
    });
  }
  const channelCount = Math.floor(analogWords / samplesPerFrame);
  if (channelCount * samplesPerFrame !== analogWords) {
    warnings.push({
      code: "analog-words-remainder",
      message: `${analogWords} analog words per frame is not a multiple of ${samplesPerFrame} samples per frame; the last ${analogWords - channelCount * samplesPerFrame} words of each frame are ignored`,
    });
  }
  return { analogWords, channelCount, samplesPerFrame };
}

/**
 * ANALOG:USED channels with the header's samples per frame, or — when the header has none — the
 * ratio ANALOG:RATE / POINT:RATE when it is a whole number.
 */
function parameterAnalogReading(channelCount: number, header: C3dHeader, groups: C3dGroup[], fromHeader: AnalogReading): AnalogReading {
  let samplesPerFrame = header.analogSamplesPerFrame;
  if (samplesPerFrame === 0) {
    const ratio =
      (numberParameter(groups, "ANALOG", "RATE") ?? Number.NaN) / (numberParameter(groups, "POINT", "RATE") ?? header.frameRate);
    const whole = Math.round(ratio);
    samplesPerFrame =
      Number.isFinite(ratio) && whole >= 1 && Math.abs(ratio - whole) < 1e-6 ? whole : Math.max(1, fromHeader.samplesPerFrame);
  }
  return { analogWords: channelCount * samplesPerFrame, channelCount, samplesPerFrame };
}
