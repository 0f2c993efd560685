/**
 * Synthetic EMG with known answers: Gaussian-free uniform noise plus sinusoidal bursts at chosen
 * samples, and the device-style `activated` channel that is exactly the burst mask.
 */
export interface Burst {
  /** First sample of the burst. */
  start: number;
  /** Length in samples. */
  length: number;
  /** Sinusoid amplitude (volts). */
  amplitude: number;
}

/** Deterministic PRNG (mulberry32) so every run sees the same noise. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticOptions {
  fs: number;
  n: number;
  bursts: Burst[];
  /** Burst carrier frequency (Hz), inside the band-pass. */
  frequency?: number;
  /** Peak amplitude of uniform noise (volts). */
  noise?: number;
  seed?: number;
  /** Value of the activated channel during a burst. */
  activatedLevel?: number;
}

export function syntheticEmg({ fs, n, bursts, frequency = 150, noise = 1e-6, seed = 1, activatedLevel = 1 }: SyntheticOptions) {
  const random = mulberry32(seed);
  const raw = new Float64Array(n);
  const activated = new Float64Array(n);
  for (let i = 0; i < n; i++) raw[i] = noise * (2 * random() - 1);
  for (const b of bursts) {
    for (let i = b.start; i < b.start + b.length; i++) {
      raw[i] += b.amplitude * Math.sin((2 * Math.PI * frequency * i) / fs);
      activated[i] = activatedLevel;
    }
  }
  return { raw, activated };
}
