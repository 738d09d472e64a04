import { Arg, ID, Mutation, Query, Resolver } from "type-graphql";
import { Allow } from "../../auth/allow.js";
import { CurrentViewer } from "../../auth/viewer.js";
import type { Viewer } from "../../context.type.js";
import { RecordConsentInput, WithdrawConsentInput } from "./consents.input.js";
import { listConsents, recordConsent, withdrawConsent } from "./consents.service.js";
import { ConsentPayload, ConsentType } from "./consents.type.js";
import type { ConsentView } from "./consents.views.js";

/** Those who take a household's consent at the window or in the community, and the household itself. */
const CONSENT_TAKERS = {
  kinds: ["CIVIL_AFFAIRS", "SUBDISTRICT", "COMMUNITY", "RESIDENT"],
  roles: ["ADMIN", "CASEWORKER", "COORDINATOR", "RESIDENT"],
} as const;

@Resolver(() => ConsentType)
export class ConsentResolver {
  @Allow({ kinds: CONSENT_TAKERS.kinds, roles: [...CONSENT_TAKERS.roles, "AUDITOR"] })
  @Query(() => [ConsentType], { description: "同意记录 — a household's consent records, oldest first" })
  consents(@Arg("householdId", () => ID) householdId: string, @CurrentViewer() viewer: Viewer): Promise<ConsentView[]> {
    return listConsents(viewer, householdId);
  }

  @Allow(CONSENT_TAKERS)
  @Mutation(() => ConsentPayload, { description: "记录同意 — record a household's consent" })
  async recordConsent(@Arg("input", () => RecordConsentInput) input: RecordConsentInput, @CurrentViewer() viewer: Viewer): Promise<{ consent: ConsentView }> {
    return { consent: await recordConsent(viewer, input) };
  }

  @Allow(CONSENT_TAKERS)
  @Mutation(() => ConsentPayload, { description: "撤回同意 — withdraw a consent; returns the WITHDRAW record" })
  async withdrawConsent(@Arg("input", () => WithdrawConsentInput) input: WithdrawConsentInput, @CurrentViewer() viewer: Viewer): Promise<{ consent: ConsentView }> {
    return { consent: await withdrawConsent(viewer, input) };
  }
}
