export * from "./resources.enums.js";
export * from "./resources.table.js";
export { ResourceType } from "./resources.type.js";
export { ResourceResolver } from "./resources.resolver.js";
