import { defineReasons, domainError } from "../shared/errors.js";

/** Why a request is not authenticated; stable reasons for clients and tests. */
export const AuthFailure = defineReasons({
  MISSING_TOKEN: "UNAUTHENTICATED",
  MALFORMED_TOKEN: "UNAUTHENTICATED",
  ALG_NOT_ALLOWED: "UNAUTHENTICATED",
  UNKNOWN_ISSUER: "UNAUTHENTICATED",
  BAD_SIGNATURE: "UNAUTHENTICATED",
  TOKEN_EXPIRED: "UNAUTHENTICATED",
  TOKEN_NOT_YET_VALID: "UNAUTHENTICATED",
  WRONG_AUDIENCE: "UNAUTHENTICATED",
  MISSING_CLAIM: "UNAUTHENTICATED",
  UNKNOWN_ORG: "UNAUTHENTICATED",
  ISSUER_NOT_BOUND: "UNAUTHENTICATED",
  ROLE_NOT_ALLOWED: "UNAUTHENTICATED",
});
export type AuthFailure = keyof typeof AuthFailure;
export class AuthError extends domainError("AuthError", AuthFailure) {}

/** Why an authenticated caller may not call an operation at all (its @Allow rule). */
export const OperationAccessReason = defineReasons({
  ORG_KIND_NOT_ALLOWED: "FORBIDDEN",
  STAFF_ROLE_NOT_ALLOWED: "FORBIDDEN",
});
export type OperationAccessReason = keyof typeof OperationAccessReason;
export class OperationAccessError extends domainError("OperationAccessError", OperationAccessReason) {}
