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
  // statement's text is built once per column set and scope (an id list is one array parameter). When
  // the operation shows households' members, the household batch reads them too (one statement, not
  // two) and primes membersByHouseholdId with them.
  let householdRead: { statement: CachedStatement; withMembers: boolean } | undefined;
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
  const householdById = new FairLoader<string, HouseholdReadRow | null>(async (keys) => {
    householdRead ??= (() => {
      const columns = householdColumns(selects);
      const withMembers = selects("Household", "members");
      const members = withMembers ? personColumns(selects) : null;
      const statement = cachedStatement(`households:${Object.keys(columns).join(",")}:${members ? Object.keys(members).join(",") : "-"}:${scopeKey(scope)}`, () => {
        // json_build_object gives each plain column's driver value (text, integer, boolean, a date as
        // its ISO text) as the driver would: the same rows as membersByHouseholdId's own read.
        const membersJson = members
          ? sql`, (select coalesce(json_agg(json_build_object(${sql.join(
              Object.entries(members).map(([property, column]) => sql`${sql.raw(`'${property}'`)}, ${column}`),
              sql`, `,
            )}) order by ${persons.birthDate}, ${persons.id}), '[]'::json) from ${persons} where ${persons.householdId} = ${households.id}) as "${sql.raw(MEMBERS)}"`
          : sql``;
        return sql`select ${selectList(columns)}${membersJson} from ${households} where ${households.id} = any(${idList}::uuid[]) and ${inScope}`;
      }, { named: fewScopesOfKind(scope) });
      return { statement, withMembers };
    })();
    const { statement, withMembers } = householdRead;
    const rows = await rawStatement<HouseholdReadRow & { [MEMBERS]?: PersonReadRow[] }>(db, statement.text, statement.params({ ids: [...keys] }), statement.name);
    const byId = new Map<string, HouseholdReadRow>();
    for (const row of rows) {
      if (withMembers) {
        membersByHouseholdId.prime(row.id, inRelationOrder(row[MEMBERS] ?? []));
        delete row[MEMBERS];
      }
      byId.set(row.id, row);
    }
    return keys.map((id) => byId.get(id) ?? null);
  }, lane);
  return { householdById, membersByHouseholdId };
}

/** The column the household batch carries its members in (removed before the row is handed on). */
const MEMBERS = "__members";

function inRelationOrder(members: PersonReadRow[]): PersonReadRow[] {
  return members.sort((a, b) => RELATION_ORDER.indexOf(a.relationToHead) - RELATION_ORDER.indexOf(b.relationToHead));
}
