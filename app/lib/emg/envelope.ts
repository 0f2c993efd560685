/**
 * Moving RMS envelope over full windows (docs/pipeline.md §2).
 */

/** `round(x) = floor(x + 0.5)`, the pipeline's rounding rule for sample counts (not banker's). */
export const roundHalfUp = (x: number): number => Math.floor(x + 0.5);

/** Samples in a duration: round(ms · fs / 1000). */
export const msToSamples = (ms: number, fs: number): number => roundHalfUp((ms * fs) / 1000);

export interface EnvelopeGeometry {
  /** Window length W in samples. */
  window: number;
  /** Hop H in samples between consecutive windows. */
  hop: number;
  /** Number of full windows K = floor((n − W)/H) + 1 (0 when n < W). */
  count: number;
}

/**
 * Window length, hop and count of the envelope for `n` samples at `fs` Hz:
 * W = round(window_ms·fs/1000), H = max(1, round(W·(1 − overlap/100))).
 */
export function envelopeGeometry(n: number, fs: number, windowMs: number, overlapPercent: number): EnvelopeGeometry {
  const window = msToSamples(windowMs, fs);
  const hop = Math.max(1, roundHalfUp(window * (1 - overlapPercent / 100)));
  const count = window < 1 || n < window ? 0 : Math.floor((n - window) / hop) + 1;
  return { window, hop, count };
}

export interface RmsEnvelope extends EnvelopeGeometry {
  /** env[k] = sqrt(mean(y[kH … kH+W−1]²)). */
  values: Float64Array;
  /** Centre of window k in seconds: (kH + (W − 1)/2)/fs. */
  times: Float64Array;
}

/**
 * RMS envelope of `y` with windows of `windowMs` overlapping by `overlapPercent`.
 *
 * Each window is summed directly rather than with a running sum of squares: a running sum subtracts
 * large squares when the signal falls from a burst to rest and then loses the relative precision the
 * quiet windows need (1e-9 against SciPy); direct sums cost only ≈ n·W/H multiply-adds.
 */
export function rmsEnvelope(y: Float64Array, fs: number, windowMs: number, overlapPercent: number): RmsEnvelope {
  const geometry = envelopeGeometry(y.length, fs, windowMs, overlapPercent);
  const { window: W, hop: H, count: K } = geometry;
  const values = new Float64Array(K);
  const times = new Float64Array(K);
  const centre = (W - 1) / 2;
  for (let k = 0; k < K; k++) {
    const start = k * H;
    const end = start + W;
    let sum = 0;
    for (let i = start; i < end; i++) {
      const v = y[i];
      sum += v * v;
    }
    values[k] = Math.sqrt(sum / W);
    times[k] = (start + centre) / fs;
  }
  return { ...geometry, values, times };
}
