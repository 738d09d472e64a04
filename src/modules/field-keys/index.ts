// 密钥轮换 over GraphQL: the running hub rotates its own field keys (privacy/rotate.ts does the work).
export { rotateFieldKeys, type FieldKeyRotation } from "./field-keys.service.js";
export { FieldKeyError, FieldKeyErrorReason } from "./field-keys.errors.js";
