export { readC3d } from "./reader";
export { C3dError } from "./errors";
export { getParameter } from "./lookup";
export type {
  C3dAnalog,
  C3dFile,
  C3dGroup,
  C3dHeader,
  C3dParameter,
  C3dPoints,
  C3dWarning,
  DataType,
  ParameterType,
  ProcessorType,
} from "./types";
