import type { Viewer } from "../../context.type.js";
import { appendChangeEntries, changeEntriesFor } from "../../audit/index.js";
import { UNIQUE_VIOLATION, databaseErrorOf } from "../../db/errors.js";
import { NATURAL_KEY } from "../../db/paging.js";
import { HOUSEHOLD_OF, defineCatalogue, type View } from "../../privacy/project.js";
import { householdScope } from "../../privacy/scope.js";
import { pageRequest, toPage, type Page, type PageArgs } from "../../shared/graphql/connection.js";
import { areaPrefixOrThrow, idNumberOrThrow, uuidOrThrow } from "../../shared/validate.js";
import { grantResolver } from "../grants/index.js";
import { HouseholdError } from "./households.errors.js";
import {
  HOUSEHOLD_CATALOGUE,
  PERSON_CATALOGUE,
  householdSource,
  personSource,
  type HouseholdSource,
  type PersonSource,
} from "./households.policy.js";
import { idNumberIndex } from "./households.records.js";
import { HouseholdRepository, findPersonByIdIndex, findRegisteredIndexes, insertHouseholdWithMembers, type HouseholdFilter } from "./households.repository.js";
import { registrationReviews, type HouseholdReadRow } from "./households.table.js";
import { validateHouseholdRegistration, type HouseholdRegistrationData, type ValidPerson } from "./households.validation.js";

export type HouseholdView = View<HouseholdSource>;
export type PersonView = View<PersonSource>;

function repositoryFor(viewer: Viewer) {
  const scope = householdScope(viewer.principal);
  return { repo: new HouseholdRepository(viewer.db, scope, (entity, field) => viewer.projector.selects(entity, field)), scope };
}

export async function listHouseholds(viewer: Viewer, args: { filter?: HouseholdFilter | null; page: PageArgs }): Promise<Page<HouseholdView>> {
  const { projector, cipher, loaders } = viewer;
  const page = pageRequest(args.page, NATURAL_KEY);
  const areaCode = args.filter?.areaCode != null ? areaPrefixOrThrow(args.filter.areaCode, "filter.areaCode") : null;
  const { repo, scope } = repositoryFor(viewer);
  const { rows, totalCount } = await repo.page({ areaCode }, page);
  const grantOf = await grantResolver({ loaders, scope, householdIds: rows.map((r) => r.id) });
  return toPage({
    rows,
    limit: page.limit,
    totalCount,
    keyOf: (r) => r.householdNo,
    view: (r) => projector.project(HOUSEHOLD_CATALOGUE, householdSource(r, cipher), grantOf(r.id)),
  });
}

export async function getHousehold(viewer: Viewer, id: string): Promise<HouseholdView> {
  const householdId = uuidOrThrow(id);
  const { projector, cipher, loaders } = viewer;
  const { repo, scope } = repositoryFor(viewer);
  const row = await repo.findById(householdId);
  if (!row || scope.kind === "NONE") {
    viewer.audit.denied("Household", "NOT_IN_SCOPE", householdId, householdId);
    throw new HouseholdError("HOUSEHOLD_NOT_FOUND", "household not found");
  }
  const grantOf = await grantResolver({ loaders, scope, householdIds: [row.id] });
  return projector.project(HOUSEHOLD_CATALOGUE, householdSource(row, cipher), grantOf(row.id));
}

/** Members of a household the caller already reached; projected under the household's grant. */
export async function membersOf(viewer: Viewer, household: HouseholdView): Promise<PersonView[]> {
  const rows = await viewer.loaders.membersByHouseholdId.load(household.id as string);
  return rows.map((r) => viewer.projector.project(PERSON_CATALOGUE, personSource(r, viewer.cipher), household.grant));
}

/**
 * The household of a record the caller reached (a case, a need), if the household itself is in the
 * caller's record scope — the record does not vouch for it — and under the caller's own grant on the
 * household. A published need's household is null to a charity until a claim puts it in scope.
 */
export async function householdOf(viewer: Viewer, parent: { readonly [HOUSEHOLD_OF]?: string | null }): Promise<HouseholdView | null> {
  // The record's household, not its view's householdId field: that may be withheld from the caller.
  const householdId = parent[HOUSEHOLD_OF];
  if (!householdId) return null;
  const row: HouseholdReadRow | null = await viewer.loaders.householdById.load(householdId);
  if (!row) return null;
  const scope = householdScope(viewer.principal);
  const grantOf = await grantResolver({ loaders: viewer.loaders, scope, householdIds: [row.id] });
  return viewer.projector.project(HOUSEHOLD_CATALOGUE, householdSource(row, viewer.cipher), grantOf(row.id));
}

/**
 * Single-window registration (一门受理): validated, atomic, returned as the caller may see it. A
 * member's ID number registered in a household the registrar can see is a CONFLICT (it could read
 * that household anyway); one registered outside its scope is accepted exactly like a new number —
 * the registrar learns nothing of the other household — and the member is held for civil affairs'
 * duplicate review (registration_reviews), which the change log records.
 */
export async function registerHousehold(viewer: Viewer, input: HouseholdRegistrationData): Promise<HouseholdView> {
  const { principal, projector, cipher } = viewer;
  const { household, members } = validateHouseholdRegistration(input, principal.org.jurisdictionAreaCode);
  const scope = householdScope(principal);
  const indexes = members.map((m) => idNumberIndex(cipher, m.idNumber));
  // A concurrent registration of the same number commits between our check and our insert: the
  // unique index refuses ours, and one more attempt sees it and decides as above.
  for (let attempt = 1; ; attempt++) {
    try {
      const row = await viewer.db.transaction(async (tx) => {
        const registered = await findRegisteredIndexes(tx, scope, indexes);
        if (registered.some((r) => r.inScope)) throw idNumberRegistered();
        const elsewhere = new Map(registered.map((r) => [r.idNumberBidx, r.personId]));
        const created = await insertHouseholdWithMembers({ tx, cipher, household, members, pendingIndexes: new Set(elsewhere.keys()) });
        const h = created.household;
        const reviews = created.members.flatMap((p, i) => {
          const conflictingPersonId = elsewhere.get(indexes[i]!);
          return conflictingPersonId ? [{ householdId: h.id, personId: p.id, conflictingPersonId, registeredByOrgId: principal.org.id }] : [];
        });
        const queued = reviews.length > 0 ? await tx.insert(registrationReviews).values(reviews).returning() : [];
        const actor = { principal, requestId: viewer.requestId };
        await appendChangeEntries(tx, [
          ...changeEntriesFor({ ...actor, catalogue: HOUSEHOLD_CATALOGUE, entityId: h.id, householdId: h.id, before: null, after: { householdNo: h.householdNo, areaCode: h.areaCode, address: h.address, housingSituation: h.housingSituation, residenceStatus: h.residenceStatus } }),
          ...created.members.flatMap((p, i) =>
            changeEntriesFor({ ...actor, catalogue: PERSON_CATALOGUE, entityId: p.id, householdId: h.id, before: null, after: personAuditValues(members[i]!) }),
          ),
          ...queued.flatMap((q) =>
            changeEntriesFor({ ...actor, catalogue: REVIEW_CATALOGUE, entityId: q.id, householdId: h.id, before: null, after: { status: q.status, personId: q.personId, conflictingPersonId: q.conflictingPersonId } }),
          ),
        ]);
        return h;
      });
      return projector.project(HOUSEHOLD_CATALOGUE, householdSource(row, cipher), scope.grant);
    } catch (err) {
      const db = databaseErrorOf(err);
      if (db?.code === UNIQUE_VIOLATION && db.constraint === "persons_id_number_bidx_uq") {
        if (attempt < 2) continue;
        throw idNumberRegistered();
      }
      throw err;
    }
  }
}

// Never echo the number: the caller knows which one it sent.
const idNumberRegistered = () =>
  new HouseholdError("ID_NUMBER_REGISTERED", "a member's ID number is already registered in another household", { field: "input.members" });

/** A duplicate-review entry in the change log: which member is held and whose number it repeats. */
const REVIEW_CATALOGUE = defineCatalogue<{ id: string; householdId: string; status: string; personId: string; conflictingPersonId: string }>(
  "RegistrationReview",
  { id: "id", household: "householdId" },
  { id: { category: "BASIC" }, householdId: { category: "BASIC" }, status: { category: "BASIC" }, personId: { category: "BASIC" }, conflictingPersonId: { category: "BASIC" } },
);

/** A registered member's values in catalogue field names, for the change log. */
function personAuditValues(p: ValidPerson): Partial<Record<keyof PersonSource, unknown>> {
  return {
    relationToHead: p.relationToHead,
    name: p.name,
    idNumber: p.idNumber,
    phone: p.phone ?? null,
    birthDate: p.birthDate,
    sex: p.sex,
    disabilityLevel: p.disabilityLevel,
    seriousIllness: p.seriousIllness,
    workAbility: p.workAbility,
    studentStatus: p.studentStatus,
    employmentStatus: p.employmentStatus,
    monthlyIncome: p.monthlyIncomeFen,
  };
}

/** Whether the caller can reach the household (for workflows that act on one, e.g. consent). */
export async function householdInScope(viewer: Viewer, householdId: string): Promise<boolean> {
  const { repo } = repositoryFor(viewer);
  return (await repo.findById(householdId)) !== null;
}

/**
 * Lookup by resident ID number (keyed blind index, never a plaintext comparison). Only callers who
 * may read ID numbers in full may look one up; every lookup is rate-limited and in the access log —
 * a hit as the disclosure it is, a number found outside the caller's scope as a denied attempt in that
 * household's log, an unknown number as a denied attempt. The three run the same single statement.
 */
export async function personByIdNumber(viewer: Viewer, idNumberArg: string): Promise<PersonView> {
  const { principal, projector, cipher, loaders } = viewer;
  const scope = householdScope(principal);
  if (!projector.canReadFully(PERSON_CATALOGUE, "idNumber", scope.grant)) {
    viewer.audit.denied("Person", "LOOKUP_OUTSIDE_REMIT");
    throw new HouseholdError("LOOKUP_OUTSIDE_REMIT", "looking people up by ID number is outside your remit");
  }
  const idNumber = idNumberOrThrow(idNumberArg);
  await viewer.lookups.consumeOrThrow(principal);
  const found = await findPersonByIdIndex(viewer.db, scope, idNumberIndex(cipher, idNumber.value));
  if (!found?.inScope) {
    viewer.audit.denied("Person", "NOT_FOUND_OR_OUT_OF_SCOPE", found?.person.id, found?.household.id);
    throw new HouseholdError("PERSON_NOT_FOUND", "person not found");
  }
  const grantOf = await grantResolver({ loaders, scope, householdIds: [found.household.id] });
  return projector.project(PERSON_CATALOGUE, personSource(found.person, cipher), grantOf(found.household.id));
}
