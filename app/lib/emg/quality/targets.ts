/**
 * The task's targets (docs/quality.md): `few_contractions` (count against the expected count) and
 * `duration_target_unreachable` (no contraction lasts the target, so the duration rate is 0 and says
 * nothing about effort).
 */
import { type QualityFinding, finding, formatCount } from "./findings";
import { FEW_CONTRACTIONS_FRACTION } from "./limits";

/** `few_contractions` warning when count < FEW_CONTRACTIONS_FRACTION · expected; value: count, limit: that product. */
export function checkFewContractions(channel: string, count: number, expected: number | null): QualityFinding | null {
  if (expected == null || !(expected > 0)) return null;
  const limit = FEW_CONTRACTIONS_FRACTION * expected;
  if (!(count < limit)) return null;
  return finding(
    "few_contractions",
    "warning",
    channel,
    `${channel}: ${formatCount(count)} contraction${count === 1 ? "" : "s"} detected, fewer than half of the ${formatCount(expected)} expected: ` +
      "the session was cut short, the patient did not contract, or the electrode misses the muscle.",
    count,
    limit,
  );
}

/**
 * `duration_target_unreachable` warning when there are contractions and none meets the duration
 * target (the pipeline's `meets_duration`: at least round(target·fs/1000) samples).
 * value: the longest duration (ms), limit: the target (ms).
 */
export function checkDurationTarget(
  channel: string,
  contractions: readonly { duration_ms: number; meets_duration: boolean }[],
  targetMs: number,
): QualityFinding | null {
  if (contractions.length === 0 || !(targetMs > 0)) return null;
  if (contractions.some((c) => c.meets_duration)) return null;
  let longest = 0;
  for (const c of contractions) longest = Math.max(longest, c.duration_ms);
  return finding(
    "duration_target_unreachable",
    "warning",
    channel,
    `${channel}: no contraction lasts the ${formatCount(targetMs)} ms target (the longest lasts ${formatCount(Math.round(longest))} ms), ` +
      "so the duration rate is 0 and says nothing about this session: check the target duration for this patient and game.",
    longest,
    targetMs,
  );
}
