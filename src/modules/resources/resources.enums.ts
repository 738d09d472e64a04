import { defineEnum } from "../../shared/enum.js";

export const ResourceKind = defineEnum("ResourceKind", {
  CHARITY_PROJECT: "慈善项目 — a charity's project (clause 18)",
  GOVERNMENT_PROGRAM: "政府救助项目 — a government assistance programme",
  PUBLIC_WELFARE_POST: "公益性岗位 — public-welfare job posts (clause 12)",
  PURCHASED_SERVICE: "政府购买服务 — government-purchased social-work services (clause 20)",
  VOLUNTEER_SERVICE: "志愿服务 — volunteer service (clause 19)",
});
export type ResourceKind = (typeof ResourceKind.values)[number];

export const ResourceStatus = defineEnum("ResourceStatus", {
  DRAFT: "草稿 — not yet published",
  ACTIVE: "进行中 — open for matching",
  PAUSED: "暂停 — temporarily not accepting needs",
  CLOSED: "已结束 — closed",
});
export type ResourceStatus = (typeof ResourceStatus.values)[number];
