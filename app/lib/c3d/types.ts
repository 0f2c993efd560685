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
  /**
   * Samples per second per channel: ANALOG:RATE when positive; without it, point rate × samples per
   * frame when channels are recorded (warned), 0 when an ANALOG group records none, and null when the
   * file has no ANALOG group and no analog data — no analog rate at all, which 0 would misstate
   * (docs/decisions/013).
   */
  rate: number | null;
  samplesPerFrame: number;
  /** One scaled series per channel: (raw − OFFSET) · SCALE · GEN_SCALE. */
  channels: Float64Array[];
  /** ANALOG:FORMAT = "UNSIGNED": integer samples and OFFSET are read as uint16. */
  unsigned: boolean;
}

/**
 * How the frames read compare with what the file declares, as numbers, so a quality check can flag a
 * cut or unfinalized recording without parsing warning messages (docs/decisions/013).
 */
export interface C3dFrameCompleteness {
  /**
   * "complete": the declared frames were read; "truncated": the data section holds fewer whole frames
   * than declared (warning `truncated`); "recovered": the file declares no frames (an unfinalized
   * recording) and the whole frames present were read (warning `recording_recovered`).
   */
  status: "complete" | "truncated" | "recovered";
  /** Frames the header/parameters declare (the rule in `frames.source`); 0 for an unfinalized recording. */
  declaredFrames: number;
  /** Frames read: `frames.count`. */
  framesRead: number;
  /** Whole frames of points and analog samples in the data section; null when frames hold neither. */
  framesInData: number | null;
  /** declaredFrames and framesRead in seconds at the point rate; null without a positive point rate. */
  secondsDeclared: number | null;
  secondsRead: number | null;
}

export interface C3dFile {
  header: C3dHeader;
  processorType: ProcessorType;
  dataType: DataType;
  groups: C3dGroup[];
  /**
   * Frames actually read (clamped to what the file holds) and the rule that gave the count:
   * "TRIAL:ACTUAL_*_FIELD" | "POINT:LONG_FRAMES" | "POINT:FRAMES" | "header", or "data" for an
   * unfinalized recording counted from its data section.
   */
  frames: { first: number; last: number; count: number; source: string };
  completeness: C3dFrameCompleteness;
  pointRate: number;
  points: C3dPoints;
  analog: C3dAnalog;
  warnings: C3dWarning[];
}
