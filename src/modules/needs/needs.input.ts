import { Field, ID, InputType } from "type-graphql";
import { DataCategory } from "../../privacy/categories.js";
import { MoneyScalar } from "../../shared/graphql/scalars.js";
import { NeedCategory, NeedStatus, NeedUrgency } from "./needs.enums.js";
import type { NeedFilter } from "./needs.repository.js";
import type { NeedPostData } from "./needs.validation.js";

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

@InputType("PostNeedInput", { description: "发布需求 — a household's need, published for matching" })
export class PostNeedInput implements NeedPostData {
  @Field(() => ID)
  householdId!: string;

  @Field(() => ID, { nullable: true, description: "The household's case the need arises from" })
  caseId?: string | null;

  @Field(() => NeedCategory.object)
  category!: NeedCategory;

  @Field(() => NeedUrgency.object)
  urgency!: NeedUrgency;

  @Field(() => String, { description: "需求摘要 — what a charity reads before any consent: 4–80 characters, no names, ID numbers or phone numbers" })
  title!: string;

  @Field(() => String, { nullable: true, description: "内部备注 — the internal note (up to 2,000 characters), shown only to those who may see noteCategory" })
  description?: string | null;

  @Field(() => DataCategory.object, { nullable: true, description: "The data category of what the description says (required with it)" })
  noteCategory?: DataCategory | null;

  @Field(() => MoneyScalar, { nullable: true, description: "Amount wanted, if monetary (at most 1,000,000.00)" })
  amount?: number | null;

  @Field(() => String, { nullable: true, description: "ISO date (YYYY-MM-DD) the need must be met by: today to a year ahead" })
  neededBy?: string | null;

  @Field(() => [String], { nullable: true, description: "受益人标签 from the vocabulary (elderly, child, disability …)" })
  beneficiaryTags?: string[] | null;
}
