import { C3dError } from "./errors";
import { codecFor, type NumberCodec } from "./bytes";
import type { C3dHeader, C3dWarning, ProcessorType } from "./types";

export const BLOCK_SIZE = 512;
/** Byte 2 of the file (second byte of header word 1) identifies a C3D file. */
export const C3D_KEY = 0x50;

const PROCESSORS: Record<number, ProcessorType> = { 84: "INTEL", 85: "DEC", 86: "MIPS" };

export interface HeaderSection {
  header: C3dHeader;
  codec: NumberCodec;
  processorType: ProcessorType;
  /** Byte offset of the parameter section, and how many 512-byte blocks it declares. */
  parameterStart: number;
  parameterBlocks: number;
}

/**
 * Reads the 512-byte header and the 4-byte parameter-section preamble that names the processor
 * type (which the header's own numbers depend on).
 */
export function readHeader(bytes: Uint8Array, warnings: C3dWarning[]): HeaderSection {
  if (bytes.length < BLOCK_SIZE) {
    throw new C3dError(
      "too-short",
      bytes.length,
      `a C3D file holds at least one 512-byte header block, this one has ${bytes.length} bytes`,
    );
  }
  if (bytes[1] !== C3D_KEY) {
    throw new C3dError("not-c3d", 1, `byte 1 must be the C3D key 0x50, found 0x${bytes[1].toString(16).padStart(2, "0")}`);
  }
  const parameterBlock = bytes[0];
  if (parameterBlock < 2) {
    throw new C3dError(
      "bad-parameter-block",
      0,
      `parameter section block number must be ≥ 2 (block 1 is the header), found ${parameterBlock}`,
    );
  }
  const parameterStart = (parameterBlock - 1) * BLOCK_SIZE;
  if (parameterStart + 4 > bytes.length) {
    throw new C3dError(
      "header-past-end",
      0,
      `header points the parameter section to block ${parameterBlock} (byte ${parameterStart}) but the file has ${bytes.length} bytes`,
    );
  }
  const parameterBlocks = bytes[parameterStart + 2];
  const processorByte = bytes[parameterStart + 3];
  let processorType = PROCESSORS[processorByte];
  if (!processorType) {
    processorType = "INTEL";
    warnings.push({
      code: "unknown-processor",
      message: `processor type byte at ${parameterStart + 3} is ${processorByte} (expected 84 Intel, 85 DEC or 86 MIPS); assumed Intel`,
    });
  }
  const codec = codecFor(bytes, processorType);
  const header: C3dHeader = {
    parameterBlock,
    pointCount: codec.uint16(2),
    analogTotalPerFrame: codec.uint16(4),
    firstFrame: codec.uint16(6),
    lastFrame: codec.uint16(8),
    maxGap: codec.uint16(10),
    scale: codec.float32(12),
    dataStartBlock: codec.uint16(16),
    analogSamplesPerFrame: codec.uint16(18),
    frameRate: codec.float32(20),
  };
  return { header, codec, processorType, parameterStart, parameterBlocks };
}
