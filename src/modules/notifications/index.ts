export * from "./notifications.enums.js";
