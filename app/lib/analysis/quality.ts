/**
 * The session's `data_quality` (docs/quality.md): the session findings — from the reader's frame
 * counts, the recording's length and how the channels and sides were chosen — followed by each
 * muscle's findings, which the pipeline computed while it held the signals (MuscleResult.quality).
 */
import type { C3dAnalog, C3dFrameCompleteness } from "~/lib/c3d";
import type { DataQuality } from "~/lib/domain";
import {
  type ChannelMappingSource,
  type SideEvidence,
  checkChannelMapping,
  checkRecordingFrames,
  checkShortRecording,
  checkSides,
  checkUsableChannels,
  qualityReport,
} from "~/lib/emg/quality";
import type { MuscleResult } from "~/lib/emg/muscle";
import type { ChannelSource, MuscleChannels } from "./channels";

/** The quality checks' name for how the channels were found, from each muscle's ChannelSource. */
function mappingSource(sources: readonly ChannelSource[]): ChannelMappingSource {
  if (sources.includes("heuristic")) return "label_heuristic";
  if (sources.every((s) => s === "user")) return "explicit";
  if (sources.some((s) => s.startsWith("preset:"))) return "preset";
  return "known_layout";
}

/** Sides are the user's (or a preset's) only when every muscle was picked; otherwise they are by default. */
function sideEvidence(sources: readonly ChannelSource[]): SideEvidence {
  if (sources.every((s) => s === "user")) return "explicit";
  if (sources.every((s) => s.startsWith("preset:"))) return "preset";
  return "default";
}

export function sessionQuality(
  completeness: C3dFrameCompleteness,
  analog: Pick<C3dAnalog, "descriptions">,
  durationS: number,
  roles: readonly MuscleChannels[],
  results: readonly MuscleResult[],
): DataQuality {
  const sources = roles.map((r) => r.source);
  const mapped = roles.map((r) => ({ channel: r.id, side: r.side, label: r.rawLabel, description: analog.descriptions[r.rawIndex] }));
  return qualityReport(
    [
      checkRecordingFrames(completeness),
      checkShortRecording(durationS),
      checkChannelMapping(mappingSource(sources), mapped),
      checkSides(sideEvidence(sources), mapped),
      ...checkUsableChannels(roles.map((r, i) => ({ channel: r.id, error: results[i].channel.error }))),
    ],
    results.map((r) => r.quality),
  );
}
