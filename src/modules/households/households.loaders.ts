import type DataLoader from "dataloader";
import { sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { cachedStatement, columnsFor, plainColumns, rawStatement, selectList, type CachedStatement, type ReadColumn } from "../../db/raw-rows.js";
import type { HouseholdSource, PersonSource } from "./households.policy.js";
import type { SelectedFields } from "../../privacy/project.js";
import type { Database } from "../../db/client.js";
import { FairLoader } from "../../shared/fair-loader.js";
import type { Lane } from "../../shared/turns.js";
import { scopeCondition } from "../../privacy/scope-sql.js";
import { scopeKey, type RecordScope } from "../../privacy/scope.js";
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
}

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
  // statement's text is built once per column set and scope (an id list is one array parameter).
  let householdRead: CachedStatement | undefined;
  let personRead: CachedStatement | undefined;
  const idList = sql.placeholder("ids");
  return {
    householdById: new FairLoader(async (keys) => {
      householdRead ??= (() => {
        const columns = householdColumns(selects);
        return cachedStatement(`households:${Object.keys(columns).join(",")}:${scopeKey(scope)}`, () => sql`select ${selectList(columns)} from ${households} where ${households.id} = any(${idList}::uuid[]) and ${inScope}`);
      })();
      const rows = await rawStatement<HouseholdReadRow>(db, householdRead.text, householdRead.params({ ids: [...keys] }), householdRead.name);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return keys.map((id) => byId.get(id) ?? null);
    }, lane),
    membersByHouseholdId: new FairLoader(async (keys) => {
      personRead ??= (() => {
        const columns = personColumns(selects);
        return cachedStatement(`persons:${Object.keys(columns).join(",")}`, () => sql`select ${selectList(columns)} from ${persons} where ${persons.householdId} = any(${idList}::uuid[]) order by ${persons.birthDate}, ${persons.id}`);
      })();
      const rows = await rawStatement<PersonReadRow>(db, personRead.text, personRead.params({ ids: [...keys] }), personRead.name);
      const byHousehold = new Map<string, PersonReadRow[]>(keys.map((id) => [id, []]));
      for (const row of rows) byHousehold.get(row.householdId)?.push(row);
      for (const members of byHousehold.values()) {
        members.sort((a, b) => RELATION_ORDER.indexOf(a.relationToHead) - RELATION_ORDER.indexOf(b.relationToHead));
      }
      return keys.map((id) => byHousehold.get(id) ?? []);
    }, lane),
  };
}
