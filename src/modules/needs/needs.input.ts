import { Field, InputType } from "type-graphql";
import { NeedCategory, NeedStatus, NeedUrgency } from "./needs.enums.js";
import type { NeedFilter } from "./needs.repository.js";

@InputType("NeedFilter", { description: "Need filters" })
export class NeedFilterInput implements NeedFilter {
  @Field(() => String, { nullable: true, description: "Division-code prefix (2–12 digits)" })
  areaCode?: string | null;

  @Field(() => NeedCategory.object, { nullable: true })
  category?: NeedCategory | null;

  @Field(() => NeedStatus.object, { nullable: true })
  status?: NeedStatus | null;

  @Field(() => NeedUrgency.object, { nullable: true })
  urgency?: NeedUrgency | null;
}
