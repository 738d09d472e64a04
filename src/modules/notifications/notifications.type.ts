import { Field, ObjectType } from "type-graphql";
import type { View } from "../../privacy/project.js";
import { registerDomainEnum } from "../../shared/graphql/enums.js";
import type { ClaimView } from "../claims/index.js";
import { ClaimType } from "../claims/claims.type.js";
import type { NeedSource } from "../needs/index.js";
import { NeedType } from "../needs/needs.type.js";
import { NeedActivityKind } from "./notifications.enums.js";
import type { NeedActivityView } from "./notifications.service.js";

registerDomainEnum(NeedActivityKind, "认领动态 — what happened to a claim on a need");

@ObjectType("NeedActivity", { description: "认领动态 — a claim on a need in your area moved: the claim and the need as you may see them" })
export class NeedActivityType implements NeedActivityView {
  @Field(() => NeedActivityKind.object)
  kind!: NeedActivityKind;

  @Field(() => String, { description: "ISO date-time of the change" })
  at!: string;

  @Field(() => ClaimType)
  claim!: ClaimView;

  @Field(() => NeedType)
  need!: View<NeedSource>;
}
