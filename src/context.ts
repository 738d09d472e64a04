import { AccessRecorder } from "./audit/recorder.js";
import type { AuthError } from "./auth/errors.js";
import type { Principal } from "./auth/principal.js";
import type { Database } from "./db/client.js";
import { createConsentLoader } from "./modules/consents/index.js";
import { createGrantLoader } from "./modules/grants/index.js";
import { createHouseholdLoaders } from "./modules/households/index.js";
import { createOrganizationLoaders } from "./modules/organizations/index.js";
import type { FieldCipher } from "./privacy/crypto.js";
import { Projector } from "./privacy/project.js";
import { AuthError as AuthErrorClass } from "./auth/errors.js";

// One context per request: the verified caller, fresh loaders (never shared across requests or
// callers) and the projector that caches this caller's policy decisions.

export function createLoaders(db: Database, principal: Principal | null) {
  return {
    ...createHouseholdLoaders(db),
    ...createOrganizationLoaders(db),
    // Caller-specific: which households this organization holds grants for, and their consents.
    grantsByHousehold: principal ? createGrantLoader(db, principal.org.id) : null,
    consentsByHousehold: principal ? createConsentLoader(db, { orgId: principal.org.id, orgKind: principal.org.kind }) : null,
  };
}
export type Loaders = ReturnType<typeof createLoaders>;

export interface HubContext {
  readonly requestId: string;
  readonly principal: Principal | null;
  /** A token was sent but failed verification; operations report it. */
  readonly authError: AuthError | null;
  readonly db: Database;
  /** Field encryption: writers seal with it, sources reveal only what a projection discloses. */
  readonly cipher: FieldCipher;
  readonly loaders: Loaders;
  readonly projector: Projector | null;
  /** This request's disclosures and denials, written to the access log before the response. */
  readonly audit: AccessRecorder;
  /** Why the caller is asking (token `purpose` claim or X-Access-Purpose header), for the access log. */
  readonly purpose: string | null;
}

export function createContext(args: {
  requestId: string;
  db: Database;
  cipher: FieldCipher;
  principal: Principal | null;
  authError?: AuthError | null;
  purpose?: string | null;
}): HubContext {
  const audit = new AccessRecorder();
  return {
    requestId: args.requestId,
    principal: args.principal,
    authError: args.authError ?? null,
    db: args.db,
    cipher: args.cipher,
    loaders: createLoaders(args.db, args.principal),
    projector: args.principal ? new Projector(args.principal, audit) : null,
    audit,
    purpose: args.purpose ?? null,
  };
}

/** The caller and its projector; the operation's Allow rule has already required them. */
export function viewerOf(ctx: HubContext): { principal: Principal; projector: Projector } {
  if (!ctx.principal || !ctx.projector) {
    throw ctx.authError ?? new AuthErrorClass("MISSING_TOKEN", "authentication required: send an Authorization: Bearer token");
  }
  return { principal: ctx.principal, projector: ctx.projector };
}
