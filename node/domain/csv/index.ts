export * from "./encoding.js";
export * from "./header.js";
export * from "./parser.js";
export * from "./read-case-list.js";
