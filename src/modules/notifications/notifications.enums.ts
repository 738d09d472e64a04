import { defineEnum } from "../../shared/enum.js";

export const NeedActivityKind = defineEnum("NeedActivityKind", {
  CLAIMED: "已认领 — a charity claimed the need",
  FULFILLED: "已完成 — the claimant recorded the delivery",
  RELEASED: "已释放 — the claimant gave the claim back; the need is open again",
  EXPIRED: "已过期 — the claim was not fulfilled in time; the need is open again",
});
export type NeedActivityKind = (typeof NeedActivityKind.values)[number];
