import { Field, ID, ObjectType } from "type-graphql";
import { DataCategory } from "../../privacy/categories.js";
import { registerDomainEnum } from "../../shared/graphql/enums.js";
import { OrgKind } from "../organizations/organizations.enums.js";
import { OrganizationType } from "../organizations/organizations.type.js";
import { ConsentAction } from "./consents.enums.js";
import type { ConsentView } from "./consents.views.js";

registerDomainEnum(ConsentAction, "同意记录类型 — consent record kind");
registerDomainEnum(DataCategory, "数据类别 — data category of the access policy");

/** Consent records hold no personal data beyond the household id they belong to. */
@ObjectType("Consent", { description: "授权同意 — a household's consent record (immutable; withdrawal is a new record)" })
export class ConsentType implements ConsentView {
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

@ObjectType()
export class ConsentPayload {
  @Field(() => ConsentType)
  consent!: ConsentType;
}
