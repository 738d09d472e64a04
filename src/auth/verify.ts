import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from "jose";
import { ROLES_BY_ORG_KIND, Role } from "../modules/organizations/organizations.enums.js";
import type { OrganizationRow } from "../modules/organizations/organizations.table.js";
import { codePointLength, cutCodePoints, textProblem } from "../shared/text.js";
import { AuthError } from "./errors.js";
import { ALLOWED_ALGORITHMS, type IssuerRegistry, type TrustedIssuer } from "./issuers.js";
import type { Principal } from "./principal.js";

export interface AuthenticateOptions {
  readonly registry: IssuerRegistry;
  readonly audience: string;
  readonly clockToleranceSeconds: number;
  readonly findOrganization: (code: string) => Promise<OrganizationRow | null>;
  /** Injectable clock for tests. */
  readonly now?: () => Date;
  /** Signatures already verified by this process (see VerifiedTokens); none kept without. */
  readonly verified?: VerifiedTokens;
}

/**
 * Tokens whose signature this process has verified, so a client's next request with the same token
 * skips the signature check (the costly step: about a twentieth of a list request's CPU). An entry is
 * used only for the same token string under the same registry entry (a reloaded registry or a rotated
 * key set is a new entry, so every token is verified again), and only until the token's expiry plus the
 * clock tolerance or TTL_MS, whichever comes first: every other claim check runs on every request. A
 * key withdrawn at the issuer stays trusted for cached tokens at most TTL_MS (jose's remote key sets
 * are cached for longer than that anyway).
 */
export class VerifiedTokens {
  static readonly TTL_MS = 60_000;
  private readonly byToken = new Map<string, { readonly issuer: TrustedIssuer; readonly payload: JWTPayload; readonly until: number }>();

  constructor(
    readonly max = 2_000,
    private readonly ttlMs = VerifiedTokens.TTL_MS,
  ) {}

  get size(): number {
    return this.byToken.size;
  }

  get(token: string, issuer: TrustedIssuer, nowMs: number): JWTPayload | null {
    const hit = this.byToken.get(token);
    if (!hit) return null;
    if (hit.issuer !== issuer || nowMs >= hit.until) {
      this.byToken.delete(token);
      return null;
    }
    return hit.payload;
  }

  set(token: string, issuer: TrustedIssuer, payload: JWTPayload, nowMs: number, clockToleranceSeconds: number): void {
    if (typeof payload.exp !== "number") return;
    const until = Math.min(nowMs + this.ttlMs, (payload.exp + clockToleranceSeconds) * 1000);
    if (until <= nowMs) return;
    if (this.byToken.size >= this.max) this.byToken.delete(this.byToken.keys().next().value!);
    this.byToken.set(token, { issuer, payload, until });
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;
export const MAX_PURPOSE_LENGTH = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Verifies an Authorization header into a Principal: pinned algorithms, trusted issuer, audience,
 * expiry, then issuer binding (the issuer must be the one registered for the `org` claim) and the
 * role's existence in that kind of organization. No header → null (anonymous).
 */
export async function authenticate(authorization: string | undefined, options: AuthenticateOptions): Promise<Principal | null> {
  if (authorization === undefined || authorization === "") return null;
  const match = BEARER.exec(authorization.trim());
  if (!match) throw new AuthError("MALFORMED_TOKEN", "the Authorization header must be 'Bearer <JWT>'");
  const token = match[1]!;

  let alg: string | undefined;
  let unverified: JWTPayload;
  try {
    alg = decodeProtectedHeader(token).alg;
    unverified = decodeJwt(token);
  } catch {
    throw new AuthError("MALFORMED_TOKEN", "the bearer token is not a well-formed JWT");
  }
  if (!alg || !(ALLOWED_ALGORITHMS as readonly string[]).includes(alg)) {
    throw new AuthError("ALG_NOT_ALLOWED", `token algorithm ${alg ?? "(none)"} is not accepted`);
  }
  if (typeof unverified.iss !== "string") throw new AuthError("MISSING_CLAIM", "the token has no iss claim");
  const issuer = options.registry.get(unverified.iss);
  if (!issuer) throw new AuthError("UNKNOWN_ISSUER", "the token's issuer is not trusted by this hub");
  if (!issuer.algorithms.includes(alg as never)) {
    throw new AuthError("ALG_NOT_ALLOWED", `issuer does not sign with ${alg}`);
  }

  const verifiedAt = (options.now?.() ?? new Date()).getTime();
  let payload = options.verified?.get(token, issuer, verifiedAt) ?? null;
  if (!payload) {
    try {
      ({ payload } = await jwtVerify(token, issuer.keys, {
        issuer: issuer.issuer,
        audience: options.audience,
        algorithms: [...issuer.algorithms],
        clockTolerance: options.clockToleranceSeconds,
        requiredClaims: ["exp", "sub"],
        currentDate: options.now?.(),
      }));
    } catch (err) {
      throw toAuthError(err);
    }
    options.verified?.set(token, issuer, payload, verifiedAt, options.clockToleranceSeconds);
  }

  // jose accepts an iat in the future; a token issued after "now" (beyond the skew) is not valid yet.
  const now = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  if (typeof payload.iat === "number" && payload.iat > now + options.clockToleranceSeconds) {
    throw new AuthError("TOKEN_NOT_YET_VALID", "the token is not valid yet (issued in the future)");
  }
  const orgCode = payload.org;
  const role = payload.role;
  if (typeof orgCode !== "string" || orgCode === "") throw new AuthError("MISSING_CLAIM", "the token has no org claim");
  if (typeof role !== "string" || role === "") throw new AuthError("MISSING_CLAIM", "the token has no role claim");
  // Every claim the hub keeps (in the access log, in queries) must be storable text: a claim that is
  // not is a malformed token, never a database error later.
  for (const [claim, value, max] of [["sub", payload.sub, 200], ["org", orgCode, 32], ["role", role, 32], ["purpose", payload.purpose, 10_000]] as const) {
    if (typeof value === "string" && (textProblem(value) !== null || codePointLength(value) > max)) {
      throw new AuthError("MALFORMED_TOKEN", `the token's ${claim} claim is not storable text`);
    }
  }
  if (!/^[A-Z0-9][A-Z0-9-]{0,31}$/.test(orgCode)) throw new AuthError("MALFORMED_TOKEN", "the token's org claim is not an organization code");
  const org = await options.findOrganization(orgCode);
  if (!org) throw new AuthError("UNKNOWN_ORG", "the token's organization is not registered with the hub");
  if (org.issuer !== issuer.issuer || (issuer.orgs && !issuer.orgs.has(org.code))) {
    throw new AuthError("ISSUER_NOT_BOUND", "the token's issuer may not speak for its organization");
  }
  if (!Role.is(role) || !ROLES_BY_ORG_KIND[org.kind].includes(role)) {
    throw new AuthError("ROLE_NOT_ALLOWED", `role ${role.slice(0, 40)} does not exist in organizations of kind ${org.kind}`);
  }
  let householdId: string | null = null;
  if (org.kind === "RESIDENT") {
    if (typeof payload.household !== "string" || !UUID.test(payload.household)) {
      throw new AuthError("MISSING_CLAIM", "a resident token must name its household (household claim)");
    }
    householdId = payload.household.toLowerCase();
  }
  return {
    subject: payload.sub!,
    issuer: issuer.issuer,
    role,
    householdId,
    // Cut by character, never inside a surrogate pair.
    purpose: typeof payload.purpose === "string" ? cutCodePoints(payload.purpose, MAX_PURPOSE_LENGTH) : null,
    org: {
      id: org.id,
      code: org.code,
      kind: org.kind,
      nameZh: org.nameZh,
      nameEn: org.nameEn,
      jurisdictionAreaCode: org.jurisdictionAreaCode,
    },
  };
}

function toAuthError(err: unknown): Error {
  if (err instanceof errors.JWTExpired) return new AuthError("TOKEN_EXPIRED", "the token has expired");
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === "aud") return new AuthError("WRONG_AUDIENCE", "the token is not meant for this hub (aud)");
    if (err.claim === "nbf" || err.claim === "iat") return new AuthError("TOKEN_NOT_YET_VALID", "the token is not valid yet");
    if (err.reason === "missing") return new AuthError("MISSING_CLAIM", `the token has no ${err.claim} claim`);
    return new AuthError("MALFORMED_TOKEN", `the token's ${err.claim} claim is invalid`);
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return new AuthError("ALG_NOT_ALLOWED", "token algorithm not accepted");
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey) {
    return new AuthError("BAD_SIGNATURE", "the token's signature does not verify");
  }
  if (err instanceof errors.JOSEError) return new AuthError("MALFORMED_TOKEN", "the bearer token is not a valid JWT");
  // Not the token's fault (e.g. the issuer's JWKS endpoint is down): an internal error, logged.
  return err as Error;
}
