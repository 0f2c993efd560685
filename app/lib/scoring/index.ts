export * from "./configuration";
export * from "./score";
export * from "./explain";
