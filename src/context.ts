import { AccessRecorder } from "./audit/recorder.js";
import type { CheckpointEvidence } from "./audit/verify.js";
import type { AuthError } from "./auth/errors.js";
import type { Principal } from "./auth/principal.js";
import type { HubContext, Loaders } from "./context.type.js";
import type { Database } from "./db/client.js";
import { createConsentLoader } from "./modules/consents/index.js";
import { createGrantLoader } from "./modules/grants/index.js";
import { createHouseholdLoaders } from "./modules/households/index.js";
import { createOrganizationLoaders, type OrganizationLoaders } from "./modules/organizations/index.js";
import type { FieldCipher } from "./privacy/crypto.js";
import type { LookupLimiter } from "./privacy/lookups.js";
import { Projector, type SelectedFields } from "./privacy/project.js";
import { householdScope } from "./privacy/scope.js";
import { EventOutbox, type HubEvents } from "./shared/events.js";
import type { Deadline } from "./shared/graphql/deadline.js";
import { Lane } from "./shared/turns.js";

/** Statistical disclosure control's threshold rule: no published cell counts fewer than 5 records. */
export const DEFAULT_PUBLIC_MIN_CELL = 5;

// Composition root of one request: the verified caller, fresh loaders (never shared across requests
// or callers) and the projector that caches this caller's policy decisions.

export function createLoaders(
  db: Database,
  principal: Principal,
  lane: Lane | null = null,
  selects?: SelectedFields,
  organizations: OrganizationLoaders = createOrganizationLoaders(db, lane),
): Loaders {
  return {
    ...createHouseholdLoaders(db, householdScope(principal), lane, selects),
    ...organizations,
    grantsByHousehold: createGrantLoader(db, principal.org.id, lane),
    consentsByHousehold: createConsentLoader(db, { orgId: principal.org.id, orgKind: principal.org.kind }, lane),
  };
}

export function createContext(args: {
  requestId: string;
  db: Database;
  cipher: FieldCipher;
  principal: Principal | null;
  authError?: AuthError | null;
  purpose?: string | null;
  lookups: LookupLimiter;
  checkpointEvidence?: (() => Promise<CheckpointEvidence>) | null;
  deadline?: Deadline | null;
  /** Published cells counting fewer records are suppressed; default DEFAULT_PUBLIC_MIN_CELL. */
  publicMinCell?: number;
  /** The hub's event bus: the request's changes are published to it when it is done. */
  events?: HubEvents | null;
}): HubContext {
  const { requestId, db, cipher, principal, lookups } = args;
  const audit = new AccessRecorder();
  // Counted from the request's start until its response is sent, unless the heavy lane takes it (server.ts).
  const lane = new Lane();
  const projector = principal ? new Projector(principal, audit) : null;
  const organizations = createOrganizationLoaders(db, lane);
  const events = new EventOutbox(args.events ?? null);
  return {
    requestId,
    publicReader: { db, minCell: args.publicMinCell ?? DEFAULT_PUBLIC_MIN_CELL, organizationById: organizations.organizationById },
    principal,
    authError: args.authError ?? null,
    viewer: principal
      ? {
          principal,
          projector: projector!,
          db,
          cipher,
          // The loaders read what the operation selects, as the projector builds it.
          loaders: createLoaders(db, principal, lane, (entity, field) => projector!.selects(entity, field), organizations),
          audit,
          requestId,
          lookups,
          checkpointEvidence: args.checkpointEvidence ?? null,
          events,
        }
      : null,
    audit,
    purpose: args.purpose ?? null,
    deadline: args.deadline ?? null,
    lane,
    events,
    eventBus: args.events ?? null,
    mutation: { ran: false },
  };
}
