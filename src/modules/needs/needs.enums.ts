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

/**
 * Beneficiary and eligibility tags: one vocabulary for needs (who benefits) and resources (whom they
 * serve). Each tag reveals a category of the household's data (needs.policy.ts classes them).
 */
export const BeneficiaryTag = defineEnum("BeneficiaryTag", {
  elderly: "老年人 — a member aged 60 or over",
  "living-alone": "独居 — a one-person household",
  child: "未成年人 — a member under 18",
  student: "在校学生 — a member in school",
  disability: "残疾 — a member with a disability certificate",
  "serious-illness": "重病 — a member with a serious illness",
  unemployed: "失业 — an able member out of work",
  "minimum-living": "低保 — the household receives minimum living assistance",
  "extreme-poverty": "特困 — a member receives extreme-poverty support",
  "low-income": "低收入 — a low-income household",
  "children-in-difficulty": "困境儿童 — a child in difficulty",
  "disaster-affected": "受灾 — affected by a disaster",
  "residence-permit": "居住证 — applies where it lives on a residence permit (clause 4)",
});
export type BeneficiaryTag = (typeof BeneficiaryTag.values)[number];
