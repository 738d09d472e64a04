import { randomUUID } from "node:crypto";
import { and, desc, eq, inArray, like, or, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { keysetPage, pageStatementKey, type LazyCount } from "../../db/paging.js";
import { scopeCondition } from "../../privacy/scope-sql.js";
import { fewScopesOfKind, scopeKey, type RecordScope } from "../../privacy/scope.js";
import type { PageRequest } from "../../shared/graphql/connection.js";
import type { FieldCipher } from "../../privacy/crypto.js";
import { sealHousehold, sealPerson } from "./households.records.js";
import type { SelectedFields } from "../../privacy/project.js";
import { householdColumns } from "./households.loaders.js";
import { households, persons, type HouseholdReadRow, type HouseholdRecord, type HouseholdRow, type PersonRecord, type PersonRow } from "./households.table.js";

/** What households can be filtered by: the one shape of the GraphQL input, the service and this repository. */
export interface HouseholdFilter {
  /** Division-code prefix; the service validates and normalises it before a query sees it. */
  readonly areaCode?: string | null;
}

/** Households as one caller may reach them: every query carries the caller's scope. */
export class HouseholdRepository {
  constructor(
    private readonly db: Database,
    private readonly scope: RecordScope,
    /** What the operation selects: the sealed bank account is read only when asked for. */
    private readonly selects: SelectedFields = () => true,
  ) {}

  private where(filter: HouseholdFilter, extra?: SQL): SQL | undefined {
    return and(
      scopeCondition(this.scope, { areaCode: households.areaCode, householdId: households.id }),
      filter.areaCode != null ? like(households.areaCode, `${filter.areaCode}%`) : undefined,
      extra,
    );
  }

  /** One page ordered by household number (always read: it is the cursor), plus the total in scope. */
  page(filter: HouseholdFilter, page: PageRequest): Promise<{ rows: Array<HouseholdReadRow & { householdNo: string }>; totalCount: LazyCount }> {
    const columns = { ...householdColumns(this.selects), householdNo: households.householdNo };
    return keysetPage({ db: this.db, table: households, key: households.householdNo, where: () => this.where(filter), page, columns, statementKey: pageStatementKey("households", { key: scopeKey(this.scope), few: fewScopesOfKind(this.scope) }, filter) });
  }

  async findById(id: string): Promise<HouseholdRow | null> {
    const [row] = await this.db.select().from(households).where(this.where({}, eq(households.id, id))).limit(1);
    return row ?? null;
  }
}

/**
 * Inserts a household with its members. Call inside a transaction (`tx`), so the rows and their
 * change-log entries commit together. Numbers come from `household_no_seq`; a duplicate ID number
 * surfaces as the database's unique violation.
 */
export async function insertHouseholdWithMembers(args: {
  tx: Database;
  cipher: FieldCipher;
  household: Omit<HouseholdRecord, "householdNo" | "id">;
  members: ReadonlyArray<Omit<PersonRecord, "householdId" | "id">>;
  /** Blind indexes already registered outside the registrar's scope: those members are held pending review. */
  pendingIndexes?: ReadonlySet<string>;
}): Promise<{ household: HouseholdRow; members: PersonRow[] }> {
  const { tx, cipher, household, members } = args;
  const pending = args.pendingIndexes ?? new Set<string>();
  const [seq] = await tx.select({ n: sql<string>`nextval('household_no_seq')` }).from(sql`(select 1) as one`);
  const householdNo = `QXH-${String(seq!.n).padStart(6, "0")}`;
  const [row] = await tx.insert(households).values(sealHousehold({ ...household, householdNo }, cipher)).returning();
  const memberRows = await tx
    .insert(persons)
    .values(
      members.map((m) => {
        const sealed = sealPerson({ ...m, householdId: row!.id }, cipher);
        if (!pending.has(sealed.idNumberBidx)) return sealed;
        // A stand-in keeps the unique index to the registration that holds the number; lookups
        // also read the pending column, so the registrar finds its member as for any other.
        const standIn = cipher.blindIndex(`${sealed.idNumberBidx}:${randomUUID()}`, PENDING_STAND_IN);
        return { ...sealed, idNumberBidx: standIn, pendingIdNumberBidx: sealed.idNumberBidx };
      }),
    )
    .returning();
  return { household: row!, members: memberRows };
}

const PENDING_STAND_IN = "persons.id_number.pending";

/** Which of these blind indexes are registered (not pending), and whether in the caller's scope. */
export async function findRegisteredIndexes(
  db: Database,
  scope: RecordScope,
  idNumberBidxs: readonly string[],
): Promise<Array<{ idNumberBidx: string; personId: string; inScope: boolean }>> {
  if (idNumberBidxs.length === 0) return [];
  return db
    .select({
      idNumberBidx: persons.idNumberBidx,
      personId: persons.id,
      inScope: sql<boolean>`(${scopeCondition(scope, { areaCode: households.areaCode, householdId: households.id })})`,
    })
    .from(persons)
    .innerJoin(households, eq(households.id, persons.householdId))
    .where(inArray(persons.idNumberBidx, [...idNumberBidxs]));
}

/**
 * A person by the blind index of their ID number (registered or pending review), and whether their
 * household is inside the caller's scope — an in-scope match first, then a registered one. One
 * statement whatever the answer (found in scope, found outside it, unknown), so neither timing nor
 * statement count tells them apart; an out-of-scope hit is for the access log only.
 */
export async function findPersonByIdIndex(
  db: Database,
  scope: RecordScope,
  idNumberBidx: string,
): Promise<{ person: PersonRow; household: HouseholdRow; inScope: boolean } | null> {
  const inScope = sql<boolean>`(${scopeCondition(scope, { areaCode: households.areaCode, householdId: households.id })})`;
  const [row] = await db
    .select({ person: persons, household: households, inScope })
    .from(persons)
    .innerJoin(households, eq(households.id, persons.householdId))
    .where(or(eq(persons.idNumberBidx, idNumberBidx), eq(persons.pendingIdNumberBidx, idNumberBidx)))
    .orderBy(desc(inScope), sql`${persons.pendingIdNumberBidx} is null desc`)
    .limit(1);
  return row ?? null;
}
