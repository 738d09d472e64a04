import { Arg, Args, Ctx, Field, FieldResolver, ID, InputType, Mutation, Query, Resolver, Root } from "type-graphql";
import { Allow, AUTHENTICATED } from "../../auth/allow.js";
import { ID_LOOKUP_KINDS } from "./households.policy.js";
import type { HubContext } from "../../context.js";
import { PageArgs, type Page } from "../../shared/graphql/connection.js";
import { HouseholdConnection, HouseholdType, PersonType } from "./households.type.js";
import { RegisterHouseholdInput, RegisterHouseholdPayload } from "./households.input.js";
import { getHousehold, listHouseholds, membersOf, personByIdNumber, registerHousehold, type HouseholdView, type PersonView } from "./households.service.js";

@InputType({ description: "Household filters; every filter field is one the caller may read in full" })
export class HouseholdFilter {
  @Field(() => String, { nullable: true, description: "Division-code prefix (2–12 digits), e.g. 130104001" })
  areaCode?: string | null;
}

@Resolver(() => HouseholdType)
export class HouseholdResolver {
  @Allow(AUTHENTICATED)
  @Query(() => HouseholdConnection, { description: "家庭列表 — households in the caller's scope" })
  households(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => HouseholdFilter, { nullable: true }) filter: HouseholdFilter | null,
    @Ctx() ctx: HubContext,
  ): Promise<Page<HouseholdView>> {
    return listHouseholds(ctx, { filter, page });
  }

  @Allow(AUTHENTICATED)
  @Query(() => HouseholdType, { description: "家庭 — one household; NOT_FOUND outside the caller's scope" })
  household(@Arg("id", () => ID) id: string, @Ctx() ctx: HubContext): Promise<HouseholdView> {
    return getHousehold(ctx, id);
  }

  @Allow({ kinds: ID_LOOKUP_KINDS })
  @Query(() => PersonType, {
    description: "按身份证号查询 — one person by resident ID number, within your scope; audited, and refused to remits that may not read ID numbers",
  })
  personByIdNumber(@Arg("idNumber", () => String) idNumber: string, @Ctx() ctx: HubContext): Promise<PersonView> {
    return personByIdNumber(ctx, idNumber);
  }

  @Allow({
    kinds: ["CIVIL_AFFAIRS", "SUBDISTRICT", "COMMUNITY"],
    roles: ["ADMIN", "CASEWORKER", "COORDINATOR"],
  })
  @Mutation(() => RegisterHouseholdPayload, { description: "登记家庭 — register a household and its members (single window)" })
  async registerHousehold(
    @Arg("input", () => RegisterHouseholdInput) input: RegisterHouseholdInput,
    @Ctx() ctx: HubContext,
  ): Promise<{ household: HouseholdView }> {
    return { household: await registerHousehold(ctx, input) };
  }

  @FieldResolver(() => [PersonType], { description: "家庭成员 — members, projected under the household's grant" })
  members(@Root() household: HouseholdView, @Ctx() ctx: HubContext): Promise<PersonView[]> {
    return membersOf(ctx, household);
  }
}
