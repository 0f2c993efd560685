/**
 * Muscle channel roles (docs/pipeline.md §0): raw EMG channel + its `activated` twin, side and id.
 */
import type { C3dAnalog } from "~/lib/c3d";
import { AnalysisError } from "./errors";

/**
 * How a muscle channel was chosen: the GHOSTLY layout (`CH1 Raw` left, `CH2 Raw` right), the user's
 * pick (`channel_left` / `channel_right`), or the label heuristic (`EMG` / ` Raw` in the label).
 * Saved presets (`preset:<name>`) will join these.
 */
export type ChannelSource = "ghostly_layout" | "user" | "heuristic" | `preset:${string}`;

export interface MuscleChannels {
  /** `CH1`: the raw label without ` Raw`. */
  id: string;
  side: "left" | "right";
  rawLabel: string;
  rawIndex: number;
  activatedIndex: number | null;
  source: ChannelSource;
}

const RAW_SUFFIX = / raw$/i;
const ACTIVATED_SUFFIX = / activated$/i;

/** Channel id: the raw label without its ` Raw` suffix. */
export const channelId = (label: string): string => label.replace(RAW_SUFFIX, "").trim();

function activatedTwin(labels: string[], rawLabel: string): number | null {
  if (!RAW_SUFFIX.test(rawLabel)) return null;
  const prefix = channelId(rawLabel).toLowerCase();
  const index = labels.findIndex((l) => ACTIVATED_SUFFIX.test(l) && l.replace(ACTIVATED_SUFFIX, "").trim().toLowerCase() === prefix);
  return index >= 0 ? index : null;
}

/**
 * Left and right muscle channels: the labels the user picked, else `CH1 Raw` (left) and `CH2 Raw`
 * (right) when the file has both, else the first two analog channels whose label contains `EMG` or
 * ends in ` Raw` (first = left).
 *
 * @throws AnalysisError `channel_not_found` for a picked label the file lacks, `no_emg_channels` when
 *   no EMG channel can be identified
 */
export function findMuscleChannels(analog: Pick<C3dAnalog, "labels">, choice: { left?: string; right?: string } = {}): MuscleChannels[] {
  const labels = analog.labels;
  const byLabel = (label: string, side: string): number => {
    const index = labels.findIndex((l) => l.trim().toLowerCase() === label.trim().toLowerCase());
    if (index < 0) {
      throw new AnalysisError(
        "channel_not_found",
        `channel_${side}: the file has no analog channel labelled "${label}" (it has: ${labels.join(", ") || "none"})`,
        422,
      );
    }
    return index;
  };
  const ghostly = [/^ch1 raw$/i, /^ch2 raw$/i].map((pattern) => labels.findIndex((l) => pattern.test(l.trim())));
  // GHOSTLY: CH1 is left and CH2 right whatever their order in the file.
  const isGhostly = ghostly.every((i) => i >= 0);
  const candidates = isGhostly
    ? ghostly
    : labels
        .map((label, index) => ({ label, index }))
        .filter(({ label }) => /emg/i.test(label) || RAW_SUFFIX.test(label))
        .map(({ index }) => index);
  const left = choice.left !== undefined ? byLabel(choice.left, "left") : candidates[0];
  const right = choice.right !== undefined ? byLabel(choice.right, "right") : candidates.find((i) => i !== left);
  if (left === undefined) {
    throw new AnalysisError(
      "no_emg_channels",
      `no EMG channel found: no analog label contains "EMG" or ends in " Raw" (labels: ${labels.join(", ") || "none"}); pick the raw channels explicitly`,
      422,
    );
  }
  const muscles: MuscleChannels[] = [];
  for (const [side, index] of [
    ["left", left],
    ["right", right],
  ] as const) {
    if (index === undefined) continue;
    muscles.push({
      id: channelId(labels[index]),
      side,
      rawLabel: labels[index],
      rawIndex: index,
      activatedIndex: activatedTwin(labels, labels[index]),
      source: (side === "left" ? choice.left : choice.right) !== undefined ? "user" : isGhostly ? "ghostly_layout" : "heuristic",
    });
  }
  if (muscles.length === 2 && muscles[0].rawIndex === muscles[1].rawIndex) {
    throw new AnalysisError("channel_conflict", `channel_right: "${muscles[1].rawLabel}" is already the left muscle`, 422);
  }
  return muscles;
}
