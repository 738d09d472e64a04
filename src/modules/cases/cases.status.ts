import { desc, eq, or, sql } from "drizzle-orm";
import type { Viewer } from "../../context.type.js";
import { scopeCondition } from "../../privacy/scope-sql.js";
import { householdScope } from "../../privacy/scope.js";
import { idNumberOrThrow } from "../../shared/validate.js";
import { households, idNumberIndex, persons } from "../households/index.js";
import type { AssistanceType } from "./cases.enums.js";
import { cases } from "./cases.table.js";

// Minimal disclosure (clause 14): legal aid waives the economic review for people "currently
// receiving social assistance". The justice bureau needs that yes/no, not the file.

export interface AssistanceStatus {
  readonly isRecipient: boolean;
  readonly types: AssistanceType[];
}

/**
 * An unknown person, a person outside the caller's jurisdiction and a non-recipient get the same
 * answer, from the same single statement: the check discloses nothing else, by content or timing.
 * Every check is rate-limited and logged — for the household whose member it names, hit or not.
 */
export async function assistanceStatus(viewer: Viewer, idNumberArg: string): Promise<AssistanceStatus> {
  const { principal, db, cipher } = viewer;
  const idNumber = idNumberOrThrow(idNumberArg);
  await viewer.lookups.consumeOrThrow(principal);
  const bidx = idNumberIndex(cipher, idNumber.value);
  const inScope = sql<boolean>`(${scopeCondition(householdScope(principal), { areaCode: households.areaCode, householdId: households.id })})`;
  const [found] = await db
    .select({
      personId: persons.id,
      householdId: persons.householdId,
      inScope,
      types: sql<AssistanceType[]>`coalesce((select array_agg(distinct ${cases.type} order by ${cases.type})::text[] from ${cases}
        where ${cases.householdId} = ${persons.householdId} and ${cases.status} = 'APPROVED'), '{}')`,
    })
    .from(persons)
    .innerJoin(households, eq(households.id, persons.householdId))
    // A number registered twice (one pending duplicate review) answers for the registered person.
    .where(or(eq(persons.idNumberBidx, bidx), eq(persons.pendingIdNumberBidx, bidx)))
    .orderBy(desc(inScope), sql`${persons.pendingIdNumberBidx} is null desc`)
    .limit(1);
  if (!found) {
    viewer.audit.disclosed("AssistanceStatus", "no-match", null, ["IDENTITY"]);
    return { isRecipient: false, types: [] };
  }
  if (!found.inScope) {
    // The household learns that someone outside its jurisdiction asked; the caller learns nothing.
    viewer.audit.denied("AssistanceStatus", "NOT_FOUND_OR_OUT_OF_SCOPE", found.personId, found.householdId);
    return { isRecipient: false, types: [] };
  }
  viewer.audit.disclosed("AssistanceStatus", found.personId, found.householdId, ["IDENTITY", "CASE"]);
  return { isRecipient: found.types.length > 0, types: found.types };
}
