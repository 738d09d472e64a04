import { defineEnum } from "../shared/enum.js";

export const DataCategory = defineEnum("DataCategory", {
  BASIC: "基本信息 — non-sensitive record facts: numbers, area, relation to head",
  CASE: "救助状态 — assistance type, status, channel and dates",
  IDENTITY: "身份信息 — name, resident ID number, birth date",
  CONTACT: "联系方式 — phone and address",
  FINANCIAL: "经济状况 — income, assets, bank, benefit amounts, verification results",
  HEALTH: "健康 — illness and medical information",
  DISABILITY: "残疾 — disability certification and level",
  EDUCATION: "教育 — schooling status",
  EMPLOYMENT: "就业 — work ability and employment status",
  HOUSING: "住房 — housing situation",
  JUDICIAL: "司法 — judicial and legal-aid matters",
  PROTECTION: "保护 — domestic violence, child protection (strictest)",
});
export type DataCategory = (typeof DataCategory.values)[number];

export const Access = defineEnum("Access", {
  FULL: "完整 — the value as stored",
  MASKED: "脱敏 — a masked form (张*, 130104********123X, 138****1234, a band)",
  WITHHELD: "不予提供 — null",
});
export type Access = (typeof Access.values)[number];

export const RedactionReason = defineEnum("RedactionReason", {
  OUT_OF_REMIT: "超出职责范围 — the organization's remit does not cover this category",
  ROLE: "岗位权限不足 — the caller's role within the organization does not cover it",
  NOT_ASSIGNED: "非本机构承办 — the record is visible only through a narrower relationship",
  NO_CONSENT: "未获同意 — the household has not consented to this disclosure",
  MINIMUM_NECESSITY: "最小必要 — never disclosed in full to this kind of organization",
});
export type RedactionReason = (typeof RedactionReason.values)[number];

const RANK: { readonly [A in Access]: number } = { WITHHELD: 0, MASKED: 1, FULL: 2 };

/** The more restrictive of two access levels. */
export function minAccess(a: Access, b: Access): Access {
  return RANK[a] <= RANK[b] ? a : b;
}

export function accessBelow(a: Access, b: Access): boolean {
  return RANK[a] < RANK[b];
}
