import type { HubContext } from "../../context.js";
import { viewerOf } from "../../context.js";
import type { View } from "../../privacy/project.js";
import { householdScope } from "../../privacy/scope.js";
import { UNIQUE_VIOLATION, databaseErrorOf } from "../../db/errors.js";
import { ConflictError, ForbiddenError, InputError, NotFoundError } from "../../shared/errors.js";
import { pageRequest, toPage, type Page, type PageArgs } from "../../shared/graphql/connection.js";
import { areaPrefixOrThrow, uuidOrThrow } from "../../shared/validate.js";
import {
  HOUSEHOLD_CATALOGUE,
  PERSON_CATALOGUE,
  householdSource,
  personSource,
  type HouseholdSource,
  type PersonSource,
} from "./households.policy.js";
import { NATURAL_KEY } from "../../db/paging.js";
import { appendChangeEntries, changeEntriesFor } from "../../audit/index.js";
import { grantResolver } from "../grants/index.js";
import { idNumberIndex } from "./households.records.js";
import { HouseholdRepository, findPersonByIdIndex, insertHouseholdWithMembers } from "./households.repository.js";
import { ID_NUMBER_PROBLEM_MESSAGES, parseIdNumber } from "./id-number.js";
import { validateHouseholdRegistration, type HouseholdRegistrationData, type ValidPerson } from "./households.validation.js";
import type { HouseholdRow } from "./households.table.js";

export type HouseholdView = View<HouseholdSource>;
export type PersonView = View<PersonSource>;

function repositoryFor(ctx: HubContext) {
  const { principal } = viewerOf(ctx);
  const scope = householdScope(principal);
  return { repo: new HouseholdRepository(ctx.db, scope), scope };
}

export async function listHouseholds(
  ctx: HubContext,
  args: { filter?: { areaCode?: string | null } | null; page: PageArgs },
): Promise<Page<HouseholdView>> {
  const { projector } = viewerOf(ctx);
  const page = pageRequest(args.page, NATURAL_KEY);
  const areaPrefix = args.filter?.areaCode != null ? areaPrefixOrThrow(args.filter.areaCode, "filter.areaCode") : undefined;
  const { repo, scope } = repositoryFor(ctx);
  const { rows, totalCount } = await repo.page({ areaPrefix }, page);
  const grantOf = await grantResolver(ctx, scope, rows.map((r) => r.id));
  return toPage({
    rows,
    limit: page.limit,
    totalCount,
    keyOf: (r) => r.householdNo,
    view: (r) => projector.project(HOUSEHOLD_CATALOGUE, householdSource(r, ctx.cipher), grantOf(r.id)),
  });
}

export async function getHousehold(ctx: HubContext, id: string): Promise<HouseholdView> {
  const householdId = uuidOrThrow(id);
  const { projector } = viewerOf(ctx);
  const { repo, scope } = repositoryFor(ctx);
  const row = await repo.findById(householdId);
  if (!row || scope.kind === "NONE") {
    ctx.audit.denied("Household", "NOT_IN_SCOPE", householdId, householdId);
    throw new NotFoundError("household");
  }
  const grantOf = await grantResolver(ctx, scope, [row.id]);
  return projector.project(HOUSEHOLD_CATALOGUE, householdSource(row, ctx.cipher), grantOf(row.id));
}

/** Members of a household the caller already reached; projected under the household's grant. */
export async function membersOf(ctx: HubContext, household: HouseholdView): Promise<PersonView[]> {
  const { projector } = viewerOf(ctx);
  const rows = await ctx.loaders.membersByHouseholdId.load(household.id as string);
  return rows.map((r) => projector.project(PERSON_CATALOGUE, personSource(r, ctx.cipher), household.grant));
}

/** The household of a record the caller reached (a case, a need), under that record's grant. */
export async function householdOf(
  ctx: HubContext,
  parent: { householdId: string | null; grant: HouseholdView["grant"] },
): Promise<HouseholdView | null> {
  if (!parent.householdId) return null;
  const { projector } = viewerOf(ctx);
  const row: HouseholdRow | null = await ctx.loaders.householdById.load(parent.householdId);
  return row ? projector.project(HOUSEHOLD_CATALOGUE, householdSource(row, ctx.cipher), parent.grant) : null;
}

/** Single-window registration (一门受理): validated, atomic, returned as the caller may see it. */
export async function registerHousehold(ctx: HubContext, input: HouseholdRegistrationData): Promise<HouseholdView> {
  const { principal, projector } = viewerOf(ctx);
  const { household, members } = validateHouseholdRegistration(input, principal.org.jurisdictionAreaCode);
  let row: HouseholdRow;
  try {
    row = await ctx.db.transaction(async (tx) => {
      const created = await insertHouseholdWithMembers({ tx, cipher: ctx.cipher, household, members });
      const h = created.household;
      const actor = { principal, requestId: ctx.requestId };
      await appendChangeEntries(tx, [
        ...changeEntriesFor({ ...actor, catalogue: HOUSEHOLD_CATALOGUE, entityId: h.id, householdId: h.id, before: null, after: { householdNo: h.householdNo, areaCode: h.areaCode, address: h.address, housingSituation: h.housingSituation, residenceStatus: h.residenceStatus } }),
        ...created.members.flatMap((p, i) =>
          changeEntriesFor({ ...actor, catalogue: PERSON_CATALOGUE, entityId: p.id, householdId: h.id, before: null, after: personAuditValues(members[i]!) }),
        ),
      ], ctx.cipher.auditKey);
      return h;
    });
  } catch (err) {
    const db = databaseErrorOf(err);
    if (db?.code === UNIQUE_VIOLATION && db.constraint === "persons_id_number_bidx_uq") {
      // Never echo the number: the caller knows which one it sent.
      throw new ConflictError("a member's ID number is already registered in another household", { field: "input.members" });
    }
    throw err;
  }
  return projector.project(HOUSEHOLD_CATALOGUE, householdSource(row, ctx.cipher), householdScope(principal).grant);
}

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
export async function householdInScope(ctx: HubContext, householdId: string): Promise<boolean> {
  const { repo } = repositoryFor(ctx);
  return (await repo.findById(householdId)) !== null;
}

/**
 * Lookup by resident ID number (keyed blind index, never a plaintext comparison). Only callers who
 * may read ID numbers in full may look one up; every lookup is in the access log, a miss as DENIED.
 */
export async function personByIdNumber(ctx: HubContext, idNumberArg: string): Promise<PersonView> {
  const { principal, projector } = viewerOf(ctx);
  const scope = householdScope(principal);
  if (!projector.canReadFully(PERSON_CATALOGUE, "idNumber", scope.grant)) {
    ctx.audit.denied("Person", "LOOKUP_OUTSIDE_REMIT");
    throw new ForbiddenError("looking people up by ID number is outside your remit");
  }
  const parsed = parseIdNumber(idNumberArg);
  if (!parsed.ok) throw new InputError(`idNumber ${ID_NUMBER_PROBLEM_MESSAGES[parsed.problem]}`, "idNumber");
  const found = await findPersonByIdIndex(ctx.db, scope, idNumberIndex(ctx.cipher, parsed.value.value));
  if (!found) {
    ctx.audit.denied("Person", "NOT_FOUND_OR_OUT_OF_SCOPE");
    throw new NotFoundError("person");
  }
  const grantOf = await grantResolver(ctx, scope, [found.household.id]);
  return projector.project(PERSON_CATALOGUE, personSource(found.person, ctx.cipher), grantOf(found.household.id));
}
