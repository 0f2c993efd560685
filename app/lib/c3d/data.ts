import { decFloatFromBits } from "./dec";
import type { NumberCodec } from "./bytes";
import type { DataType } from "./types";

export interface FrameLayout {
  pointCount: number;
  /** Analog words per frame (header word 3): channelCount × samplesPerFrame plus any unused tail. */
  analogWords: number;
  channelCount: number;
  samplesPerFrame: number;
}

export interface AnalogCalibration {
  /** Per channel: value = (raw − offset[c]) · scale[c] · genScale, evaluated left to right. */
  offset: Float64Array;
  scale: Float64Array;
  genScale: number;
  /** ANALOG:FORMAT UNSIGNED: integer raw samples are uint16. */
  unsigned: boolean;
}

export interface DecodedData {
  x: Float32Array[];
  y: Float32Array[];
  z: Float32Array[];
  residual: Float32Array[];
  cameraMask: Uint8Array[];
  channels: Float64Array[];
}

type Words = Float32Array | Float64Array | Int16Array;

const platformLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes `frameCount` frames starting at byte `start` (the caller has checked they fit in `bytes`).
 * The data section is first turned into one typed array of words — a zero-copy view for Intel data
 * when aligned — and then de-interleaved into per-point and per-channel arrays in a single pass.
 */
export function decodeFrames(
  bytes: Uint8Array,
  start: number,
  frameCount: number,
  layout: FrameLayout,
  dataType: DataType,
  codec: NumberCodec,
  pointScale: number,
  calibration: AnalogCalibration,
): DecodedData {
  const wordsPerFrame = 4 * layout.pointCount + layout.analogWords;
  const words = decodeWords(bytes, start, frameCount * wordsPerFrame, dataType, codec);
  const out: DecodedData = { x: [], y: [], z: [], residual: [], cameraMask: [], channels: [] };
  deinterleavePoints(words, frameCount, wordsPerFrame, layout.pointCount, dataType, Math.abs(pointScale), out);
  deinterleaveAnalog(words, frameCount, wordsPerFrame, layout, dataType, calibration, out);
  return out;
}

function decodeWords(bytes: Uint8Array, start: number, count: number, dataType: DataType, codec: NumberCodec): Words {
  const native = platformLittleEndian === codec.littleEndian;
  if (dataType === "float") {
    if (native && codec.processor !== "DEC") {
      const byteOffset = bytes.byteOffset + start;
      if (byteOffset % 4 === 0) return new Float32Array(bytes.buffer, byteOffset, count);
      // An unaligned view is not allowed; one memcpy is cheaper than a DataView loop.
      return new Float32Array(bytes.slice(start, start + 4 * count).buffer);
    }
    const out = new Float64Array(count);
    if (codec.processor === "DEC") {
      for (let i = 0, p = start; i < count; i++, p += 4) {
        out[i] = decFloatFromBits(((bytes[p + 1] << 24) | (bytes[p] << 16) | (bytes[p + 3] << 8) | bytes[p + 2]) >>> 0);
      }
    } else {
      for (let i = 0, p = start; i < count; i++, p += 4) out[i] = codec.float32(p);
    }
    return out;
  }
  if (native) {
    const byteOffset = bytes.byteOffset + start;
    if (byteOffset % 2 === 0) return new Int16Array(bytes.buffer, byteOffset, count);
    return new Int16Array(bytes.slice(start, start + 2 * count).buffer);
  }
  const out = new Int16Array(count);
  for (let i = 0, p = start; i < count; i++, p += 2) out[i] = codec.int16(p);
  return out;
}

/**
 * The 4th word of a point holds, per the C3D spec, an int16 whose sign marks an invalid point, whose
 * low byte is the residual in units of |POINT:SCALE| and whose high byte is the camera mask. Float
 * files store that same integer as a float. Invalid points get NaN coordinates and residual −1.
 */
function deinterleavePoints(
  words: Words,
  frameCount: number,
  wordsPerFrame: number,
  pointCount: number,
  dataType: DataType,
  absScale: number,
  out: DecodedData,
): void {
  const coordinateScale = dataType === "int" ? absScale : 1;
  if (frameCount === 0) {
    // Zero-length typed arrays cannot be written, so sharing them is safe — and a corrupt header
    // claiming 65535 points over no data then costs nothing.
    const none = new Float32Array(0);
    const noMask = new Uint8Array(0);
    for (let p = 0; p < pointCount; p++) {
      out.x.push(none);
      out.y.push(none);
      out.z.push(none);
      out.residual.push(none);
      out.cameraMask.push(noMask);
    }
    return;
  }
  for (let p = 0; p < pointCount; p++) {
    const x = new Float32Array(frameCount);
    const y = new Float32Array(frameCount);
    const z = new Float32Array(frameCount);
    const residual = new Float32Array(frameCount);
    const camera = new Uint8Array(frameCount);
    for (let f = 0, w = 4 * p; f < frameCount; f++, w += wordsPerFrame) {
      const fourth = words[w + 3];
      if (fourth < 0) {
        x[f] = Number.NaN;
        y[f] = Number.NaN;
        z[f] = Number.NaN;
        residual[f] = -1;
        continue;
      }
      const word = Math.trunc(fourth) & 0xffff;
      x[f] = words[w] * coordinateScale;
      y[f] = words[w + 1] * coordinateScale;
      z[f] = words[w + 2] * coordinateScale;
      residual[f] = (word & 0xff) * absScale;
      camera[f] = word >> 8;
    }
    out.x.push(x);
    out.y.push(y);
    out.z.push(z);
    out.residual.push(residual);
    out.cameraMask.push(camera);
  }
}

/**
 * Channels in groups of four, each group's samples read with a stride and written sequentially to
 * four arrays held in locals. One frame-ordered pass writing to all channels through an array of
 * arrays was about twice as slow (bench/c3d.ts: CPU median 4.5 vs 2.2 ms for one channel per pass);
 * four named outputs avoid that indirection.
 */
function deinterleaveAnalog(
  words: Words,
  frameCount: number,
  wordsPerFrame: number,
  layout: FrameLayout,
  dataType: DataType,
  calibration: AnalogCalibration,
  out: DecodedData,
): void {
  const { channelCount, samplesPerFrame } = layout;
  const analogStart = 4 * layout.pointCount;
  const unsignedInts = dataType === "int" && calibration.unsigned;
  if (frameCount === 0) {
    const none = new Float64Array(0);
    for (let c = 0; c < channelCount; c++) out.channels.push(none);
    return;
  }
  // Words skipped between the last sample of a frame and the first of the next (points, tail).
  const frameGap = wordsPerFrame - samplesPerFrame * channelCount;
  const genScale = calibration.genScale;
  const { offset, scale } = calibration;
  const series = Array.from({ length: channelCount }, () => new Float64Array(frameCount * samplesPerFrame));
  let c = 0;
  // Four neighbouring channels per pass, each sample's four words read together: measured 1.5× as
  // fast as one channel per pass on the GHOSTLY files (bench/pipeline.ts stage read_c3d).
  if (!unsignedInts) {
    for (; c + 4 <= channelCount; c += 4) {
      const [s0, s1, s2, s3] = series.slice(c, c + 4);
      const [o0, o1, o2, o3] = [offset[c], offset[c + 1], offset[c + 2], offset[c + 3]];
      const [k0, k1, k2, k3] = [scale[c], scale[c + 1], scale[c + 2], scale[c + 3]];
      let w = analogStart + c;
      let i = 0;
      for (let f = 0; f < frameCount; f++, w += frameGap) {
        for (const end = i + samplesPerFrame; i < end; i++, w += channelCount) {
          s0[i] = (words[w] - o0) * k0 * genScale;
          s1[i] = (words[w + 1] - o1) * k1 * genScale;
          s2[i] = (words[w + 2] - o2) * k2 * genScale;
          s3[i] = (words[w + 3] - o3) * k3 * genScale;
        }
      }
    }
  }
  // The remaining channels (and ANALOG:FORMAT UNSIGNED integer data) one per pass.
  for (; c < channelCount; c++) {
    const target = series[c];
    const o = offset[c];
    const k = scale[c];
    let w = analogStart + c;
    let i = 0;
    for (let f = 0; f < frameCount; f++, w += frameGap) {
      for (const end = i + samplesPerFrame; i < end; i++, w += channelCount) {
        let raw = words[w];
        if (unsignedInts && raw < 0) raw += 65536;
        target[i] = (raw - o) * k * genScale;
      }
    }
  }
  for (const channel of series) out.channels.push(channel);
}
