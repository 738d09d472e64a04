import { defineEnum } from "../../shared/enum.js";

export const HousingSituation = defineEnum("HousingSituation", {
  OWNED: "自有住房 — owns the dwelling",
  RENTED_PRIVATE: "租住私房 — rents on the private market",
  PUBLIC_RENTAL: "公租房 — public rental housing",
  DILAPIDATED: "危房 — lives in a dilapidated house",
  NO_FIXED_ABODE: "无固定住所 — no fixed abode",
  INSTITUTION: "集中供养机构 — lives in a care institution",
  OTHER: "其他 — other",
});
export type HousingSituation = (typeof HousingSituation.values)[number];

export const ResidenceStatus = defineEnum("ResidenceStatus", {
  LOCAL_HUKOU: "本地户籍 — registered hukou in the district",
  RESIDENCE_PERMIT: "居住证 — residence-permit holder, applies where they live (clause 4)",
  NON_RESIDENT: "非本地户籍无居住证 — neither; eligible for emergency aid where it happens (clause 15)",
});
export type ResidenceStatus = (typeof ResidenceStatus.values)[number];

export const RelationToHead = defineEnum("RelationToHead", {
  HEAD: "户主 — head of household",
  SPOUSE: "配偶 — spouse",
  CHILD: "子女 — child",
  PARENT: "父母 — parent",
  GRANDCHILD: "孙子女 — grandchild",
  GRANDPARENT: "祖父母 — grandparent",
  SIBLING: "兄弟姐妹 — sibling",
  OTHER: "其他 — other relative living together",
});
export type RelationToHead = (typeof RelationToHead.values)[number];

export const Sex = defineEnum("Sex", {
  MALE: "男 — male",
  FEMALE: "女 — female",
});
export type Sex = (typeof Sex.values)[number];

export const DisabilityLevel = defineEnum("DisabilityLevel", {
  NONE: "无残疾 — no certified disability",
  LEVEL_1: "一级残疾 — grade 1 (most severe)",
  LEVEL_2: "二级残疾 — grade 2 (severe)",
  LEVEL_3: "三级残疾 — grade 3",
  LEVEL_4: "四级残疾 — grade 4",
});
export type DisabilityLevel = (typeof DisabilityLevel.values)[number];

export const WorkAbility = defineEnum("WorkAbility", {
  FULL: "有劳动能力 — able to work",
  PARTIAL: "部分丧失劳动能力 — partially unable to work",
  NONE: "完全丧失劳动能力 — wholly unable to work",
});
export type WorkAbility = (typeof WorkAbility.values)[number];

export const StudentStatus = defineEnum("StudentStatus", {
  NOT_STUDENT: "非在校 — not in education",
  PRESCHOOL: "学前教育 — preschool",
  PRIMARY: "小学 — primary school (compulsory)",
  JUNIOR_SECONDARY: "初中 — junior secondary (compulsory)",
  SENIOR_SECONDARY: "普通高中 — senior secondary",
  VOCATIONAL: "中等职业教育 — secondary vocational",
  HIGHER: "高等教育 — higher education (incl. vocational colleges)",
});
export type StudentStatus = (typeof StudentStatus.values)[number];

export const EmploymentStatus = defineEnum("EmploymentStatus", {
  EMPLOYED: "就业 — employed",
  FLEXIBLE: "灵活就业 — flexible or informal work",
  UNEMPLOYED: "失业 — unemployed and seeking work",
  PUBLIC_WELFARE_POST: "公益性岗位 — in a public-welfare post",
  RETIRED: "退休 — retired",
  NOT_IN_LABOUR_FORCE: "非劳动力 — not in the labour force (child, student, unable)",
});
export type EmploymentStatus = (typeof EmploymentStatus.values)[number];

export const RegistrationReviewStatus = defineEnum("RegistrationReviewStatus", {
  OPEN: "待核查 — a registration names an ID number already registered elsewhere; not yet reviewed",
  RESOLVED: "已处理 — civil affairs has resolved the duplicate",
});
export type RegistrationReviewStatus = (typeof RegistrationReviewStatus.values)[number];
