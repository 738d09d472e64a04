import { Field, ID, InputType } from "type-graphql";
import { DataCategory } from "../../privacy/categories.js";
import { OrgKind } from "../organizations/organizations.enums.js";
import type { RecordConsentData } from "./consents.validation.js";

@InputType({ description: "记录同意 — record a household's consent to disclose categories to an organization or a kind" })
export class RecordConsentInput implements RecordConsentData {
  @Field(() => ID)
  householdId!: string;

  @Field(() => String, { nullable: true, description: "One organization (its code), or …" })
  recipientOrgCode?: string | null;

  @Field(() => OrgKind.object, { nullable: true, description: "… every organization of one kind" })
  recipientOrgKind?: OrgKind | null;

  @Field(() => String, { description: "What the disclosure is for, e.g. 助学项目对接" })
  purpose!: string;

  @Field(() => [DataCategory.object])
  categories!: DataCategory[];

  @Field(() => String, { description: "ISO 8601 date-time; at most three years ahead" })
  expiresAt!: string;

  @Field(() => String, { description: "Reference of the signed form or recorded statement (not the document)" })
  evidenceRef!: string;
}

@InputType({ description: "撤回同意 — withdraw a consent; takes effect immediately" })
export class WithdrawConsentInput {
  @Field(() => ID)
  consentId!: string;

  @Field(() => String, { description: "Reference of the withdrawal statement" })
  evidenceRef!: string;
}
