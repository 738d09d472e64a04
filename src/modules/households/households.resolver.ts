import { Arg, Args, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { Allow } from "../../auth/allow.js";
import { CurrentViewer } from "../../auth/viewer.js";
import type { Viewer } from "../../context.type.js";
import { kindsThatMay } from "../../privacy/purpose.js";
import { PageArgs, type Page } from "../../shared/graphql/connection.js";
import { HouseholdFilterInput, RegisterHouseholdInput, RegisterHouseholdPayload } from "./households.input.js";
import { ID_LOOKUP_KINDS } from "./households.policy.js";
import { getHousehold, listHouseholds, membersOf, personByIdNumber, registerHousehold, type HouseholdView, type PersonView } from "./households.service.js";
import { RegistrationReviewStatus } from "./households.enums.js";
import { listRegistrationReviews, type RegistrationReviewView } from "./households.reviews.js";
import { HouseholdConnection, HouseholdType, PersonType, RegistrationReviewConnection } from "./households.type.js";

@Resolver(() => HouseholdType)
export class HouseholdResolver {
  @Allow({ kinds: kindsThatMay("households") })
  @Query(() => HouseholdConnection, { description: "家庭列表 — households in the caller's scope" })
  households(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => HouseholdFilterInput, { nullable: true }) filter: HouseholdFilterInput | null,
    @CurrentViewer() viewer: Viewer,
  ): Promise<Page<HouseholdView>> {
    return listHouseholds(viewer, { filter, page });
  }

  @Allow({ kinds: kindsThatMay("household") })
  @Query(() => HouseholdType, { description: "家庭 — one household; NOT_FOUND outside the caller's scope" })
  household(@Arg("id", () => ID) id: string, @CurrentViewer() viewer: Viewer): Promise<HouseholdView> {
    return getHousehold(viewer, id);
  }

  @Allow({ kinds: ID_LOOKUP_KINDS })
  @Query(() => PersonType, {
    description: "按身份证号查询 — one person by resident ID number, within your scope; audited, and refused to remits that may not read ID numbers",
  })
  personByIdNumber(@Arg("idNumber", () => String) idNumber: string, @CurrentViewer() viewer: Viewer): Promise<PersonView> {
    return personByIdNumber(viewer, idNumber);
  }

  @Allow({
    kinds: ["CIVIL_AFFAIRS", "SUBDISTRICT", "COMMUNITY"],
    roles: ["ADMIN", "CASEWORKER", "COORDINATOR"],
  })
  @Mutation(() => RegisterHouseholdPayload, { description: "登记家庭 — register a household and its members (single window)" })
  async registerHousehold(
    @Arg("input", () => RegisterHouseholdInput) input: RegisterHouseholdInput,
    @CurrentViewer() viewer: Viewer,
  ): Promise<{ household: HouseholdView }> {
    return { household: await registerHousehold(viewer, input) };
  }

  @Allow({ kinds: ["CIVIL_AFFAIRS"], roles: ["ADMIN", "CASEWORKER", "APPROVER"] })
  @Query(() => RegistrationReviewConnection, {
    description: "重复登记核查 — registrations naming an ID number already registered in another household, for civil affairs to resolve",
  })
  registrationReviews(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("status", () => RegistrationReviewStatus.object, { nullable: true }) status: RegistrationReviewStatus | null,
    @CurrentViewer() viewer: Viewer,
  ): Promise<Page<RegistrationReviewView>> {
    return listRegistrationReviews(viewer, { status, page });
  }

  @FieldResolver(() => [PersonType], { description: "家庭成员 — members, projected under the household's grant" })
  members(@Root() household: HouseholdView, @CurrentViewer() viewer: Viewer): Promise<PersonView[]> {
    return membersOf(viewer, household);
  }
}
