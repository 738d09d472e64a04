import { randomUUID } from "node:crypto";
import { and, eq, inArray, is, lte, sql, type SQL } from "drizzle-orm";
import { PgTransaction, type AnyPgColumn } from "drizzle-orm/pg-core";
import { appendChangeEntries, changeEntriesFor, pendingChangesParam, pendingChangesSql, type ChangeActor, type ChangeEntry, type LateChangeEntry } from "../../audit/index.js";
import type { Viewer } from "../../context.type.js";
import type { Database } from "../../db/client.js";
import { UNIQUE_VIOLATION, databaseErrorOf } from "../../db/errors.js";
import { preparedText, rawStatement } from "../../db/raw-rows.js";
import { NATURAL_KEY, keysetPage } from "../../db/paging.js";
import type { EntityCatalogue, View } from "../../privacy/project.js";
import { JURISDICTION_GRANT } from "../../privacy/scope.js";
import { areaContains, areaPrefix } from "../../shared/area.js";
import { dateOrThrow, daysBetween, districtDate } from "../../shared/calendar.js";
import type { HubEvent, HubEvents } from "../../shared/events.js";
import { pageRequest, toPage, type Page, type PageArgs } from "../../shared/graphql/connection.js";
import { textOrThrow, uuidOrThrow } from "../../shared/validate.js";
import { accessGrants } from "../grants/grants.table.js";
import { systemRevokeGrant } from "../grants/index.js";
import { persons } from "../households/index.js";
import { NEED_CATALOGUE, checkClaimantText, governmentCoverSql, needs, openAmountOf } from "../needs/index.js";
import { RESOURCE_CATALOGUE, resources } from "../resources/index.js";
import type { ClaimStatus } from "./claims.enums.js";
import { ClaimError } from "./claims.errors.js";
import { CLAIM_CATALOGUE, CLAIM_DAYS, CLAIM_GRANT_CATEGORIES, CLAIMANT_VIEW_GRANT, claimSource, type ClaimSource } from "./claims.policy.js";
import { claims, type ClaimRow } from "./claims.table.js";

// 认领 (clause 18): a charity claims a published need against one of its resources, delivers, and
// records it. Every step moves the need, the resource's capacity, the claim grant and the change log
// together: a claim in one statement (CLAIM_WRITES), releases, fulfilments and expiries in one
// transaction each, locking claim, resource, need in that order. A claim locks the need first and the
// resource's row last, both inside its one statement — so claims racing for one need queue on that
// need, not on the resource every other claim of it needs, and no row is held across a round trip to
// the hub. That cannot deadlock with the others: a claim goes on to the resource only for a need that
// is open, and an open need has no live claim that a release or fulfilment could be holding the
// resource for. The conditional updates (need still open, resource still active and in its window,
// capacity still left) and the database's constraints (one live claim per need, capacity never below
// zero) decide, whatever the interleaving.

export type ClaimView = View<ClaimSource>;

/** A column's bare name, for SET and INSERT column lists (which take no table prefix). */
const col = (column: AnyPgColumn) => sql.identifier(column.name);
const columnList = (...columns: AnyPgColumn[]) => sql.join(columns.map(col), sql`, `);

const p = (name: string) => sql.placeholder(name);

/** What a claim is decided on: the resource's terms, and the need as the claimant reaches it (null columns: not reached). */
interface ClaimReadRow {
  status: (typeof resources.$inferSelect)["status"];
  startsOn: string;
  endsOn: string | null;
  /** int8, as text */
  budgetFen: string | null;
  perBeneficiaryCapFen: number | null;
  categories: string[];
  serviceAreaCodes: string[];
  eligibilityTags: string[];
  needId: string | null;
  needStatus: string | null;
  householdId: string | null;
  amountFen: number | null;
  category: string | null;
  areaCode: string | null;
  beneficiaryTags: string[] | null;
  cover: number | null;
}

/** The claim's one read (built once, prepared per connection): no row → the resource is not the caller's. */
const CLAIM_READ = preparedText(
  () => sql`select ${resources.status}::text as "status", ${resources.startsOn}::text as "startsOn", ${resources.endsOn}::text as "endsOn",
      ${resources.budgetFen}::text as "budgetFen", ${resources.perBeneficiaryCapFen} as "perBeneficiaryCapFen", ${resources.categories}::text[] as "categories",
      ${resources.serviceAreaCodes}::text[] as "serviceAreaCodes", ${resources.eligibilityTags}::text[] as "eligibilityTags",
      ${needs.id} as "needId", ${needs.status}::text as "needStatus", ${needs.householdId} as "householdId", ${needs.amountFen} as "amountFen",
      ${needs.category}::text as "category", ${needs.areaCode}::text as "areaCode", ${needs.beneficiaryTags}::text[] as "beneficiaryTags",
      case when ${needs.id} is null then null else ${governmentCoverSql()} end as "cover"
    from ${resources} left join ${needs} on ${needs.id} = ${p("needId")}::uuid and ${needs.areaCode} like ${p("area")}::text
    where ${resources.id} = ${p("resourceId")}::uuid and ${resources.ownerOrgId} = ${p("orgId")}::uuid`,
);

/**
 * A claim as one statement, built once (drizzle's building of it cost more than running it) and prepared
 * on each connection: the need taken (if still open: a concurrent claim of it waits for this one's row
 * lock, then finds it taken), the slot and amount held, the claim grant, the claim — each only if the one
 * before it happened — and the claim's change-log entries (pending: see audit/change-log.ts). The need
 * taken but the resource found paused, closed, past its window or out of capacity undoes the statement
 * (abort_statement, migration 0011). Outside a transaction it commits on its own: the rows it locks —
 * the need, then the resource's, which every claim of the resource updates — are held for no round trip
 * to the hub, only until the statement ends.
 */
const CLAIM_WRITES = preparedText(
  () => sql`with taken as (
      update ${needs} set ${col(needs.status)} = 'CLAIMED', ${col(needs.claimedByOrgId)} = ${p("orgId")}::uuid, ${col(needs.updatedAt)} = ${p("now")}::timestamptz
      where ${needs.id} = ${p("needId")}::uuid and ${needs.status} in (${sql.raw(CLAIMABLE.map((status) => `'${status}'`).join(", "))}) and ${needs.claimedByOrgId} is null
      returning ${needs.id}
    ), held as (
      update ${resources} set ${col(resources.slotsClaimed)} = ${resources.slotsClaimed} + 1, ${col(resources.budgetClaimedFen)} = ${resources.budgetClaimedFen} + ${p("fen")}::int, ${col(resources.updatedAt)} = ${p("now")}::timestamptz
      where ${resources.id} = ${p("resourceId")}::uuid and exists (select 1 from taken)
        and ${resources.status} = 'ACTIVE' and ${resources.startsOn} <= ${p("today")}::date and (${resources.endsOn} is null or ${resources.endsOn} >= ${p("today")}::date)
        and (${resources.capacitySlots} is null or ${resources.slotsClaimed} < ${resources.capacitySlots})
        and (${resources.budgetFen} is null or ${resources.budgetClaimedFen} + ${p("fen")}::int <= ${resources.budgetFen})
      returning ${resources.slotsClaimed} as "slotsClaimed", ${resources.budgetClaimedFen} as "budgetClaimedFen"
    ), granted as (
      insert into ${accessGrants} (${columnList(accessGrants.id, accessGrants.householdId, accessGrants.granteeOrgId, accessGrants.relationship, accessGrants.categories, accessGrants.sourceRef, accessGrants.expiresAt)})
      select ${p("grantId")}::uuid, ${p("householdId")}::uuid, ${p("orgId")}::uuid, 'CLAIM'::grant_relationship, ${sql.raw(`'{${CLAIM_GRANT_CATEGORIES.join(",")}}'`)}::data_category[], ${p("sourceRef")}::text, ${p("dueBy")}::timestamptz
      where exists (select 1 from held)
      returning ${accessGrants.id}
    ), claimed as (
      insert into ${claims} (${columnList(claims.id, claims.claimNo, claims.needId, claims.resourceId, claims.claimantOrgId, claims.householdId, claims.grantId, claims.amountFen, claims.status, claims.claimedAt, claims.dueBy)})
      select ${p("claimId")}::uuid, ${CLAIM_NUMBER_NEXT}, ${p("needId")}::uuid, ${p("resourceId")}::uuid, ${p("orgId")}::uuid, ${p("householdId")}::uuid, granted.id, ${p("amount")}::int, 'ACTIVE'::claim_status, ${p("now")}::timestamptz, ${p("dueBy")}::timestamptz
      from granted
      returning ${claims.claimNo} as "claimNo"
    ), logged as (
      ${pendingChangesSql(p("changes"), {
        when: sql`exists (select 1 from claimed)`,
        // The values only this statement knows: the claim's number, the resource's capacity as it left it.
        oldValue: sql`case e.late when 'slots' then ((select "slotsClaimed" from held) - 1)::text when 'budget' then ((select "budgetClaimedFen" from held) - ${p("fen")}::int)::text else e.old_value end`,
        newValue: sql`case e.late when 'claimNo' then (select "claimNo" from claimed) when 'slots' then (select "slotsClaimed" from held)::text when 'budget' then (select "budgetClaimedFen" from held)::text else e.new_value end`,
      })}
    )
    select (select count(*)::int from taken) as "taken", (select "claimNo" from claimed),
      case when exists (select 1 from taken) and not exists (select 1 from held) then abort_statement(${sql.raw(`'${RESOURCE_REFUSED}'`)}) else 0 end as "refused"`,
);

/** abort_statement's message when CLAIM_WRITES took the need but the resource could not give. */
const RESOURCE_REFUSED = "RESOURCE_REFUSED";
const STATEMENT_ABORTED = "QX001";

/** The next claim number, `QXL-000123`, drawn in the INSERT itself (no statement of its own). */
const CLAIM_NUMBER_NEXT = sql`(select 'QXL-' || lpad(n::text, greatest(6, length(n::text)), '0') from (select nextval('claim_no_seq') as n) as seq)`;
const CLAIMABLE = ["OPEN", "MATCHED"] as const;

export interface ClaimNeedData {
  needId: string;
  resourceId: string;
  /** fen */
  amount?: number | null;
}

export interface FulfilClaimData {
  claimId: string;
  /** fen */
  deliveredAmount?: number | null;
  deliveredOn: string;
  evidenceRef: string;
}

function positiveFen(value: number | null | undefined, field: string): number | null {
  if (value == null) return null;
  if (!Number.isSafeInteger(value) || value <= 0 || value > 2_000_000_000) throw ClaimError.atField("INVALID_AMOUNT", `${field} must be more than 0`, field);
  return value;
}

async function memberNames(tx: Database, householdId: string): Promise<string[]> {
  return (await tx.select({ name: persons.name }).from(persons).where(eq(persons.householdId, householdId))).map((p) => p.name);
}

/** One entity's change-log entries, by this request's caller. */
function change<S extends object>(
  viewer: Viewer,
  at: Date,
  g: { catalogue: EntityCatalogue<S>; entityId: string; householdId: string | null; before: Partial<Record<keyof S & string, unknown>> | null; after: Partial<Record<keyof S & string, unknown>> },
): ChangeEntry[] {
  return changeEntriesFor({ ...g, principal: viewer.principal, requestId: viewer.requestId, at });
}

/**
 * 认领需求 — by the resource's owner. In one statement: the need OPEN → CLAIMED, one slot (and the
 * amount) of the resource held, a CLAIM grant on the household for the claimant (names and contact,
 * under the household's consent; never ID numbers), the claim and the change log. Never two live
 * claims on one need, never capacity below zero, whatever the concurrency.
 */
export async function claimNeed(viewer: Viewer, input: ClaimNeedData, now: Date = new Date()): Promise<ClaimView> {
  const { principal, projector } = viewer;
  const org = principal.org;
  const needId = uuidOrThrow(input.needId, "input.needId");
  const resourceId = uuidOrThrow(input.resourceId, "input.resourceId");
  const amount = positiveFen(input.amount, "input.amount");
  const today = districtDate(now);
  // One read, unlocked: the resource among the caller's, and the need as the claimant reaches it (inside
  // its area). What is checked here on the need and the resource is what a claim is refused for; what
  // can change meanwhile (the need still open, the resource still active, in its window, with capacity)
  // CLAIM_WRITES checks again as it writes.
  const [found] = await rawStatement<ClaimReadRow>(viewer.db, CLAIM_READ.text, CLAIM_READ.params({ needId, area: `${areaPrefix(org.jurisdictionAreaCode)}%`, resourceId, orgId: org.id }), "claim_read");
  if (!found) throw ClaimError.atField("RESOURCE_NOT_FOUND", "resource not found among your organization's", "input.resourceId");
  const resource = { ...found, budgetFen: found.budgetFen === null ? null : Number(found.budgetFen) };
  const need = found.needId === null ? null : { status: found.needStatus!, householdId: found.householdId!, amountFen: found.amountFen, category: found.category!, areaCode: found.areaCode!, beneficiaryTags: found.beneficiaryTags! };
  assertResourceOpen(resource, today);
  // Government aid first: a need it covers in full is not charity's (unpublished to claimants: not found).
  const open = need ? openAmountOf(need.amountFen, found.cover!) : null;
  if (!need || open === 0) {
    viewer.audit.denied("Need", "NOT_IN_SCOPE", needId);
    throw ClaimError.atField("NEED_NOT_FOUND", "need not found", "input.needId");
  }
  if (need.status === "CLAIMED") throw new ClaimError("NEED_ALREADY_CLAIMED", "the need has been claimed already");
  if (!(CLAIMABLE as readonly string[]).includes(need.status)) throw new ClaimError("NEED_NOT_OPEN", `the need is ${need.status}: nothing to claim`);
  // The caller's own terms first, then what it can see of the need, and last the one check on what
  // it cannot see (the need's tags), so no cheaper refusal tells it whether that check passed.
  if (resource.budgetFen !== null && amount === null) throw ClaimError.atField("AMOUNT_REQUIRED", "a claim against a budget names its amount", "input.amount");
  if (amount !== null && resource.perBeneficiaryCapFen !== null && amount > resource.perBeneficiaryCapFen) {
    throw ClaimError.atField("AMOUNT_OVER_CAP", "amount is over the resource's cap per beneficiary", "input.amount");
  }
  if (!resource.categories.includes(need.category)) {
    throw new ClaimError("CATEGORY_NOT_COVERED", `the resource meets ${resource.categories.join(", ")} needs, not ${need.category}`);
  }
  if (!resource.serviceAreaCodes.some((code) => areaContains(code, need.areaCode))) throw new ClaimError("AREA_NOT_SERVED", "the need lies outside the resource's service areas");
  if (amount !== null && open !== null && amount > open) throw ClaimError.atField("AMOUNT_OVER_NEED", "amount is over what the need leaves open for charity", "input.amount");
  // Discloses what matching will: whether the need carries one of the tags the resource asked for
  // (a tag the claimant may not see among the need's). A refusal is in the household's access log.
  if (resource.eligibilityTags.length > 0 && !need.beneficiaryTags.some((t) => resource.eligibilityTags.includes(t))) {
    viewer.audit.denied("Need", "NOT_ELIGIBLE", needId, need.householdId);
    throw new ClaimError("NOT_ELIGIBLE", `the need carries none of the resource's eligibility tags (${resource.eligibilityTags.join(", ")})`);
  }

  const claimId = randomUUID();
  const grantId = randomUUID();
  const dueBy = new Date(now.getTime() + CLAIM_DAYS * 24 * 3600 * 1000);
  const fen = amount ?? 0;
  // The entries, their late values (the claim number, the resource's capacity) filled in by the statement.
  const late = (tag: string, field: string) => (e: ChangeEntry): LateChangeEntry => (e.field === field ? { ...e, late: tag } : e);
  const changes = pendingChangesParam([
    ...change(viewer, now, { catalogue: CLAIM_CATALOGUE, entityId: claimId, householdId: need.householdId, before: null, after: { claimNo: null, needId, resourceId, claimantOrgId: org.id, status: "ACTIVE", amount, dueBy: dueBy.toISOString() } }).map(late("claimNo", "claimNo")),
    ...change(viewer, now, { catalogue: NEED_CATALOGUE, entityId: needId, householdId: need.householdId, before: { status: need.status }, after: { status: "CLAIMED" } }),
    // 0 → 1 and 0 → fen stand for "one more" and "fen more": an unchanged budget (fen 0) has no entry.
    ...change(viewer, now, { catalogue: RESOURCE_CATALOGUE, entityId: resourceId, householdId: null, before: { slotsClaimed: 0, budgetClaimed: 0 }, after: { slotsClaimed: 1, budgetClaimed: fen } })
      .map(late("slots", "slotsClaimed"))
      .map(late("budget", "budgetClaimed")),
  ]);
  const params = CLAIM_WRITES.params({ fen, now, today, resourceId, orgId: org.id, needId, grantId, householdId: need.householdId, sourceRef: `claim:${claimId}`, dueBy, claimId, amount, changes });
  const write = (db: Database) => rawStatement<{ taken: number; claimNo: string | null }>(db, CLAIM_WRITES.text, params, "claim_writes");
  let written: { taken: number; claimNo: string | null };
  try {
    // Inside a caller's transaction (a keyed mutation), a savepoint: a refusal must not fail it whole.
    [written] = (await (is(viewer.db, PgTransaction) ? viewer.db.transaction(write) : write(viewer.db))) as [{ taken: number; claimNo: string | null }];
  } catch (error) {
    const db = databaseErrorOf(error);
    // The need was taken first, then its claim found the resource unable to give: say why, as it is now.
    if (db?.code === STATEMENT_ABORTED) {
      const [current] = await viewer.db.select().from(resources).where(eq(resources.id, resourceId));
      assertResourceOpen(current!, today);
      throw new ClaimError("RESOURCE_EXHAUSTED", "the resource has no slot or not enough budget left");
    }
    // The index behind the conditional update: a live claim on the need committed first.
    if (db?.code === UNIQUE_VIOLATION && db.constraint === "claims_live_need_uq") throw new ClaimError("NEED_ALREADY_CLAIMED", "the need has been claimed already");
    throw error;
  }
  if (written.taken === 0 || written.claimNo === null) throw new ClaimError("NEED_ALREADY_CLAIMED", "the need has been claimed already");
  // The row as inserted (its bookkeeping timestamps are the database's, unread: no view shows them).
  const claim: ClaimRow = {
    id: claimId,
    claimNo: written.claimNo,
    needId,
    resourceId,
    claimantOrgId: org.id,
    householdId: need.householdId,
    grantId,
    amountFen: amount,
    status: "ACTIVE",
    claimedAt: now,
    dueBy,
    deliveredAmountFen: null,
    deliveredOn: null,
    evidenceRef: null,
    fulfilledAt: null,
    releaseReason: null,
    endedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  viewer.events.add("NEED_ACTIVITY", { kind: "CLAIMED", claimId, needId, areaCode: need.areaCode, at: now });
  return projector.project(CLAIM_CATALOGUE, claimSource(claim), CLAIMANT_VIEW_GRANT);
}

/** A resource takes claims when it is ACTIVE and `today` lies in its window. */
function assertResourceOpen(resource: Pick<typeof resources.$inferSelect, "status" | "startsOn" | "endsOn">, today: string): void {
  if (resource.status !== "ACTIVE") throw new ClaimError("RESOURCE_NOT_ACTIVE", `the resource is ${resource.status}, not ACTIVE`);
  if (resource.startsOn > today || (resource.endsOn !== null && resource.endsOn < today)) {
    throw new ClaimError("RESOURCE_OUTSIDE_WINDOW", `the resource runs ${resource.startsOn} to ${resource.endsOn ?? "open-ended"}`);
  }
}

/** The caller's own claim, locked for a change. */
async function lockOwnClaim(viewer: Viewer, tx: Database, claimId: string): Promise<ClaimRow> {
  const [claim] = await tx
    .select()
    .from(claims)
    .where(and(eq(claims.id, claimId), eq(claims.claimantOrgId, viewer.principal.org.id)))
    .for("update");
  if (!claim) throw new ClaimError("CLAIM_NOT_FOUND", "claim not found among your organization's");
  if (claim.status !== "ACTIVE") throw new ClaimError("CLAIM_NOT_ACTIVE", `the claim is ${claim.status}, not ACTIVE`);
  return claim;
}

/** Gives the claim's capacity back (the slot, and `fen` of its budget). */
async function returnCapacity(tx: Database, claim: ClaimRow, slots: number, fen: number, now: Date) {
  const [before] = await tx.select({ slotsClaimed: resources.slotsClaimed, budgetClaimedFen: resources.budgetClaimedFen }).from(resources).where(eq(resources.id, claim.resourceId)).for("update");
  const [after] = await tx
    .update(resources)
    .set({ slotsClaimed: sql`${resources.slotsClaimed} - ${slots}`, budgetClaimedFen: sql`${resources.budgetClaimedFen} - ${fen}`, updatedAt: now })
    .where(eq(resources.id, claim.resourceId))
    .returning({ slotsClaimed: resources.slotsClaimed, budgetClaimedFen: resources.budgetClaimedFen });
  return { before: before!, after: after! };
}

/**
 * 释放认领 — the claimant gives an active claim back, with its reason: the need is open again, the
 * resource's slot and amount are returned, the claim grant is revoked.
 */
export async function releaseClaim(viewer: Viewer, args: { id: string; reason: string }, now: Date = new Date()): Promise<ClaimView> {
  const claimId = uuidOrThrow(args.id);
  const reason = textOrThrow(args.reason, { field: "reason", min: 2, max: 500, multiline: true });
  const row = await viewer.db.transaction(async (tx) => {
    const claim = await lockOwnClaim(viewer, tx, claimId);
    await checkClaimantText(viewer, reason, { field: "reason", householdId: claim.householdId, memberNames: await memberNames(tx, claim.householdId) });
    return endClaim(tx, claim, { status: "RELEASED", reason, actor: viewer.principal, requestId: viewer.requestId, now });
  });
  for (const event of claimEnded(row, now)) viewer.events.add(...event);
  return viewer.projector.project(CLAIM_CATALOGUE, claimSource(row.claim), CLAIMANT_VIEW_GRANT);
}

/**
 * Ends an active, locked claim without delivery (released by its claimant, or expired): the need is
 * open again, the slot and the amount go back to the resource, the grant is revoked; all in the
 * change log, in the caller's transaction.
 */
async function endClaim(
  tx: Database,
  claim: ClaimRow,
  args: { status: "RELEASED" | "EXPIRED"; reason: string | null; actor: ChangeActor; requestId: string; now: Date },
): Promise<EndedClaim> {
  const { now } = args;
  const capacity = await returnCapacity(tx, claim, 1, claim.amountFen ?? 0, now);
  const [reopened] = await tx
    .update(needs)
    .set({ status: "OPEN", claimedByOrgId: null, updatedAt: now })
    .where(and(eq(needs.id, claim.needId), eq(needs.status, "CLAIMED")))
    .returning({ category: needs.category, areaCode: needs.areaCode });
  if (claim.grantId) await systemRevokeGrant(tx, claim.grantId);
  const [updated] = await tx.update(claims).set({ status: args.status, releaseReason: args.reason, endedAt: now, updatedAt: now }).where(eq(claims.id, claim.id)).returning();
  const by = { principal: args.actor, requestId: args.requestId, at: now };
  await appendChangeEntries(
    tx,
    [
      ...changeEntriesFor({ ...by, catalogue: CLAIM_CATALOGUE, entityId: claim.id, householdId: claim.householdId, before: { status: "ACTIVE" }, after: { status: args.status, ...(args.reason !== null ? { releaseReason: args.reason } : {}) } }),
      ...changeEntriesFor({ ...by, catalogue: NEED_CATALOGUE, entityId: claim.needId, householdId: claim.householdId, before: { status: "CLAIMED" }, after: { status: "OPEN" } }),
      ...changeEntriesFor({ ...by, catalogue: RESOURCE_CATALOGUE, entityId: claim.resourceId, householdId: null, before: { slotsClaimed: capacity.before.slotsClaimed, budgetClaimed: capacity.before.budgetClaimedFen }, after: { slotsClaimed: capacity.after.slotsClaimed, budgetClaimed: capacity.after.budgetClaimedFen } }),
    ],
  );
  return { claim: updated!, reopened: reopened ?? null };
}

interface EndedClaim {
  readonly claim: ClaimRow;
  /** The need, open again (null if it was no longer CLAIMED). */
  readonly reopened: { readonly category: string; readonly areaCode: string } | null;
}

/** What an ended claim tells subscribers: the claim's end, and the need open for matching again. */
function claimEnded(ended: EndedClaim, at: Date): HubEvent[] {
  const { claim, reopened } = ended;
  if (!reopened) return [];
  const kind = claim.status === "EXPIRED" ? "EXPIRED" : "RELEASED";
  return [
    ["NEED_ACTIVITY", { kind, claimId: claim.id, needId: claim.needId, areaCode: reopened.areaCode, at }],
    ["NEED_OPENED", { needId: claim.needId, category: reopened.category, areaCode: reopened.areaCode }],
  ];
}

/** The hub itself, as the actor of the transitions its schedule makes (in the change log). */
export const CLAIM_EXPIRY_ACTOR: ChangeActor = Object.freeze({ subject: "hub:claim-expiry", role: "SYSTEM", org: Object.freeze({ code: "HUB" }) });

/**
 * 认领过期 — ends every active claim past its `dueBy` (oldest first, at most `limit` a call), each in
 * its own transaction, as a release would: the need opens again, capacity returns, the grant is
 * revoked. Driven by the claims' own rows, so a restart loses nothing: the next sweep finds what is
 * due. On PostgreSQL several hub instances may sweep at once: `SKIP LOCKED` hands each claim to one,
 * and a claim its claimant is fulfilling at that moment is left to that transaction.
 */
export async function expireDueClaims(db: Database, now: Date = new Date(), limit = 100, events: HubEvents | null = null): Promise<number> {
  const requestId = `claim-expiry:${randomUUID()}`;
  let expired = 0;
  while (expired < limit) {
    const ended = await db.transaction(async (tx) => {
      const [claim] = await tx
        .select()
        .from(claims)
        .where(and(eq(claims.status, "ACTIVE"), lte(claims.dueBy, now)))
        .orderBy(claims.dueBy)
        .limit(1)
        .for("update", { skipLocked: true });
      if (!claim) return null;
      return endClaim(tx, claim, { status: "EXPIRED", reason: null, actor: CLAIM_EXPIRY_ACTOR, requestId, now });
    });
    if (!ended) break;
    // Committed: its subscribers may hear of it.
    for (const event of claimEnded(ended, now)) events?.publish(...event);
    expired++;
  }
  return expired;
}

/**
 * 完成认领 — the claimant records the delivery: the amount delivered (at most the amount claimed; what
 * was not spent goes back to the resource's budget), the date (from the claim's day to today) and an
 * evidence reference. The need is FULFILLED and the claim grant ends: delivery done, the charity holds
 * no more of the household than it needed.
 */
export async function fulfilClaim(viewer: Viewer, input: FulfilClaimData, now: Date = new Date()): Promise<ClaimView> {
  const claimId = uuidOrThrow(input.claimId, "input.claimId");
  const delivered = input.deliveredAmount == null ? null : input.deliveredAmount;
  if (delivered !== null && (!Number.isSafeInteger(delivered) || delivered < 0)) throw ClaimError.atField("INVALID_AMOUNT", "deliveredAmount must be 0 or more", "input.deliveredAmount");
  const deliveredOn = dateOrThrow(input.deliveredOn, "input.deliveredOn");
  const evidenceRef = textOrThrow(input.evidenceRef, { field: "input.evidenceRef", min: 1, max: 200 });
  const today = districtDate(now);
  const row = await viewer.db.transaction(async (tx) => {
    const claim = await lockOwnClaim(viewer, tx, claimId);
    if (daysBetween(today, deliveredOn) > 0 || daysBetween(districtDate(claim.claimedAt), deliveredOn) < 0) {
      throw ClaimError.atField("INVALID_DELIVERY", `deliveredOn must lie between the claim's day (${districtDate(claim.claimedAt)}) and today (${today})`, "input.deliveredOn");
    }
    if (claim.amountFen !== null && delivered === null) throw ClaimError.atField("AMOUNT_REQUIRED", "a claim with an amount records the amount delivered", "input.deliveredAmount");
    if (claim.amountFen !== null && delivered !== null && delivered > claim.amountFen) {
      throw ClaimError.atField("INVALID_DELIVERY", "deliveredAmount must not exceed the amount claimed (claim again for more)", "input.deliveredAmount");
    }
    await checkClaimantText(viewer, evidenceRef, { field: "input.evidenceRef", householdId: claim.householdId, memberNames: await memberNames(tx, claim.householdId) });
    const unspent = claim.amountFen !== null && delivered !== null ? claim.amountFen - delivered : 0;
    const capacity = unspent > 0 ? await returnCapacity(tx, claim, 0, unspent, now) : null;
    const [need] = await tx
      .update(needs)
      .set({ status: "FULFILLED", updatedAt: now })
      .where(and(eq(needs.id, claim.needId), eq(needs.status, "CLAIMED")))
      .returning({ areaCode: needs.areaCode });
    if (claim.grantId) await systemRevokeGrant(tx, claim.grantId);
    const [updated] = await tx
      .update(claims)
      .set({ status: "FULFILLED", deliveredAmountFen: delivered, deliveredOn, evidenceRef, fulfilledAt: now, endedAt: now, updatedAt: now })
      .where(eq(claims.id, claimId))
      .returning();
    await appendChangeEntries(
      tx,
      [
        ...change(viewer, now, { catalogue: CLAIM_CATALOGUE, entityId: claimId, householdId: claim.householdId, before: { status: "ACTIVE" }, after: { status: "FULFILLED", deliveredAmount: delivered, deliveredOn, evidenceRef } }),
        ...change(viewer, now, { catalogue: NEED_CATALOGUE, entityId: claim.needId, householdId: claim.householdId, before: { status: "CLAIMED" }, after: { status: "FULFILLED" } }),
        ...(capacity
          ? change(viewer, now, { catalogue: RESOURCE_CATALOGUE, entityId: claim.resourceId, householdId: null, before: { budgetClaimed: capacity.before.budgetClaimedFen }, after: { budgetClaimed: capacity.after.budgetClaimedFen } })
          : []),
      ],
    );
    return { claim: updated!, areaCode: need?.areaCode ?? null };
  });
  if (row.areaCode) viewer.events.add("NEED_ACTIVITY", { kind: "FULFILLED", claimId, needId: row.claim.needId, areaCode: row.areaCode, at: now });
  return viewer.projector.project(CLAIM_CATALOGUE, claimSource(row.claim), CLAIMANT_VIEW_GRANT);
}

/** Jurisdiction kinds that follow the claims on needs in their area. */
const OVERSEERS = new Set(["CIVIL_AFFAIRS", "SUBDISTRICT", "COMMUNITY"]);

/** Where the caller oversees claims: on needs in its area (civil affairs, subdistricts, communities). */
function overseenClaims(viewer: Viewer): SQL {
  return sql`exists (select 1 from ${needs} where ${needs.id} = ${claims.needId} and ${needs.areaCode} like ${`${areaPrefix(viewer.principal.org.jurisdictionAreaCode)}%`})`;
}

/**
 * One claim on a need in the caller's area, as an overseer sees it, when its status is one of
 * `statuses`; null otherwise (not there, not the caller's to oversee, or moved on).
 */
export async function overseenClaim(viewer: Viewer, claimId: string, statuses: readonly ClaimStatus[]): Promise<ClaimView | null> {
  if (!OVERSEERS.has(viewer.principal.org.kind)) return null;
  const [row] = await viewer.db
    .select()
    .from(claims)
    .where(and(eq(claims.id, claimId), inArray(claims.status, [...statuses]), overseenClaims(viewer)));
  return row ? viewer.projector.project(CLAIM_CATALOGUE, claimSource(row), JURISDICTION_GRANT) : null;
}

/**
 * 认领记录 — claims by claim number: a claimant's own, or (civil affairs, subdistricts, communities)
 * those on needs in the caller's area. Anyone else: none.
 */
export async function listClaims(viewer: Viewer, args: { status?: ClaimStatus | null; page: PageArgs }): Promise<Page<ClaimView>> {
  const { principal, projector } = viewer;
  const page = pageRequest(args.page, NATURAL_KEY);
  const overseer = OVERSEERS.has(principal.org.kind);
  const visible = overseer ? overseenClaims(viewer) : eq(claims.claimantOrgId, principal.org.id);
  const { rows, totalCount } = await keysetPage({
    db: viewer.db,
    table: claims,
    key: claims.claimNo,
    where: and(visible, args.status != null ? eq(claims.status, args.status) : undefined),
    page,
  });
  const grant = overseer ? JURISDICTION_GRANT : CLAIMANT_VIEW_GRANT;
  return toPage({ rows, limit: page.limit, totalCount, keyOf: (r) => r.claimNo, view: (r) => projector.project(CLAIM_CATALOGUE, claimSource(r), grant) });
}

