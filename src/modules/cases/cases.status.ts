import { and, eq } from "drizzle-orm";
import { Field, ObjectType } from "type-graphql";
import type { HubContext } from "../../context.js";
import { viewerOf } from "../../context.js";
import { householdScope } from "../../privacy/scope.js";
import { InputError } from "../../shared/errors.js";
import { ID_NUMBER_PROBLEM_MESSAGES, findPersonByIdIndex, idNumberIndex, parseIdNumber } from "../households/index.js";
import { AssistanceType } from "./cases.enums.js";
import { cases } from "./cases.table.js";

// Minimal disclosure (clause 14): legal aid waives the economic review for people "currently
// receiving social assistance". The justice bureau needs that yes/no, not the file.

@ObjectType("AssistanceStatus", { description: "救助身份核验 — is this person a current assistance recipient, and of which types; nothing else" })
export class AssistanceStatusType {
  @Field(() => Boolean, { description: "Whether the person's household holds an approved assistance case now" })
  isRecipient!: boolean;

  @Field(() => [AssistanceType.object])
  types!: AssistanceType[];
}

/** An unknown person and a non-recipient get the same answer: the check discloses nothing else. */
export async function assistanceStatus(ctx: HubContext, idNumberArg: string): Promise<AssistanceStatusType> {
  const { principal } = viewerOf(ctx);
  const parsed = parseIdNumber(idNumberArg);
  if (!parsed.ok) throw new InputError(`idNumber ${ID_NUMBER_PROBLEM_MESSAGES[parsed.problem]}`, "idNumber");
  const found = await findPersonByIdIndex(ctx.db, householdScope(principal), idNumberIndex(ctx.cipher, parsed.value.value));
  const rows = found
    ? await ctx.db
        .selectDistinct({ type: cases.type })
        .from(cases)
        .where(and(eq(cases.householdId, found.household.id), eq(cases.status, "APPROVED")))
        .orderBy(cases.type)
    : [];
  ctx.audit.disclosed("AssistanceStatus", found?.person.id ?? "no-match", found?.household.id ?? null, ["CASE"]);
  return { isRecipient: rows.length > 0, types: rows.map((r) => r.type) };
}
