import { Field, ID, InputType } from "type-graphql";
import { AssistanceType, CaseStatus } from "./cases.enums.js";
import type { CaseFilter } from "./cases.repository.js";

@InputType("CaseFilter", { description: "Case filters" })
export class CaseFilterInput implements CaseFilter {
  @Field(() => String, { nullable: true, description: "Division-code prefix (2–12 digits)" })
  areaCode?: string | null;

  @Field(() => AssistanceType.object, { nullable: true })
  type?: AssistanceType | null;

  @Field(() => CaseStatus.object, { nullable: true })
  status?: CaseStatus | null;

  @Field(() => ID, { nullable: true })
  householdId?: string | null;
}
