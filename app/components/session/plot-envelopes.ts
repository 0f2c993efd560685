/**
 * The envelopes as the session plots (EnvelopePlot, envelope-svg) receive them from a loader.
 */
import type { EnvelopeData } from "~/components/session/EnvelopePlot";

/**
 * Envelopes for the plot only: 4 significant digits and millisecond times are below what a
 * 260-pixel-high chart can show, and halve the page's size. Tables and downloads keep full precision.
 */
export function plotEnvelopes(
  envelopes: Record<string, { times_s: ArrayLike<number>; values: ArrayLike<number> }>,
): Record<string, EnvelopeData> {
  const out: Record<string, EnvelopeData> = {};
  for (const [id, env] of Object.entries(envelopes)) {
    out[id] = {
      times_s: Array.from(env.times_s, (t) => Math.round(t * 1000) / 1000),
      values: Array.from(env.values, (v) => Number(v.toPrecision(4))),
    };
  }
  return out;
}
