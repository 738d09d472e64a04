import type DataLoader from "dataloader";
import type { AccessRecorder } from "./audit/recorder.js";
import type { CheckpointEvidence } from "./audit/verify.js";
import type { AuthError } from "./auth/errors.js";
import type { Principal } from "./auth/principal.js";
import type { Database } from "./db/client.js";
import type { AccessGrantRow } from "./modules/grants/grants.table.js";
import type { EmbeddedRelation } from "./db/paging.js";
import type { HouseholdReadRow, PersonReadRow } from "./modules/households/households.table.js";
import type { OrganizationRow } from "./modules/organizations/organizations.table.js";
import type { DataCategory } from "./privacy/categories.js";
import type { FieldCipher } from "./privacy/crypto.js";
import type { LookupLimiter } from "./privacy/lookups.js";
import type { Projector } from "./privacy/project.js";
import type { EventOutbox, HubEvents } from "./shared/events.js";
import type { Deadline } from "./shared/graphql/deadline.js";
import type { Lane } from "./shared/turns.js";

// The per-request context, as types only: what resolvers, decorators and services import. The
// composition root (context.ts) builds it; nothing below the roots constructs one.

/**
 * One request's loaders, never shared across requests or callers. Relation loaders are
 * parent-authorized: call them only with ids taken from a record the caller already reached.
 */
export interface Loaders {
  /** Households in the caller's record scope; null outside it (nested relations re-check scope). */
  readonly householdById: DataLoader<string, HouseholdReadRow | null>;
  readonly membersByHouseholdId: DataLoader<string, readonly PersonReadRow[]>;
  /** A list statement's column that reads its rows' households as householdById would, and primes it. */
  readonly embedHouseholds: EmbeddedRelation;
  readonly organizationById: DataLoader<string, OrganizationRow | null>;
  /** The caller's organization's live grants, by household. */
  readonly grantsByHousehold: DataLoader<string, readonly AccessGrantRow[]>;
  /** The categories each household consented to disclose to the caller's organization. */
  readonly consentsByHousehold: DataLoader<string, ReadonlySet<DataCategory>>;
}

/**
 * The authenticated caller of one request with the handles a service works through: what every
 * service receives (from the `@CurrentViewer()` parameter), instead of reaching into the context.
 */
export interface Viewer {
  readonly principal: Principal;
  /** Projects rows into views under this caller's policy; caches its decisions for the request. */
  readonly projector: Projector;
  readonly db: Database;
  /** Field encryption: writers seal with it, sources reveal only what a projection discloses. */
  readonly cipher: FieldCipher;
  readonly loaders: Loaders;
  /** This request's disclosures and denials, written to the access log before the response. */
  readonly audit: AccessRecorder;
  readonly requestId: string;
  /** The hub's per-caller budget of lookups by identifier. */
  readonly lookups: LookupLimiter;
  /** Reads the signed checkpoints the audit chains are verified against; null when this hub keeps none. */
  readonly checkpointEvidence: (() => Promise<CheckpointEvidence>) | null;
  /** What this request changed, for live notifications: published once the request is done. */
  readonly events: EventOutbox;
}

/** What operations open to everyone read through: aggregates only, never a household's record. */
export interface PublicReader {
  readonly db: Database;
  /** Published cells counting fewer records than this are suppressed (PUBLIC_MIN_CELL). */
  readonly minCell: number;
  /** Organizations are public (names, kinds, areas): the request's loader, with or without a token. */
  readonly organizationById: DataLoader<string, OrganizationRow | null>;
}

export interface HubContext {
  readonly requestId: string;
  /** For public operations (信息公开), with or without a token. */
  readonly publicReader: PublicReader;
  readonly principal: Principal | null;
  /** A token was sent but failed verification; operations report it. */
  readonly authError: AuthError | null;
  /** Present exactly when `principal` is. */
  readonly viewer: Viewer | null;
  readonly audit: AccessRecorder;
  /** Why the caller is asking (token `purpose` claim or X-Access-Purpose header), for the access log. */
  readonly purpose: string | null;
  /** Past it, resolvers start no more work for this request (src/shared/graphql/deadline.ts). */
  readonly deadline: Deadline | null;
  /** Interactive or heavy: whose work goes first at each yield point (src/shared/turns.ts). */
  readonly lane: Lane;
  /** The request's outbox (the viewer's), flushed by the server when the request is done. */
  readonly events: EventOutbox;
  /** The hub's event bus, that subscriptions listen to; null where none runs (CLIs). */
  readonly eventBus: HubEvents | null;
  /** Set once the request's operation is known to be a mutation: the server then waits for its change-log entries to be chained. */
  readonly mutation: { ran: boolean };
}
