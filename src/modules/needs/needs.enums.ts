import { defineEnum } from "../../shared/enum.js";

export const NeedCategory = defineEnum("NeedCategory", {
  BASIC_LIVING: "基本生活 — food, clothing, daily necessities",
  MEDICAL: "医疗 — medical costs, medicines, devices",
  EDUCATION: "教育 — school fees, books, living allowance for students",
  HOUSING: "住房 — rent, repairs, dilapidated-house renovation",
  EMPLOYMENT: "就业 — training, job placement, public-welfare post",
  CARE_SERVICE: "照料服务 — visits and daily care for those who cannot look after themselves (clause 3)",
  PSYCHOLOGICAL: "心理疏导 — counselling and relationship support",
  LEGAL: "法律 — legal advice and representation",
  HEATING: "取暖 — winter heating",
  DISASTER_RELIEF: "灾害救助 — disaster relief supplies",
  REHABILITATION: "康复 — rehabilitation, assistive devices",
  CHILD_PROTECTION: "儿童关爱 — care and protection of children in difficulty",
  OTHER: "其他 — other",
});
export type NeedCategory = (typeof NeedCategory.values)[number];

export const NeedUrgency = defineEnum("NeedUrgency", {
  LOW: "一般 — can wait weeks",
  MEDIUM: "较急 — within two weeks",
  HIGH: "紧急 — within days",
  CRITICAL: "急难 — immediate, life or safety at stake",
});
export type NeedUrgency = (typeof NeedUrgency.values)[number];

export const NeedStatus = defineEnum("NeedStatus", {
  OPEN: "待对接 — published, awaiting a match",
  MATCHED: "已匹配 — matched to one or more resources",
  CLAIMED: "已认领 — claimed by a charity or agency",
  FULFILLED: "已完成 — delivered, with evidence",
  CANCELLED: "已撤销 — withdrawn",
});
export type NeedStatus = (typeof NeedStatus.values)[number];
