import type DataLoader from "dataloader";
import { and, inArray, sql } from "drizzle-orm";
import { plainColumns, rawRows, selectList, type RowOf } from "../../db/raw-rows.js";
import type { SelectedFields } from "../../privacy/project.js";
import type { Database } from "../../db/client.js";
import { FairLoader } from "../../shared/loader-options.js";
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

const HOUSEHOLD_COLUMNS = plainColumns({
  id: households.id,
  householdNo: households.householdNo,
  areaCode: households.areaCode,
  address: households.address,
  housingSituation: households.housingSituation,
  residenceStatus: households.residenceStatus,
});
const PERSON_COLUMNS = plainColumns({
  id: persons.id,
  householdId: persons.householdId,
  relationToHead: persons.relationToHead,
  name: persons.name,
  birthDate: persons.birthDate,
  sex: persons.sex,
  disabilityLevel: persons.disabilityLevel,
  seriousIllness: persons.seriousIllness,
  workAbility: persons.workAbility,
  studentStatus: persons.studentStatus,
  employmentStatus: persons.employmentStatus,
  monthlyIncomeFen: persons.monthlyIncomeFen,
});
const BANK_ACCOUNT = plainColumns({ bankAccountEnc: households.bankAccountEnc });
const ID_NUMBER = plainColumns({ idNumberEnc: persons.idNumberEnc });
const PHONE = plainColumns({ phoneEnc: persons.phoneEnc });

/** The household columns a view needs under the operation's selection. */
export function householdColumns(selects: SelectedFields) {
  return selects("Household", "bankAccount") ? { ...HOUSEHOLD_COLUMNS, ...BANK_ACCOUNT } : HOUSEHOLD_COLUMNS;
}

/** The person columns a view needs under the operation's selection. */
export function personColumns(selects: SelectedFields) {
  const idNumber = selects("Person", "idNumber");
  const phone = selects("Person", "phone");
  if (!idNumber && !phone) return PERSON_COLUMNS;
  return {
    ...PERSON_COLUMNS,
    ...(idNumber ? ID_NUMBER : {}),
    ...(phone ? PHONE : {}),
  };
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
  return {
    householdById: new FairLoader(async (ids) => {
      // Typed from the column objects: a column set that drifts from HouseholdReadRow does not compile.
      const rows: HouseholdReadRow[] = await rawRows<RowOf<typeof HOUSEHOLD_COLUMNS> & Partial<RowOf<typeof BANK_ACCOUNT>>>(
        db,
        sql`select ${selectList(householdColumns(selects))} from ${households} where ${and(inArray(households.id, [...ids]), inScope)}`,
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }, lane),
    membersByHouseholdId: new FairLoader(async (ids) => {
      const rows: PersonReadRow[] = await rawRows<RowOf<typeof PERSON_COLUMNS> & Partial<RowOf<typeof ID_NUMBER> & RowOf<typeof PHONE>>>(
        db,
        sql`select ${selectList(personColumns(selects))} from ${persons} where ${inArray(persons.householdId, [...ids])} order by ${persons.birthDate}, ${persons.id}`,
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
