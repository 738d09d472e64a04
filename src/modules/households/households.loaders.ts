import type DataLoader from "dataloader";
import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { EMBEDDED_HOUSEHOLD_COLUMN as EMBEDDED_HOUSEHOLD, type EmbeddedRelation } from "../../db/paging.js";
import { cachedStatement, columnsFor, plainColumns, rawStatement, selectList, type CachedStatement, type ReadColumn } from "../../db/raw-rows.js";
import type { HouseholdSource, PersonSource } from "./households.policy.js";
import type { SelectedFields } from "../../privacy/project.js";
import type { Database } from "../../db/client.js";
import { FairLoader } from "../../shared/fair-loader.js";
import type { Lane } from "../../shared/turns.js";
import { scopeCondition } from "../../privacy/scope-sql.js";
import { fewScopesOfKind, scopeKey, type RecordScope } from "../../privacy/scope.js";
import { households, persons, type HouseholdReadRow, type PersonReadRow } from "./households.table.js";

// Per-request loaders. `householdById` re-checks the caller's record scope (a case or a need does not
// vouch for its household: a published need's household is not in a charity's scope);
// `membersByHouseholdId` is parent-authorized: call it only for a household the caller reached.
// Both read the columns views are built from, and a sealed column only when the operation selects its
// field (`selects`, asked when the batch runs — the operation is known by then).

export interface HouseholdLoaders {
  /** Households in the caller's record scope, by id; null outside it. */
  readonly householdById: DataLoader<string, HouseholdReadRow | null>;
  readonly membersByHouseholdId: DataLoader<string, readonly PersonReadRow[]>;
  /** A list's statement reads its rows' households in the same statement, as householdById would. */
  readonly embedHouseholds: HouseholdEmbedding;
}

/**
 * A list whose operation shows its rows' households (a case's, a need's) reads them in its own
 * statement: each row's household as the household batch reads it — the same columns, in the same
 * record scope (null outside it), with its members when they are shown; `prime` hands them to
 * householdById and membersByHouseholdId, which then send nothing.
 */
export type HouseholdEmbedding = EmbeddedRelation;

// Columns by the view field that shows them; the keys (and what scope checks, the address mask and the
// member order read) always.
const HOUSEHOLD_ALWAYS = plainColumns({ id: households.id, areaCode: households.areaCode });
const HOUSEHOLD_BY_FIELD: { readonly [F in keyof HouseholdSource]?: Record<string, AnyPgColumn> } = {
  householdNo: plainColumns({ householdNo: households.householdNo }),
  address: plainColumns({ address: households.address }),
  bankAccount: plainColumns({ bankAccountEnc: households.bankAccountEnc }),
  housingSituation: plainColumns({ housingSituation: households.housingSituation }),
  residenceStatus: plainColumns({ residenceStatus: households.residenceStatus }),
};
const PERSON_ALWAYS = plainColumns({ id: persons.id, householdId: persons.householdId, relationToHead: persons.relationToHead });
const PERSON_BY_FIELD: { readonly [F in keyof PersonSource]?: Record<string, AnyPgColumn> } = {
  name: plainColumns({ name: persons.name }),
  idNumber: plainColumns({ idNumberEnc: persons.idNumberEnc }),
  birthDate: plainColumns({ birthDate: persons.birthDate }),
  sex: plainColumns({ sex: persons.sex }),
  phone: plainColumns({ phoneEnc: persons.phoneEnc }),
  disabilityLevel: plainColumns({ disabilityLevel: persons.disabilityLevel }),
  seriousIllness: plainColumns({ seriousIllness: persons.seriousIllness }),
  workAbility: plainColumns({ workAbility: persons.workAbility }),
  studentStatus: plainColumns({ studentStatus: persons.studentStatus }),
  employmentStatus: plainColumns({ employmentStatus: persons.employmentStatus }),
  monthlyIncome: plainColumns({ monthlyIncomeFen: persons.monthlyIncomeFen }),
};

/** The household columns a view needs under the operation's selection. */
export function householdColumns(selects: SelectedFields): Record<string, ReadColumn> {
  return columnsFor("Household", HOUSEHOLD_ALWAYS, HOUSEHOLD_BY_FIELD, selects);
}

/** The person columns a view needs under the operation's selection. */
export function personColumns(selects: SelectedFields): Record<string, ReadColumn> {
  return columnsFor("Person", PERSON_ALWAYS, PERSON_BY_FIELD, selects);
}

const EVERYTHING: SelectedFields = () => true;

const RELATION_ORDER = ["HEAD", "SPOUSE", "PARENT", "GRANDPARENT", "SIBLING", "CHILD", "GRANDCHILD", "OTHER"];

export function createHouseholdLoaders(
  db: Database,
  scope: RecordScope,
  lane: Lane | null = null,
  selects: SelectedFields = EVERYTHING,
): HouseholdLoaders {
  const inScope = scopeCondition(scope, { areaCode: households.areaCode, householdId: households.id });
  // The operation is known by the first batch, and fixed for the request: columns decided once; each
  // statement's text is built once per column set and scope (an id list is one array parameter). When
  // the operation shows households' members, the household batch reads them too (one statement, not
  // two) and primes membersByHouseholdId with them.
  let read: { household: Record<string, ReadColumn>; members: Record<string, ReadColumn> | null; key: string } | undefined;
  const decided = () =>
    (read ??= (() => {
      const household = householdColumns(selects);
      const members = selects("Household", "members") ? personColumns(selects) : null;
      return { household, members, key: `${Object.keys(household).join(",")}:${members ? Object.keys(members).join(",") : "-"}:${scopeKey(scope)}` };
    })());
  let householdRead: CachedStatement | undefined;
  let personRead: CachedStatement | undefined;
  const idList = sql.placeholder("ids");
  const membersByHouseholdId = new FairLoader<string, readonly PersonReadRow[]>(async (keys) => {
    personRead ??= (() => {
      const columns = personColumns(selects);
      return cachedStatement(`persons:${Object.keys(columns).join(",")}`, () => sql`select ${selectList(columns)} from ${persons} where ${persons.householdId} = any(${idList}::uuid[]) order by ${persons.birthDate}, ${persons.id}`);
    })();
    const rows = await rawStatement<PersonReadRow>(db, personRead.text, personRead.params({ ids: [...keys] }), personRead.name);
    const byHousehold = new Map<string, PersonReadRow[]>(keys.map((id) => [id, []]));
    for (const row of rows) byHousehold.get(row.householdId)?.push(row);
    return keys.map((id) => inRelationOrder(byHousehold.get(id) ?? []));
  }, lane);
  const primeMembers = (row: HouseholdReadRow & { [MEMBERS]?: PersonReadRow[] }) => {
    if (MEMBERS in row) {
      membersByHouseholdId.prime(row.id, inRelationOrder(row[MEMBERS] ?? []));
      delete row[MEMBERS];
    }
  };
  const householdById = new FairLoader<string, HouseholdReadRow | null>(async (keys) => {
    householdRead ??= (() => {
      const { household, members, key } = decided();
      return cachedStatement(`households:${key}`, () => sql`select ${selectList(household)}${members ? sql`, ${membersJson(members)} as "${sql.raw(MEMBERS)}"` : sql``} from ${households} where ${households.id} = any(${idList}::uuid[]) and ${inScope}`, { named: fewScopesOfKind(scope) });
    })();
    const rows = await rawStatement<HouseholdReadRow & { [MEMBERS]?: PersonReadRow[] }>(db, householdRead.text, householdRead.params({ ids: [...keys] }), householdRead.name);
    const byId = new Map<string, HouseholdReadRow>();
    for (const row of rows) {
      primeMembers(row);
      byId.set(row.id, row);
    }
    return keys.map((id) => byId.get(id) ?? null);
  }, lane);
  const embedHouseholds: HouseholdEmbedding = {
    get key() {
      return decided().key;
    },
    column(householdId) {
      const { household, members } = decided();
      const fields = members ? { ...household, [MEMBERS]: membersJson(members) } : household;
      return sql`(select ${jsonObject(fields)} from ${households} where ${households.id} = ${householdId} and ${inScope})`;
    },
    prime(rows) {
      for (const row of rows) {
        const carrier = row as unknown as { householdId: string; [EMBEDDED_HOUSEHOLD]?: (HouseholdReadRow & { [MEMBERS]?: PersonReadRow[] }) | null };
        if (!(EMBEDDED_HOUSEHOLD in carrier)) continue;
        const household = carrier[EMBEDDED_HOUSEHOLD] ?? null;
        delete carrier[EMBEDDED_HOUSEHOLD];
        if (!carrier.householdId) continue;
        if (household) primeMembers(household);
        householdById.prime(carrier.householdId, household);
      }
    },
  };
  return { householdById, membersByHouseholdId, embedHouseholds };
}

/**
 * `json_build_object('property', column, …)`: each plain column's driver value (text, integer, boolean,
 * a date as its ISO text, an array as a list) as the driver gives it — the same values as a row's.
 */
function jsonObject(columns: Record<string, ReadColumn>): SQL {
  return sql`json_build_object(${sql.join(
    Object.entries(columns).map(([property, column]) => sql`${sql.raw(`'${property}'`)}, ${column}`),
    sql`, `,
  )})`;
}

/** A household's members as a json list (the person batch's order; relation order is applied in JS). */
function membersJson(members: Record<string, ReadColumn>): SQL {
  return sql`(select coalesce(json_agg(${jsonObject(members)} order by ${persons.birthDate}, ${persons.id}), '[]'::json) from ${persons} where ${persons.householdId} = ${households.id})`;
}

/** The column the household batch carries its members in (removed before the row is handed on). */
const MEMBERS = "__members";

function inRelationOrder(members: PersonReadRow[]): PersonReadRow[] {
  return members.sort((a, b) => RELATION_ORDER.indexOf(a.relationToHead) - RELATION_ORDER.indexOf(b.relationToHead));
}
