/**
 * The reader's public shape. Other modules (the EMG pipeline, the CLI, the export) rely on these
 * names; extend them, do not rename them.
 */
export type ProcessorType = "INTEL" | "DEC" | "MIPS";
export type DataType = "int" | "float";
/** C3D parameter type byte: -1 char, 1 byte, 2 int16, 4 float. */
export type ParameterType = -1 | 1 | 2 | 4;

export interface C3dParameter {
  name: string;
  description: string;
  locked: boolean;
  type: ParameterType;
  /** Dimensions as stored (empty for a scalar). */
  dimensions: number[];
  /** Char parameters: strings (trimmed, one per column); numeric ones: a flat column-major array. */
  values: string[] | number[];
}

export interface C3dGroup {
  id: number;
  name: string;
  description: string;
  locked: boolean;
  parameters: C3dParameter[];
}

export interface C3dWarning {
  code: string;
  message: string;
}

export interface C3dHeader {
  parameterBlock: number;
  pointCount: number;
  analogTotalPerFrame: number;
  firstFrame: number;
  lastFrame: number;
  maxGap: number;
  scale: number;
  dataStartBlock: number;
  analogSamplesPerFrame: number;
  frameRate: number;
}

export interface C3dPoints {
  labels: string[];
  /** POINT:DESCRIPTIONS (and DESCRIPTIONS2…), one per point; "" where absent. */
  descriptions: string[];
  /** Per point, one value per frame; NaN where the point is invalid (residual < 0). */
  x: Float32Array[];
  y: Float32Array[];
  z: Float32Array[];
  /** Per point: residual (low byte of the 4th word) × |POINT:SCALE|; −1 where the point is invalid. */
  residual: Float32Array[];
  /** Per point: the camera mask (high byte of the 4th word); 0 where invalid. */
  cameraMask: Uint8Array[];
}

export interface C3dAnalog {
  labels: string[];
  /** ANALOG:DESCRIPTIONS (and DESCRIPTIONS2…), one per channel; "" where absent. */
  descriptions: string[];
  units: string[];
  rate: number;
  samplesPerFrame: number;
  /** One scaled series per channel: (raw − OFFSET) · SCALE · GEN_SCALE. */
  channels: Float64Array[];
  /** ANALOG:FORMAT = "UNSIGNED": integer samples and OFFSET are read as uint16. */
  unsigned: boolean;
}

export interface C3dFile {
  header: C3dHeader;
  processorType: ProcessorType;
  dataType: DataType;
  groups: C3dGroup[];
  /**
   * Frames actually read (clamped to what the file holds) and the rule that gave the count:
   * "TRIAL:ACTUAL_*_FIELD" | "POINT:LONG_FRAMES" | "POINT:FRAMES" | "header".
   */
  frames: { first: number; last: number; count: number; source: string };
  pointRate: number;
  points: C3dPoints;
  analog: C3dAnalog;
  warnings: C3dWarning[];
}
