/**
 * The pair arena: the one WebAssembly memory the pair kernels share, so that the band-pass leaves
 * both filtered signals where the envelope, Welch and sums kernels read them. Its whole byte layout
 * is here; the kernels address it only through these constants (docs/decisions/065-pipeline-speed.md).
 */

const PAGE = 65536;

/**
 * The areas of a pair arena, from byte 0: Welch's constants, scratch and power sums; the cascade's
 * coefficients and states (up to four groups of four sections); then the signals and whatever a
 * kernel writes after them.
 */
export const ARENA = { welch: 0, filter: 22560, filterGroups: 4, signals: 24576 } as const;

/** Segment length of the Welch kernel: welch's default nperseg. */
export const WELCH_SEGMENT = 256;
/** One-sided bins of a Welch segment. */
export const WELCH_BINS = WELCH_SEGMENT / 2 + 1;

/**
 * The Welch area from ARENA.welch (bytes): the window and the twiddles, each value as an f64x2
 * splat; the FFT scratch (an f64x2 re and im per element); the power sums (an f64x2 per bin).
 */
export const WELCH_AREA = (() => {
  const window = ARENA.welch;
  const table = window + 16 * WELCH_SEGMENT;
  const scratch = table + 16 * 2 * WELCH_SEGMENT;
  const power = scratch + 32 * WELCH_SEGMENT;
  return { window, table, scratch, power } as const;
})();

/** Bytes of one group of four sections' coefficients (b0 b1 b2 a1 a2 as float64) in the filter area. */
const FILTER_COEFFICIENT_BYTES = 8 * 5 * 4;
/** Bytes of one group's states (z0, z1 of four sections as f64x2) in the filter area. */
const FILTER_STATE_BYTES = 16 * 2 * 4;

/** Byte of group `g`'s coefficients: all groups' coefficients first, from ARENA.filter. */
export const filterCoefficientsAt = (g: number): number => ARENA.filter + g * FILTER_COEFFICIENT_BYTES;
/** Byte of group `g`'s states, after the coefficients of all `groups`. */
export const filterStateAt = (groups: number, g: number): number =>
  ARENA.filter + groups * FILTER_COEFFICIENT_BYTES + g * FILTER_STATE_BYTES;

if (WELCH_AREA.power + 16 * WELCH_BINS > ARENA.filter) throw new Error("pair arena: the Welch area is too small");
if (filterStateAt(ARENA.filterGroups, ARENA.filterGroups) > ARENA.signals) throw new Error("pair arena: the filter area is too small");

/**
 * Bytes the raw-sample scan writes after the signals (Σv, Σv², Σ(v − v) as f64x2); the sums of the
 * band-passed signals (32 bytes) reuse them once the scan has been read.
 */
export const SUMS_BYTES = 48;

/**
 * Where two signals of `length` float64 each lie from ARENA.signals — a's first, b's `other` bytes
 * further — and the first byte after both.
 */
export function signalPair(length: number): { at: number; other: number; end: number } {
  return { at: ARENA.signals, other: 8 * length, end: ARENA.signals + 16 * length };
}

export interface PairArena {
  memory: WebAssembly.Memory;
  /** Export `name` of `module` instantiated on this arena's memory (one instance per module). */
  kernel<F>(module: WebAssembly.Module, name: string): F;
}

/** Arenas up to this size are kept for the next call (a new memory pays its page faults again). */
const KEPT_ARENA_BYTES = 16 * 1024 * 1024;
let keptArena: PairArena | null = null;

/**
 * An arena of at least `bytes`: the kept one when it is large enough, else a new one, kept if it is
 * at most 16 MiB (two signals of up to about a million samples). A larger one is released after its
 * call, so a process never keeps the size of the largest recording it saw.
 */
export function pairArena(bytes: number): PairArena {
  if (keptArena && keptArena.memory.buffer.byteLength >= bytes) return keptArena;
  const keep = bytes <= KEPT_ARENA_BYTES;
  const memory = new WebAssembly.Memory({ initial: Math.ceil((keep ? KEPT_ARENA_BYTES : bytes) / PAGE) });
  const instances = new Map<WebAssembly.Module, WebAssembly.Exports>();
  const arena: PairArena = {
    memory,
    kernel<F>(module: WebAssembly.Module, name: string): F {
      let exports = instances.get(module);
      if (!exports) {
        exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
        instances.set(module, exports);
      }
      return exports[name] as F;
    },
  };
  if (keep) keptArena = arena;
  return arena;
}
