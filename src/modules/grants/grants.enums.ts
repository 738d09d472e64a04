import { defineEnum } from "../../shared/enum.js";

export const GrantRelationship = defineEnum("GrantRelationship", {
  REFERRAL: "转介 — a case or need referred to the organization, with authorised categories",
  ASSIGNMENT: "派单 — a household assigned to a social-work agency under a purchase contract",
  CLAIM: "认领 — a need claimed by a charity or volunteer organization",
});
export type GrantRelationship = (typeof GrantRelationship.values)[number];
