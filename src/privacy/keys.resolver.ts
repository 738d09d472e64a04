import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import { Allow } from "../auth/allow.js";
import type { HubContext } from "../context.js";
import { rotateFieldKeys } from "./keys.service.js";
import { FieldKeyRotationType } from "./keys.type.js";

@Resolver()
export class FieldKeysResolver {
  @Allow({ kinds: ["CIVIL_AFFAIRS"], roles: ["ADMIN"] })
  @Mutation(() => FieldKeyRotationType, {
    description: "密钥轮换 — makes a new field key active and re-encrypts every ID number, phone and bank account under it; reads continue meanwhile",
  })
  rotateFieldKeys(
    @Arg("retire", () => Boolean, { defaultValue: false, description: "Then remove old keys no value uses any more" }) retire: boolean,
    @Ctx() ctx: HubContext,
  ): Promise<FieldKeyRotationType> {
    return rotateFieldKeys(ctx, { retire });
  }
}
