import { Arg, Args, Ctx, ID, Query, Resolver } from "type-graphql";
import { Allow } from "../auth/allow.js";
import type { HubContext } from "../context.js";
import { PageArgs, type Page } from "../shared/graphql/connection.js";
import { auditChainStatus, householdAccessLog } from "./audit.service.js";
import { AccessLogConnection, AuditChainStatusType, type AccessLogEntryType } from "./audit.type.js";

@Resolver()
export class AuditResolver {
  @Allow({ kinds: ["RESIDENT", "CIVIL_AFFAIRS"], roles: ["RESIDENT", "AUDITOR", "ADMIN"] })
  @Query(() => AccessLogConnection, { description: "访问记录 — who accessed a household's data (the household itself, and auditors)" })
  accessLog(
    @Arg("householdId", () => ID) householdId: string,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: HubContext,
  ): Promise<Page<AccessLogEntryType>> {
    return householdAccessLog(ctx, { householdId, page });
  }

  @Allow({ kinds: ["CIVIL_AFFAIRS"], roles: ["AUDITOR", "ADMIN"] })
  @Query(() => [AuditChainStatusType], { description: "审计链校验 — verifies the hash chains of the access and change logs now" })
  auditChainStatus(@Ctx() ctx: HubContext): Promise<AuditChainStatusType[]> {
    return auditChainStatus(ctx);
  }
}
