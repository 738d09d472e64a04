import { Arg, Args, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { Allow } from "../../auth/allow.js";
import { CurrentViewer } from "../../auth/viewer.js";
import type { Viewer } from "../../context.type.js";
import { kindsThatMay } from "../../privacy/purpose.js";
import { PageArgs, type Page } from "../../shared/graphql/connection.js";
import { householdOf, type HouseholdView } from "../households/index.js";
import { HouseholdType } from "../households/households.type.js";
import { CaseFilterInput } from "./cases.input.js";
import { getCase, listCases, type CaseView } from "./cases.service.js";
import { assistanceStatus, type AssistanceStatus } from "./cases.status.js";
import { AssistanceStatusType, CaseConnection, CaseType } from "./cases.type.js";

@Resolver(() => CaseType)
export class CaseResolver {
  @Allow({ kinds: kindsThatMay("cases") })
  @Query(() => CaseConnection, { description: "救助案件列表 — cases in the caller's scope, by case number" })
  cases(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => CaseFilterInput, { nullable: true }) filter: CaseFilterInput | null,
    @CurrentViewer() viewer: Viewer,
  ): Promise<Page<CaseView>> {
    return listCases(viewer, { filter, page });
  }

  @Allow({ kinds: kindsThatMay("case") })
  @Query(() => CaseType, { description: "救助案件 — one case; NOT_FOUND outside the caller's scope" })
  case(@Arg("id", () => ID) id: string, @CurrentViewer() viewer: Viewer): Promise<CaseView> {
    return getCase(viewer, id);
  }

  @Allow({ kinds: kindsThatMay("assistanceStatus") })
  @Query(() => AssistanceStatusType, {
    description: "救助身份核验 — minimal check for legal aid, judicial aid and medical-aid auto-inclusion (clauses 9, 14)",
  })
  assistanceStatus(@Arg("idNumber", () => String) idNumber: string, @CurrentViewer() viewer: Viewer): Promise<AssistanceStatus> {
    return assistanceStatus(viewer, idNumber);
  }

  @FieldResolver(() => HouseholdType, { nullable: true, description: "The case's household, under the case's grant" })
  household(@Root() parent: CaseView, @CurrentViewer() viewer: Viewer): Promise<HouseholdView | null> {
    return householdOf(viewer, parent);
  }
}
