import { HubError } from "../shared/errors.js";

/** Why a request is not authenticated; stable codes for clients and tests. */
export type AuthFailure =
  | "MISSING_TOKEN"
  | "MALFORMED_TOKEN"
  | "ALG_NOT_ALLOWED"
  | "UNKNOWN_ISSUER"
  | "BAD_SIGNATURE"
  | "TOKEN_EXPIRED"
  | "TOKEN_NOT_YET_VALID"
  | "WRONG_AUDIENCE"
  | "MISSING_CLAIM"
  | "UNKNOWN_ORG"
  | "ISSUER_NOT_BOUND"
  | "ROLE_NOT_ALLOWED";

export class AuthError extends HubError {
  override readonly name = "AuthError";
  readonly code = "UNAUTHENTICATED" as const;
  constructor(
    readonly reason: AuthFailure,
    message: string,
  ) {
    super(message, { reason });
  }
}
