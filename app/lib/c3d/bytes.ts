import type { ProcessorType } from "./types";
import { readDecFloat } from "./dec";

/**
 * Number decoding for one processor type. Callers bound-check offsets against the buffer before
 * calling: these functions assume `offset + size ≤ bytes.length`.
 */
export interface NumberCodec {
  processor: ProcessorType;
  littleEndian: boolean;
  int16(offset: number): number;
  uint16(offset: number): number;
  float32(offset: number): number;
}

export function codecFor(bytes: Uint8Array, processor: ProcessorType): NumberCodec {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // DEC integers are little-endian like Intel; only its floats differ. MIPS is big-endian throughout.
  const littleEndian = processor !== "MIPS";
  return {
    processor,
    littleEndian,
    int16: (offset) => view.getInt16(offset, littleEndian),
    uint16: (offset) => view.getUint16(offset, littleEndian),
    float32: processor === "DEC" ? (offset) => readDecFloat(bytes, offset) : (offset) => view.getFloat32(offset, littleEndian),
  };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A string field, trimmed of NULs and whitespace. The C3D guide only knows single-byte text: bytes are
 * Latin-1 (the Mega file's "°" is one 0xB0 byte) unless they form valid UTF-8 with some non-ASCII
 * character, which is how newer writers store accented names.
 */
export function readString(bytes: Uint8Array, start: number, length: number): string {
  const end = Math.min(bytes.length, start + length);
  let text = "";
  let ascii = true;
  for (let i = start; i < end; i++) {
    if (bytes[i] >= 0x80) ascii = false;
    text += String.fromCharCode(bytes[i]);
  }
  if (!ascii) {
    try {
      text = utf8.decode(bytes.subarray(start, end));
    } catch {
      // not UTF-8: keep the Latin-1 reading
    }
  }
  return trimC3dString(text);
}

export function trimC3dString(text: string): string {
  return text.replace(/^[\s\0]+|[\s\0]+$/g, "");
}
