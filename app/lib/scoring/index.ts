export * from "./configuration";
export * from "./score";
