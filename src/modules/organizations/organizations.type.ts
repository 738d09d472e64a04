import { Field, ID, ObjectType } from "type-graphql";
import { registerDomainEnum } from "../../shared/graphql/enums.js";
import { OrgKind, Role } from "./organizations.enums.js";
import type { OrganizationView } from "./organizations.views.js";

registerDomainEnum(OrgKind, "机构类别 — kind of organization");
registerDomainEnum(Role, "岗位 — role of a staff member within an organization");

/** Organizations are public bodies and registered charities: no household data, no projection. */
@ObjectType("Organization", { description: "机构 — a bureau, subdistrict, community, charity or agency" })
export class OrganizationType implements OrganizationView {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  code!: string;

  @Field(() => OrgKind.object)
  kind!: OrgKind;

  @Field(() => String, { description: "中文名称" })
  nameZh!: string;

  @Field(() => String, { nullable: true })
  nameEn!: string | null;

  @Field(() => String, { description: "辖区区划代码 — jurisdiction division code" })
  jurisdictionAreaCode!: string;
}

@ObjectType("Viewer", { description: "当前调用者 — the verified caller of this request" })
export class ViewerType {
  @Field(() => String, { description: "The token subject (staff member's pseudonymous id)" })
  subject!: string;

  @Field(() => Role.object)
  role!: Role;

  @Field(() => OrganizationType)
  organization!: OrganizationType;

  @Field(() => ID, { nullable: true, description: "The household a RESIDENT acts for" })
  householdId!: string | null;
}
