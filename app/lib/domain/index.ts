/**
 * The domain every layer shares — C3D reader, EMG pipeline, scoring, analysis and export alike: the
 * zod schemas and types of a session's sections, the training targets, and the error a parameter
 * with an unusable value raises. It imports nothing from the app.
 */
export * from "./channel";
export * from "./errors";
export * from "./parameters";
export * from "./quality";
export * from "./scores";
export * from "./session";
export * from "./targets";
