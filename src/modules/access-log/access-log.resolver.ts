import { Arg, Args, ID, Query, Resolver } from "type-graphql";
import type { AuditStreamStatus } from "../../audit/index.js";
import { Allow } from "../../auth/allow.js";
import { CurrentViewer } from "../../auth/viewer.js";
import type { Viewer } from "../../context.type.js";
import { PageArgs, type Page } from "../../shared/graphql/connection.js";
import { auditChainStatus, householdAccessLog } from "./access-log.service.js";
import { AccessLogConnection, AuditChainStatusType } from "./access-log.type.js";
import type { AccessLogEntryView } from "./access-log.views.js";

@Resolver()
export class AccessLogResolver {
  // The household itself and auditors only: an administrator runs the hub, it does not read who looked at whom.
  @Allow({ kinds: ["RESIDENT", "CIVIL_AFFAIRS"], roles: ["RESIDENT", "AUDITOR"] })
  @Query(() => AccessLogConnection, { description: "访问记录 — who accessed a household's data (the household itself, and auditors)" })
  accessLog(
    @Arg("householdId", () => ID) householdId: string,
    @Args(() => PageArgs) page: PageArgs,
    @CurrentViewer() viewer: Viewer,
  ): Promise<Page<AccessLogEntryView>> {
    return householdAccessLog(viewer, { householdId, page });
  }

  @Allow({ kinds: ["CIVIL_AFFAIRS"], roles: ["AUDITOR"] })
  @Query(() => [AuditChainStatusType], {
    description: "审计链校验 — verifies the hash chains of the access and change logs now, and against the signed checkpoints kept outside the database",
  })
  auditChainStatus(@CurrentViewer() viewer: Viewer): Promise<AuditStreamStatus[]> {
    return auditChainStatus(viewer);
  }
}
