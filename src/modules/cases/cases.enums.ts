import { defineEnum } from "../../shared/enum.js";

/** Every assistance type the policy names, with the clause it comes from. */
export const AssistanceType = defineEnum("AssistanceType", {
  MINIMUM_LIVING: "低保 — minimum living guarantee (clause 5)",
  EXTREME_POVERTY: "特困人员救助供养 — support for persons in extreme poverty, minors to 18 (clause 6)",
  LOW_INCOME: "低收入家庭 — low-income household special assistance (clauses 2, 5)",
  TEMPORARY: "临时救助(含急难型) — temporary and emergency assistance, small-amount advance aid (clause 15)",
  MEDICAL: "医疗救助 — medical assistance (clause 9)",
  EDUCATION: "教育救助 — education assistance (clause 10)",
  HOUSING: "住房救助 — housing assistance (clause 11)",
  EMPLOYMENT: "就业救助 — employment assistance (clause 12)",
  DISASTER_RELIEF: "受灾人员救助 — disaster victims' relief (clause 13)",
  JUDICIAL_AID: "司法救助 — judicial aid (clause 14)",
  LEGAL_AID: "法律援助 — legal aid, economic review waived for recipients (clause 14)",
  HEATING: "取暖救助 — heating assistance (clause 14)",
  FUNERAL: "殡葬救助 — basic funeral fee relief (clause 14)",
  CHILDREN_IN_DIFFICULTY: "困境儿童保障 — orphans, de facto unsupported and other children in difficulty (clause 14)",
  DISABILITY: "残疾人救助 — disability care and living subsidies, rehabilitation of disabled children (clause 14)",
  VAGRANT_RELIEF: "生活无着人员救助 — relief for stranded persons without means of living (clause 16)",
});
export type AssistanceType = (typeof AssistanceType.values)[number];

export const CaseChannel = defineEnum("CaseChannel", {
  WINDOW: "窗口受理 — applied at the single window (一门受理)",
  ONLINE: "网上/掌上办 — applied online or on the mobile app",
  DISCOVERY: "主动发现 — found by grid workers' proactive discovery (clause 21)",
  REFERRAL: "部门转介 — referred by another department (部门协同办)",
});
export type CaseChannel = (typeof CaseChannel.values)[number];

export const CaseStatus = defineEnum("CaseStatus", {
  SUBMITTED: "已受理 — accepted at intake",
  VERIFYING: "核对中 — economic-status verification in progress (clause 22)",
  PENDING_DECISION: "待审批 — awaiting the approver's decision",
  APPROVED: "已批准 — assistance granted and in payment",
  REJECTED: "不予批准 — application refused",
  SUSPENDED: "暂停 — benefit suspended pending review",
  TERMINATED: "已终止 — assistance ended",
});
export type CaseStatus = (typeof CaseStatus.values)[number];
