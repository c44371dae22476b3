export * from "./changes";
export * from "./common";
export * from "./envelope";
export * from "./errors";
export * from "./events";
export * from "./inventory";
export * from "./items";
export * from "./push";
