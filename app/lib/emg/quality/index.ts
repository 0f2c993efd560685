/**
 * Signal-quality checks (docs/quality.md): per channel and per session, findings with a code, a
 * severity, a plain-language message, the measured value and its limit; the session status.
 */
export * from "./findings";
export * from "./limits";
export * from "./clipping";
export * from "./flat";
export * from "./line-noise";
export * from "./artifact";
export * from "./mvc-outlier";
export * from "./targets";
export * from "./session";
export * from "./channel";
