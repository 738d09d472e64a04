import { Ctx, Query, Resolver } from "type-graphql";
import { Allow, AUTHENTICATED } from "../../auth/allow.js";
import type { HubContext } from "../../context.js";
import { viewerOf } from "../../context.js";
import { ViewerType } from "./organizations.type.js";

@Resolver()
export class OrganizationResolver {
  @Allow(AUTHENTICATED)
  @Query(() => ViewerType, { description: "我 — who the hub takes the caller to be" })
  me(@Ctx() ctx: HubContext): ViewerType {
    const { principal } = viewerOf(ctx);
    return {
      subject: principal.subject,
      role: principal.role,
      householdId: principal.householdId,
      organization: {
        id: principal.org.id,
        code: principal.org.code,
        kind: principal.org.kind,
        nameZh: principal.org.nameZh,
        nameEn: principal.org.nameEn,
        jurisdictionAreaCode: principal.org.jurisdictionAreaCode,
      },
    };
  }
}
