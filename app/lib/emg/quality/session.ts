/**
 * Session-level findings (docs/quality.md): the recording's completeness (reader numbers), its
 * length, how the channels and their sides were chosen, whether any muscle could be analysed; and the
 * report that joins them with the channel findings.
 */
import { SHORT_RECORDING_S } from "../muscle";
import { type QualityFinding, type QualityStatus, finding, formatCount, formatPercent, formatSeconds, qualityStatus } from "./findings";

/**
 * The reader's frame numbers: the C3D reader's `completeness` (docs/c3d.md), restated here because
 * the EMG layer does not import the reader.
 */
export interface RecordingCompleteness {
  /** "truncated": fewer whole frames than declared; "recovered": an unfinalized file declared none. */
  status: "complete" | "truncated" | "recovered";
  declaredFrames: number;
  framesRead: number;
  /** declaredFrames and framesRead in seconds; null without a frame rate. */
  secondsDeclared: number | null;
  secondsRead: number | null;
}

/**
 * `recording_recovered` (value: frames read) or `recording_truncated` (value: frames read, limit:
 * frames declared), both warnings, from the reader's completeness.
 */
export function checkRecordingFrames({
  status,
  declaredFrames,
  framesRead,
  secondsDeclared,
  secondsRead,
}: RecordingCompleteness): QualityFinding | null {
  if (status === "recovered") {
    return finding(
      "recording_recovered",
      "warning",
      null,
      `The recording was not finalised (the game stopped before writing its length): ${formatCount(framesRead)} frames` +
        `${secondsRead != null ? ` (${formatSeconds(secondsRead)})` : ""} were recovered from the data. ` +
        "The session may have ended early; check that it is complete.",
      framesRead,
      null,
    );
  }
  if (status !== "truncated" || !(framesRead < declaredFrames)) return null;
  const missing = secondsDeclared != null && secondsRead != null ? ` (${formatSeconds(secondsDeclared - secondsRead)})` : "";
  return finding(
    "recording_truncated",
    "warning",
    null,
    `The file holds ${formatCount(framesRead)} of the ${formatCount(declaredFrames)} frames it declares (${formatPercent(framesRead / declaredFrames)}): ` +
      `the recording or the upload was cut, and the last ${formatCount(declaredFrames - framesRead)} frames${missing} are missing. ` +
      "Scores cover only what was recorded; upload the complete file if there is one.",
    framesRead,
    declaredFrames,
  );
}

/** `short_recording` warning below SHORT_RECORDING_S (the pipeline's limit); value and limit in seconds. */
export function checkShortRecording(durationS: number): QualityFinding | null {
  if (!(durationS < SHORT_RECORDING_S)) return null;
  return finding(
    "short_recording",
    "warning",
    null,
    `The recording lasts ${formatSeconds(durationS)}, less than ${SHORT_RECORDING_S} s: too short for a training session; ` +
      "check that this is the right file.",
    durationS,
    SHORT_RECORDING_S,
  );
}

/** How the muscle channels were chosen (the export's `channel_source`, docs/pipeline.md §0). */
export type ChannelMappingSource = "explicit" | "preset" | "known_layout" | "label_heuristic";

export interface MappedMuscle {
  channel: string;
  side: "left" | "right";
  label: string;
  description?: string;
}

/** `channel_mapping_guessed` warning when the channels were picked by label heuristics. */
export function checkChannelMapping(source: ChannelMappingSource, muscles: readonly MappedMuscle[]): QualityFinding | null {
  if (source !== "label_heuristic") return null;
  const picked = muscles.map((m) => `"${m.label}" as ${m.side}`).join(" and ");
  return finding(
    "channel_mapping_guessed",
    "warning",
    null,
    `The EMG channels were guessed from their labels (${picked}): the file has no known layout and nobody chose them. ` +
      "Check they are the muscles that were trained, or pick the channels and upload again.",
    null,
    null,
  );
}

const LEFT = /\b(left|links|gauche|izquierd[oa]|sinistr[oa]|l|lt)\b/i;
const RIGHT = /\b(right|rechts|droite?|derech[oa]|destr[oa]|r|rt)\b/i;

/** The side a channel label or description names ("Left VL", "L_quad", "EMG R"), else null. */
export function sideNamedIn(text: string): "left" | "right" | null {
  // Underscores, digits and dots join words in labels ("L_VM", "R1"): treat them as separators.
  const words = text.replace(/[_.\d-]+/g, " ");
  const left = LEFT.test(words);
  const right = RIGHT.test(words);
  return left === right ? null : left ? "left" : "right";
}

/** Who chose the sides: the user (explicit), a saved preset, or the default (CH1 / first channel = left). */
export type SideEvidence = "explicit" | "preset" | "default";

/**
 * Sides chosen by default are checked against the labels: a label naming the other side is a
 * `left_right_unverified` warning; labels naming every side as assigned need nothing; otherwise an
 * info that nothing in the file says which side is which.
 */
export function checkSides(evidence: SideEvidence, muscles: readonly MappedMuscle[]): QualityFinding | null {
  if (evidence !== "default" || muscles.length === 0) return null;
  const named = muscles.map((m) => ({ ...m, named: sideNamedIn(`${m.label} ${m.description ?? ""}`) }));
  const contradicted = named.filter((m) => m.named && m.named !== m.side);
  if (contradicted.length > 0) {
    return finding(
      "left_right_unverified",
      "warning",
      null,
      contradicted.map((m) => `${m.channel} is analysed as ${m.side} but its label "${m.label}" says ${m.named}`).join("; ") +
        ". Check the sides, or pick them and upload again.",
      null,
      null,
    );
  }
  if (named.every((m) => m.named === m.side)) return null;
  return finding(
    "left_right_unverified",
    "info",
    null,
    `Nothing in the file says which side each channel is on; ${muscles.map((m) => `${m.channel} is taken as ${m.side}`).join(" and ")} ` +
      "by default. Left/right scores and symmetry assume the electrodes were placed that way.",
    null,
    null,
  );
}

/**
 * `channel_rejected` warning per muscle channel the pipeline could not process, and
 * `no_usable_channel` (critical) when none could be (value: channels analysed, limit: 1).
 */
export function checkUsableChannels(
  channels: readonly { channel: string; error: { code: string; message: string } | null }[],
): QualityFinding[] {
  const rejected = channels.filter((c) => c.error != null);
  const findings = rejected.map((c) =>
    finding("channel_rejected", "warning", c.channel, `${c.channel} was not analysed: ${c.error!.message}.`, null, null),
  );
  if (rejected.length === channels.length) {
    findings.push(
      finding(
        "no_usable_channel",
        "critical",
        null,
        "No muscle channel could be analysed, so this session has no EMG result; check the file and the channel choice.",
        channels.length - rejected.length,
        1,
      ),
    );
  }
  return findings;
}

export interface QualityReport {
  status: QualityStatus;
  findings: QualityFinding[];
}

/** The export's `data_quality`: session findings first, then each channel's, in the order given. */
export function qualityReport(session: readonly (QualityFinding | null)[], channels: readonly QualityFinding[][]): QualityReport {
  const findings = [...session.filter((f): f is QualityFinding => f != null), ...channels.flat()];
  return { status: qualityStatus(findings), findings };
}
