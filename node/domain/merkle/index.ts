export * from "./hash.js";
export * from "./tree.js";
export * from "./verify.js";
