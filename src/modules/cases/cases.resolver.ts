import { Arg, Args, Ctx, Field, FieldResolver, ID, InputType, Query, Resolver, Root } from "type-graphql";
import { Allow, AUTHENTICATED } from "../../auth/allow.js";
import type { HubContext } from "../../context.js";
import { PageArgs, type Page } from "../../shared/graphql/connection.js";
import { HouseholdType, householdOf, type HouseholdView } from "../households/index.js";
import { AssistanceType, CaseStatus } from "./cases.enums.js";
import { getCase, listCases, type CaseView } from "./cases.service.js";
import { AssistanceStatusType, assistanceStatus } from "./cases.status.js";
import { CaseConnection, CaseType } from "./cases.type.js";

@InputType({ description: "Case filters" })
export class CaseFilter {
  @Field(() => String, { nullable: true, description: "Division-code prefix (2–12 digits)" })
  areaCode?: string | null;

  @Field(() => AssistanceType.object, { nullable: true })
  type?: AssistanceType | null;

  @Field(() => CaseStatus.object, { nullable: true })
  status?: CaseStatus | null;

  @Field(() => ID, { nullable: true })
  householdId?: string | null;
}

@Resolver(() => CaseType)
export class CaseResolver {
  @Allow(AUTHENTICATED)
  @Query(() => CaseConnection, { description: "救助案件列表 — cases in the caller's scope, by case number" })
  cases(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => CaseFilter, { nullable: true }) filter: CaseFilter | null,
    @Ctx() ctx: HubContext,
  ): Promise<Page<CaseView>> {
    return listCases(ctx, { filter, page });
  }

  @Allow(AUTHENTICATED)
  @Query(() => CaseType, { description: "救助案件 — one case; NOT_FOUND outside the caller's scope" })
  case(@Arg("id", () => ID) id: string, @Ctx() ctx: HubContext): Promise<CaseView> {
    return getCase(ctx, id);
  }

  @Allow({ kinds: ["JUSTICE", "COURT", "HEALTHCARE_SECURITY"] })
  @Query(() => AssistanceStatusType, {
    description: "救助身份核验 — minimal check for legal aid, judicial aid and medical-aid auto-inclusion (clauses 9, 14)",
  })
  assistanceStatus(@Arg("idNumber", () => String) idNumber: string, @Ctx() ctx: HubContext): Promise<AssistanceStatusType> {
    return assistanceStatus(ctx, idNumber);
  }

  @FieldResolver(() => HouseholdType, { nullable: true, description: "The case's household, under the case's grant" })
  household(@Root() parent: CaseView, @Ctx() ctx: HubContext): Promise<HouseholdView | null> {
    return householdOf(ctx, parent);
  }
}
