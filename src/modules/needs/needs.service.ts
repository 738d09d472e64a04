import { and, eq, inArray, sql } from "drizzle-orm";
import { appendChangeEntries, changeEntriesFor } from "../../audit/index.js";
import type { Viewer } from "../../context.type.js";
import { NATURAL_KEY } from "../../db/paging.js";
import { defineCatalogue, type View } from "../../privacy/project.js";
import { needScope } from "../../privacy/scope.js";
import { pageRequest, toPage, type Page, type PageArgs } from "../../shared/graphql/connection.js";
import { districtDate } from "../../shared/calendar.js";
import { areaPrefixOrThrow, textOrThrow, uuidOrThrow } from "../../shared/validate.js";
import { cases } from "../cases/index.js";
import { households, persons } from "../households/index.js";
import { BeneficiaryTag } from "./needs.enums.js";
import { derivedTags } from "./needs.tags.js";
import { NeedError } from "./needs.errors.js";
import { NEED_CATALOGUE, needSource, type NeedSource } from "./needs.policy.js";
import { NeedRepository, type NeedFilter } from "./needs.repository.js";
import { needs } from "./needs.table.js";
import { assertClaimantText, personalDataIn, validateNeedPost, type NeedPostData } from "./needs.validation.js";
import { policyAccess, withoutConsentCap } from "../../privacy/policy.js";

export type NeedView = View<NeedSource>;

export async function listNeeds(viewer: Viewer, args: { filter?: NeedFilter | null; page: PageArgs }): Promise<Page<NeedView>> {
  const { principal, projector, loaders } = viewer;
  const page = pageRequest(args.page, NATURAL_KEY);
  const scope = needScope(principal);
  const f = args.filter ?? {};
  // The needs' households (and members) come in the page's own statement when the operation shows them.
  const households = projector.selects("Need", "household") ? loaders.embedHouseholds : null;
  const { rows, totalCount } = await new NeedRepository(viewer.db, scope, (entity, field) => projector.selects(entity, field)).page(
    {
      areaCode: f.areaCode != null ? areaPrefixOrThrow(f.areaCode, "filter.areaCode") : null,
      category: f.category ?? null,
      status: f.status ?? null,
      urgency: f.urgency ?? null,
    },
    page,
    households,
  );
  households?.prime(rows);
  return toPage({
    rows,
    limit: page.limit,
    totalCount,
    keyOf: (r) => r.needNo,
    view: (r) => projector.project(NEED_CATALOGUE, needSource(r, viewer.cipher), scope.grant),
  });
}

export async function getNeed(viewer: Viewer, id: string): Promise<NeedView> {
  const needId = uuidOrThrow(id);
  const { principal, projector } = viewer;
  const scope = needScope(principal);
  const row = await new NeedRepository(viewer.db, scope).findById(needId);
  if (!row) {
    viewer.audit.denied("Need", "NOT_IN_SCOPE", needId);
    throw new NeedError("NEED_NOT_FOUND", "need not found");
  }
  return projector.project(NEED_CATALOGUE, needSource(row, viewer.cipher), scope.grant);
}

// --- posting and cancelling (clause 18: 发布需求) ----------------------------------------------------

/** Posted needs are numbered after the demo's (`need_no_seq`). */
const needNumber = (n: string | number) => `QXN-${String(n).padStart(6, "0")}`;

/**
 * 发布需求 — a need posted for a household the caller acts on: civil affairs, a subdistrict or a
 * community in its jurisdiction, or a social-work agency the household is assigned to. The need's area
 * is the household's; its claimant-facing title may hold no ID-number-like or phone-like string and no
 * member's name. Created OPEN, with its fields in the change log, in one transaction.
 */
export async function postNeed(viewer: Viewer, input: NeedPostData, now: Date = new Date()): Promise<NeedView> {
  const { principal, projector, cipher, loaders } = viewer;
  const valid = validateNeedPost(input, districtDate(now));
  const household = await loaders.householdById.load(valid.householdId);
  const assigned = principal.org.kind !== "SOCIAL_WORK_AGENCY" || (await loaders.grantsByHousehold.load(valid.householdId)).some((g) => g.relationship === "ASSIGNMENT");
  if (!household || !assigned) {
    viewer.audit.denied("Household", "NOT_IN_SCOPE", valid.householdId);
    throw NeedError.atField("HOUSEHOLD_NOT_FOUND", "household not found", "input.householdId");
  }
  const members = await viewer.db
    .select({
      name: persons.name,
      birthDate: persons.birthDate,
      disabilityLevel: persons.disabilityLevel,
      seriousIllness: persons.seriousIllness,
      workAbility: persons.workAbility,
      studentStatus: persons.studentStatus,
      employmentStatus: persons.employmentStatus,
    })
    .from(persons)
    .where(eq(persons.householdId, household.id));
  const memberNames = members.map((p) => p.name);
  await checkClaimantText(viewer, valid.title, { field: "input.title", householdId: household.id, memberNames });
  // The tags the household's records show, whatever the poster sent: eligibility is the hub's to compute.
  const [home] = await viewer.db.select({ residenceStatus: households.residenceStatus }).from(households).where(eq(households.id, household.id));
  const approved = await viewer.db.select({ type: cases.type }).from(cases).where(and(eq(cases.householdId, household.id), eq(cases.status, "APPROVED")));
  const derived = derivedTags({ residenceStatus: home!.residenceStatus, members, approvedAssistance: approved.map((c) => c.type) }, districtDate(now), BeneficiaryTag.values);
  const beneficiaryTags = BeneficiaryTag.values.filter((t) => derived.includes(t) || valid.beneficiaryTags.includes(t));
  if (valid.caseId) {
    const [c] = await viewer.db.select({ id: cases.id }).from(cases).where(and(eq(cases.id, valid.caseId), eq(cases.householdId, household.id))).limit(1);
    if (!c) throw NeedError.atField("CASE_NOT_OF_HOUSEHOLD", "caseId must name one of the household's cases", "input.caseId");
  }
  const row = await viewer.db.transaction(async (tx) => {
    const [seq] = await tx.select({ n: sql<string>`nextval('need_no_seq')` }).from(sql`(select 1) as one`);
    const [created] = await tx
      .insert(needs)
      .values({
        needNo: needNumber(seq!.n),
        householdId: household.id,
        caseId: valid.caseId,
        recordedByOrgId: principal.org.id,
        category: valid.category,
        urgency: valid.urgency,
        title: valid.title,
        description: valid.note?.text ?? null,
        noteCategory: valid.note?.category ?? null,
        amountFen: valid.amountFen,
        areaCode: household.areaCode,
        beneficiaryTags,
        status: "OPEN",
        neededBy: valid.neededBy,
      })
      .returning();
    const n = created!;
    await appendChangeEntries(
      tx,
      changeEntriesFor({
        principal,
        requestId: viewer.requestId,
        catalogue: NEED_CATALOGUE,
        entityId: n.id,
        householdId: n.householdId,
        before: null,
        after: {
          needNo: n.needNo,
          householdId: n.householdId,
          caseId: n.caseId,
          category: n.category,
          urgency: n.urgency,
          title: n.title,
          // The note's text stays in the record; the log says which category it is under.
          note: n.noteCategory ? `[${n.noteCategory}]` : null,
          amount: n.amountFen,
          areaCode: n.areaCode,
          beneficiaryTags: n.beneficiaryTags.join(","),
          status: n.status,
          neededBy: n.neededBy,
        },
        at: now,
      }),
    );
    return n;
  });
  viewer.events.add("NEED_OPENED", { needId: row.id, category: row.category, areaCode: row.areaCode });
  return projector.project(NEED_CATALOGUE, needSource(row, cipher), needScope(principal).grant);
}

/**
 * 撤销需求 — withdraws an open need in the caller's scope (its reason in the change log). A claimed
 * need is not withdrawn under its claimant: the claim is released first.
 */
export async function cancelNeed(viewer: Viewer, args: { id: string; reason: string }, now: Date = new Date()): Promise<NeedView> {
  const { principal, projector, cipher } = viewer;
  const needId = uuidOrThrow(args.id);
  const reason = textOrThrow(args.reason, { field: "reason", min: 2, max: 500, multiline: true });
  const scope = needScope(principal);
  const row = await viewer.db.transaction(async (tx) => {
    const found = await new NeedRepository(tx, scope).findById(needId);
    if (!found) {
      viewer.audit.denied("Need", "NOT_IN_SCOPE", needId);
      throw new NeedError("NEED_NOT_FOUND", "need not found");
    }
    const memberNames = (await tx.select({ name: persons.name }).from(persons).where(eq(persons.householdId, found.householdId))).map((p) => p.name);
    await checkClaimantText(viewer, reason, { field: "reason", householdId: found.householdId, memberNames });
    const [updated] = await tx
      .update(needs)
      .set({ status: "CANCELLED", updatedAt: now })
      .where(and(eq(needs.id, needId), inArray(needs.status, ["OPEN", "MATCHED"])))
      .returning();
    if (!updated) {
      const [current] = await tx.select({ status: needs.status }).from(needs).where(eq(needs.id, needId));
      if (current?.status === "CLAIMED") throw new NeedError("NEED_CLAIMED", "the need is claimed: the claimant releases it before it can be cancelled");
      throw new NeedError("NEED_NOT_OPEN", `only an open need can be cancelled (this one is ${current?.status ?? "gone"})`);
    }
    await appendChangeEntries(
      tx,
      [
        ...changeEntriesFor({ principal, requestId: viewer.requestId, catalogue: NEED_CATALOGUE, entityId: needId, householdId: updated.householdId, before: { status: found.status }, after: { status: "CANCELLED" }, at: now }),
        ...changeEntriesFor({ principal, requestId: viewer.requestId, catalogue: NEED_TRANSITION_CATALOGUE, entityId: needId, householdId: updated.householdId, before: null, after: { reason }, at: now }),
      ],
    );
    return updated;
  });
  return projector.project(NEED_CATALOGUE, needSource(row, cipher), scope.grant);
}

/** Why a need changed status, in the change log beside the change (free text: checked, classed CASE). */
const NEED_TRANSITION_CATALOGUE = defineCatalogue<{ id: string; householdId: string; reason: string }>(
  "NeedTransition",
  { id: "id", household: "householdId" },
  { id: { category: "BASIC" }, householdId: { category: "BASIC" }, reason: { category: "CASE" } },
);

/**
 * The claimant-text rule, for this caller: a refusal is a denial in the household's access log, and a
 * caller who cannot read the household's names in full (an agency or a charity before consent) pays for
 * it from its lookup budget — "this text holds a member's name" answers a question about the name, so
 * it must not be a free oracle. Accepted text costs nothing.
 */
export async function checkClaimantText(viewer: Viewer, text: string, args: { field: string; householdId: string; memberNames: readonly string[] }): Promise<void> {
  if (personalDataIn(text, args.memberNames) === null) return;
  const { principal } = viewer;
  viewer.audit.denied("Household", "PERSONAL_DATA_IN_TEXT", args.householdId, args.householdId);
  const readsNames = policyAccess(principal.org.kind, principal.role, "IDENTITY").access === "FULL" && withoutConsentCap(principal.org.kind, "IDENTITY") === undefined;
  if (!readsNames) await viewer.lookups.consumeOrThrow(principal);
  assertClaimantText(text, args);
}
