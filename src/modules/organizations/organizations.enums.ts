import { defineEnum } from "../../shared/enum.js";

export const OrgKind = defineEnum("OrgKind", {
  CIVIL_AFFAIRS: "民政局 — civil affairs bureau: owns cases, verification, eligibility, decisions",
  SUBDISTRICT: "街道办事处 — subdistrict office: single-window intake and review",
  COMMUNITY: "社区(村)居委会 — community: grid workers and assistance coordinators",
  HEALTHCARE_SECURITY: "医疗保障局 — healthcare security bureau: medical assistance",
  HEALTH: "卫生健康局 — health commission: disease emergency aid",
  EDUCATION: "教育局 — education bureau: education aid for students",
  HOUSING: "住房城乡建设局 — housing bureau: public rental housing, rent subsidy, renovation",
  HUMAN_RESOURCES: "人力资源社会保障局 — human resources bureau: employment aid, public-welfare posts",
  EMERGENCY_MANAGEMENT: "应急管理局 — emergency management bureau: disaster victims' relief",
  COURT: "人民法院 — court: judicial aid",
  JUSTICE: "司法局 — justice bureau: legal aid",
  FINANCE: "财政局 — finance bureau: budgets and aggregate statistics only",
  CHARITY: "慈善组织 — charity: publishes projects, claims matched needs",
  VOLUNTEER_ORG: "志愿服务组织 — volunteer organization",
  SOCIAL_WORK_AGENCY: "社会工作服务机构 — social-work agency: government-purchased services",
  RESIDENT: "居民自助 — household self-service channel",
});
export type OrgKind = (typeof OrgKind.values)[number];

export const Role = defineEnum("Role", {
  ADMIN: "管理员 — administrator of the organization's use of the hub",
  CASEWORKER: "经办人 — caseworker handling intake and cases",
  APPROVER: "审批人 — officer who approves decisions",
  AUDITOR: "审计员 — reads audit trails and statistics",
  COORDINATOR: "社会救助协理员 / 协调员 — community assistance coordinator or programme coordinator",
  GRID_WORKER: "网格员 — grid worker doing proactive discovery",
  OFFICER: "业务经办 — bureau officer acting within the bureau's remit",
  ANALYST: "统计分析 — budget and statistics analyst (aggregates only)",
  PROJECT_MANAGER: "项目负责人 — charity project manager",
  STAFF: "工作人员 — charity staff",
  VOLUNTEER: "志愿者 — volunteer",
  SUPERVISOR: "督导 — social-work supervisor",
  SOCIAL_WORKER: "社工 — social worker delivering services",
  RESIDENT: "居民 — a member of an assisted household acting for it",
});
export type Role = (typeof Role.values)[number];

/** Which roles exist in which kind of organization. Policy as data: a token with any other role is rejected. */
export const ROLES_BY_ORG_KIND: { readonly [K in OrgKind]: readonly Role[] } = {
  CIVIL_AFFAIRS: ["ADMIN", "CASEWORKER", "APPROVER", "AUDITOR"],
  SUBDISTRICT: ["CASEWORKER", "APPROVER"],
  COMMUNITY: ["COORDINATOR", "GRID_WORKER"],
  HEALTHCARE_SECURITY: ["OFFICER"],
  HEALTH: ["OFFICER"],
  EDUCATION: ["OFFICER"],
  HOUSING: ["OFFICER"],
  HUMAN_RESOURCES: ["OFFICER"],
  EMERGENCY_MANAGEMENT: ["OFFICER"],
  COURT: ["OFFICER"],
  JUSTICE: ["OFFICER"],
  FINANCE: ["ANALYST"],
  CHARITY: ["PROJECT_MANAGER", "STAFF"],
  VOLUNTEER_ORG: ["COORDINATOR", "VOLUNTEER"],
  SOCIAL_WORK_AGENCY: ["SUPERVISOR", "SOCIAL_WORKER"],
  RESIDENT: ["RESIDENT"],
};
