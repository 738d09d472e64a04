import { Query, Resolver } from "type-graphql";
import { Allow, AUTHENTICATED } from "../../auth/allow.js";
import { CurrentViewer } from "../../auth/viewer.js";
import type { Viewer } from "../../context.type.js";
import { ViewerType } from "./organizations.type.js";

@Resolver()
export class OrganizationResolver {
  @Allow(AUTHENTICATED)
  @Query(() => ViewerType, { description: "我 — who the hub takes the caller to be" })
  me(@CurrentViewer() { principal }: Viewer): ViewerType {
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
