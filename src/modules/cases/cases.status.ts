import { and, eq } from "drizzle-orm";
import type { Viewer } from "../../context.type.js";
import { householdScope } from "../../privacy/scope.js";
import { idNumberOrThrow } from "../../shared/validate.js";
import { findPersonByIdIndex, idNumberIndex } from "../households/index.js";
import type { AssistanceType } from "./cases.enums.js";
import { cases } from "./cases.table.js";

// Minimal disclosure (clause 14): legal aid waives the economic review for people "currently
// receiving social assistance". The justice bureau needs that yes/no, not the file.

export interface AssistanceStatus {
  readonly isRecipient: boolean;
  readonly types: AssistanceType[];
}

/** An unknown person and a non-recipient get the same answer: the check discloses nothing else. */
export async function assistanceStatus(viewer: Viewer, idNumberArg: string): Promise<AssistanceStatus> {
  const { principal, db, cipher } = viewer;
  const idNumber = idNumberOrThrow(idNumberArg);
  const found = await findPersonByIdIndex(db, householdScope(principal), idNumberIndex(cipher, idNumber.value));
  const rows = found
    ? await db
        .selectDistinct({ type: cases.type })
        .from(cases)
        .where(and(eq(cases.householdId, found.household.id), eq(cases.status, "APPROVED")))
        .orderBy(cases.type)
    : [];
  viewer.audit.disclosed("AssistanceStatus", found?.person.id ?? "no-match", found?.household.id ?? null, ["CASE"]);
  return { isRecipient: rows.length > 0, types: rows.map((r) => r.type) };
}
