import { defineEnum } from "../../shared/enum.js";

export const ClaimStatus = defineEnum("ClaimStatus", {
  ACTIVE: "已认领 — claimed, delivery under way; the claimant holds a claim grant on the household",
  FULFILLED: "已完成 — delivered, with evidence; the grant has ended",
  RELEASED: "已释放 — given up by the claimant with a reason; the need is open again",
  EXPIRED: "已过期 — not fulfilled in time; the need is open again",
});
export type ClaimStatus = (typeof ClaimStatus.values)[number];

/** A claim that holds its need and its share of the resource. */
export const LIVE_CLAIM_STATUSES: readonly ClaimStatus[] = ["ACTIVE", "FULFILLED"];
