import { Arg, Args, ID, Mutation, Query, Resolver } from "type-graphql";
import { Allow, PUBLIC } from "../../auth/allow.js";
import { CurrentViewer, PublicData } from "../../auth/viewer.js";
import type { PublicReader, Viewer } from "../../context.type.js";
import { charityConduct, charityConductSummary, fulfilledNeeds, type ConductRecord, type FulfilledNeedsReport } from "./claims.disclosure.js";
import { PageArgs, type Page } from "../../shared/graphql/connection.js";
import { ClaimStatus } from "./claims.enums.js";
import { ClaimNeedInput, FulfilClaimInput } from "./claims.input.js";
import { claimNeed, fulfilClaim, listClaims, releaseClaim, type ClaimView } from "./claims.service.js";
import { CharityConductType, ClaimConnection, ClaimType, FulfilledNeedsReportType } from "./claims.type.js";

/** Who claims: charities' project managers and volunteer organizations' coordinators, for their own resources. */
const CLAIMANTS = { kinds: ["CHARITY", "VOLUNTEER_ORG"], roles: ["PROJECT_MANAGER", "COORDINATOR"] } as const;

@Resolver(() => ClaimType)
export class ClaimResolver {
  @Allow({ kinds: [...CLAIMANTS.kinds], roles: [...CLAIMANTS.roles] })
  @Mutation(() => ClaimType, { description: "认领需求 — claim a published need against one of your resources; atomic, never two claims on a need" })
  claimNeed(@Arg("input", () => ClaimNeedInput) input: ClaimNeedInput, @CurrentViewer() viewer: Viewer): Promise<ClaimView> {
    return claimNeed(viewer, input);
  }

  @Allow({ kinds: [...CLAIMANTS.kinds], roles: [...CLAIMANTS.roles] })
  @Mutation(() => ClaimType, { description: "完成认领 — record the delivery of an active claim; the claim grant ends" })
  fulfilClaim(@Arg("input", () => FulfilClaimInput) input: FulfilClaimInput, @CurrentViewer() viewer: Viewer): Promise<ClaimView> {
    return fulfilClaim(viewer, input);
  }

  @Allow({ kinds: [...CLAIMANTS.kinds], roles: [...CLAIMANTS.roles] })
  @Mutation(() => ClaimType, { description: "释放认领 — give an active claim back, with the reason: the need opens again, capacity returns, the grant is revoked" })
  releaseClaim(@Arg("id", () => ID) id: string, @Arg("reason", () => String) reason: string, @CurrentViewer() viewer: Viewer): Promise<ClaimView> {
    return releaseClaim(viewer, { id, reason });
  }

  @Allow({ kinds: ["CHARITY", "VOLUNTEER_ORG", "CIVIL_AFFAIRS", "SUBDISTRICT", "COMMUNITY"] })
  @Query(() => ClaimConnection, { description: "认领记录 — your organization's claims; civil affairs, subdistricts and communities: claims on needs in their area" })
  claims(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("status", () => ClaimStatus.object, { nullable: true }) status: ClaimStatus | null,
    @CurrentViewer() viewer: Viewer,
  ): Promise<Page<ClaimView>> {
    return listClaims(viewer, { status, page });
  }

  @Allow(PUBLIC)
  @Query(() => FulfilledNeedsReportType, {
    description: "慈善信息公开 — fulfilled needs by closed month, category, district and charity; no token needed; cells under the threshold suppressed",
  })
  fulfilledNeeds(@Arg("from", () => String) from: string, @Arg("to", () => String) to: string, @PublicData() reader: PublicReader): Promise<FulfilledNeedsReport> {
    return fulfilledNeeds(reader, { from, to });
  }

  @Allow(PUBLIC)
  @Query(() => CharityConductType, { description: "慈善行为记录(公开) — a charity's public summary: counts; amount and timing once past the threshold" })
  charityConductSummary(@Arg("orgCode", () => String) orgCode: string, @PublicData() reader: PublicReader): Promise<ConductRecord> {
    return charityConductSummary(reader, orgCode);
  }

  @Allow({ kinds: ["CIVIL_AFFAIRS", "CHARITY", "VOLUNTEER_ORG"] })
  @Query(() => CharityConductType, { description: "慈善行为记录 — a charity's full record: civil affairs for any, a charity for itself" })
  charityConduct(@Arg("orgCode", () => String) orgCode: string, @CurrentViewer() viewer: Viewer): Promise<ConductRecord> {
    return charityConduct(viewer, orgCode);
  }
}
