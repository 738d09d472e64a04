import { Field, ID, InputType, ObjectType } from "type-graphql";
import { DataCategory } from "../../privacy/categories.js";
import { registerDomainEnum } from "../../shared/graphql/enums.js";
import { OrgKind, OrganizationType } from "../organizations/index.js";
import { ConsentAction } from "./consents.enums.js";
import type { RecordConsentData } from "./consents.validation.js";

registerDomainEnum(ConsentAction, "同意记录类型 — consent record kind");
registerDomainEnum(DataCategory, "数据类别 — data category of the access policy");

/** Consent records hold no personal data beyond the household id they belong to. */
@ObjectType("Consent", { description: "授权同意 — a household's consent record (immutable; withdrawal is a new record)" })
export class ConsentType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  householdId!: string;

  @Field(() => ConsentAction.object)
  action!: ConsentAction;

  @Field(() => ID, { nullable: true, description: "For WITHDRAW: the consent it ends" })
  withdrawsId!: string | null;

  @Field(() => OrganizationType, { nullable: true })
  recipientOrganization!: OrganizationType | null;

  @Field(() => OrgKind.object, { nullable: true })
  recipientOrgKind!: OrgKind | null;

  @Field(() => String)
  purpose!: string;

  @Field(() => [DataCategory.object])
  categories!: DataCategory[];

  @Field(() => String, { description: "ISO 8601" })
  validFrom!: string;

  @Field(() => String, { nullable: true, description: "ISO 8601" })
  expiresAt!: string | null;

  @Field(() => String, { description: "Reference of the signed form or recorded statement" })
  evidenceRef!: string;

  @Field(() => Boolean, { description: "A GRANT that has started, not expired and not been withdrawn" })
  live!: boolean;

  @Field(() => Boolean, { description: "A GRANT that a later WITHDRAW ended" })
  withdrawn!: boolean;

  @Field(() => String, { description: "ISO 8601" })
  createdAt!: string;
}

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

@ObjectType()
export class ConsentPayload {
  @Field(() => ConsentType)
  consent!: ConsentType;
}
