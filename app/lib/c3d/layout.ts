import { numberParameter } from "./lookup";
import type { FrameLayout } from "./data";
import type { C3dGroup, C3dHeader, C3dWarning } from "./types";

/**
 * Frame layout from the header, which is what writers actually interleave by; parameters that
 * disagree only produce warnings.
 */
export function frameLayout(header: C3dHeader, groups: C3dGroup[], warnings: C3dWarning[]): FrameLayout {
  const pointCount = header.pointCount;
  const pointUsed = numberParameter(groups, "POINT", "USED");
  if (pointUsed !== undefined && (pointUsed & 0xffff) !== pointCount) {
    warnings.push({ code: "point-count-disagreement", message: `POINT:USED ${pointUsed} differs from the header's ${pointCount} points; header used` });
  }
  const analogWords = header.analogTotalPerFrame;
  let samplesPerFrame = header.analogSamplesPerFrame;
  const analogUsed = numberParameter(groups, "ANALOG", "USED");
  if (analogWords === 0) return { pointCount, analogWords, channelCount: 0, samplesPerFrame: analogUsed ? samplesPerFrame : 0 };
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
  if (analogUsed !== undefined && analogUsed !== channelCount) {
    warnings.push({
      code: "analog-count-disagreement",
      message: `ANALOG:USED ${analogUsed} differs from the header's ${channelCount} channels (${analogWords} words / ${samplesPerFrame} samples per frame); header used`,
    });
  }
  return { pointCount, analogWords, channelCount, samplesPerFrame };
}
