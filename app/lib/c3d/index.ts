/**
 * C3D reader. `readC3d(bytes)` parses any C3D (Intel/DEC/MIPS, integer or float storage) into typed
 * arrays: analog channels scaled as (raw − OFFSET)·SCALE·GEN_SCALE, points with NaN where invalid.
 * It throws `C3dError` (code, byte offset, rule) only for files that are not C3D or cannot be true;
 * everything recoverable is read and listed in `warnings`. Readings where published readers differ:
 * docs/decisions/010–013.
 */
export { readC3d } from "./reader";
export { C3dError } from "./errors";
export { getParameter } from "./lookup";
export type {
  C3dAnalog,
  C3dFile,
  C3dFrameCompleteness,
  C3dGroup,
  C3dHeader,
  C3dParameter,
  C3dPoints,
  C3dWarning,
  DataType,
  ParameterType,
  ProcessorType,
} from "./types";
