import { Field, ObjectType } from "type-graphql";
import { Access, RedactionReason } from "./categories.js";
import { registerDomainEnum } from "../shared/graphql/enums.js";

registerDomainEnum(Access, "字段披露级别 — how much of a field is disclosed");
registerDomainEnum(RedactionReason, "脱敏原因 — why a field is masked or withheld");

@ObjectType({ description: "A field shown masked or withheld, and why. Redaction is never an error." })
export class RedactionType {
  @Field(() => String, { description: "The GraphQL field name on this object" })
  field!: string;

  @Field(() => Access.object)
  access!: Exclude<Access, "FULL">;

  @Field(() => RedactionReason.object)
  reason!: RedactionReason;
}
