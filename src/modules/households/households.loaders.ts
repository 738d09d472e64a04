import type DataLoader from "dataloader";
import { and, inArray, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { columnsFor, plainColumns, rawRows, selectList, type ReadColumn } from "../../db/raw-rows.js";
import type { HouseholdSource, PersonSource } from "./households.policy.js";
import type { SelectedFields } from "../../privacy/project.js";
import type { Database } from "../../db/client.js";
import { FairLoader } from "../../shared/fair-loader.js";
import type { Lane } from "../../shared/turns.js";
import { scopeCondition } from "../../privacy/scope-sql.js";
import type { RecordScope } from "../../privacy/scope.js";
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
  // The operation is known by the first batch, and fixed for the request: columns decided once.
  let householdSelect: SQL | undefined;
  let personSelect: SQL | undefined;
  return {
    householdById: new FairLoader(async (ids) => {
      const rows = await rawRows<HouseholdReadRow>(
        db,
        sql`select ${(householdSelect ??= selectList(householdColumns(selects)))} from ${households} where ${and(inArray(households.id, [...ids]), inScope)}`,
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }, lane),
    membersByHouseholdId: new FairLoader(async (ids) => {
      const rows = await rawRows<PersonReadRow>(
        db,
        sql`select ${(personSelect ??= selectList(personColumns(selects)))} from ${persons} where ${inArray(persons.householdId, [...ids])} order by ${persons.birthDate}, ${persons.id}`,
      );
      const byHousehold = new Map<string, PersonReadRow[]>(ids.map((id) => [id, []]));
      for (const row of rows) byHousehold.get(row.householdId)?.push(row);
      for (const members of byHousehold.values()) {
        members.sort((a, b) => RELATION_ORDER.indexOf(a.relationToHead) - RELATION_ORDER.indexOf(b.relationToHead));
      }
      return ids.map((id) => byHousehold.get(id) ?? []);
    }, lane),
  };
}
