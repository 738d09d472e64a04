import { Field, ID, ObjectType } from "type-graphql";
import { connectionOf } from "../../shared/graphql/connection.js";
import { registerDomainEnum } from "../../shared/graphql/enums.js";
import { RedactionType } from "../../privacy/redaction.type.js";
import { MoneyScalar } from "../../shared/graphql/scalars.js";
import type { Grant, View } from "../../privacy/project.js";
import {
  DisabilityLevel,
  EmploymentStatus,
  HousingSituation,
  RelationToHead,
  ResidenceStatus,
  Sex,
  StudentStatus,
  WorkAbility,
  RegistrationReviewStatus,
} from "./households.enums.js";
import type { HouseholdSource, PersonSource } from "./households.policy.js";
import type { RegistrationReviewView } from "./households.reviews.js";
import type { HouseholdView } from "./households.service.js";

registerDomainEnum(HousingSituation, "住房状况 — housing situation");
registerDomainEnum(ResidenceStatus, "户籍/居住证 — hukou or residence-permit status");
registerDomainEnum(RelationToHead, "与户主关系 — relation to the head of household");
registerDomainEnum(Sex, "性别 — sex");
registerDomainEnum(DisabilityLevel, "残疾等级 — certified disability grade");
registerDomainEnum(WorkAbility, "劳动能力 — ability to work");
registerDomainEnum(StudentStatus, "在校情况 — schooling stage");
registerDomainEnum(EmploymentStatus, "就业状况 — employment status");

// Object types are shapes of projected views (View<Source>), never table rows.

@ObjectType("Household", { description: "家庭 — a household; sensitive fields arrive masked or withheld per the caller's remit" })
export class HouseholdType implements View<HouseholdSource> {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: "户编号 — public household number" })
  householdNo!: string;

  @Field(() => String, { description: "所在社区(村)区划代码 — 12-digit division code" })
  areaCode!: string;

  @Field(() => String, { nullable: true, description: "住址 — address (CONTACT)" })
  address!: string | null;

  @Field(() => String, { nullable: true, description: "收款账户 — payee bank account for benefits (FINANCIAL); masked to the last four digits" })
  bankAccount!: string | null;

  @Field(() => HousingSituation.object, { nullable: true, description: "HOUSING" })
  housingSituation!: HousingSituation | null;

  @Field(() => ResidenceStatus.object, { nullable: true, description: "IDENTITY" })
  residenceStatus!: ResidenceStatus | null;

  @Field(() => [RedactionType])
  redactions!: RedactionType[];

  grant!: Grant;
}

@ObjectType("Person", { description: "家庭成员 — a household member" })
export class PersonType implements View<PersonSource> {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  householdId!: string;

  @Field(() => RelationToHead.object, { nullable: true })
  relationToHead!: RelationToHead | null;

  @Field(() => Sex.object, { nullable: true })
  sex!: Sex | null;

  @Field(() => String, { nullable: true, description: "姓名 — name (IDENTITY)" })
  name!: string | null;

  @Field(() => String, { nullable: true, description: "公民身份号码 — resident ID number (IDENTITY, minimum necessity)" })
  idNumber!: string | null;

  @Field(() => String, { nullable: true, description: "出生日期 — birth date, ISO (IDENTITY); masked to the year" })
  birthDate!: string | null;

  @Field(() => String, { nullable: true, description: "联系电话 — phone (CONTACT)" })
  phone!: string | null;

  @Field(() => DisabilityLevel.object, { nullable: true, description: "DISABILITY" })
  disabilityLevel!: DisabilityLevel | null;

  @Field(() => Boolean, { nullable: true, description: "重病 — serious illness (HEALTH)" })
  seriousIllness!: boolean | null;

  @Field(() => WorkAbility.object, { nullable: true, description: "EMPLOYMENT" })
  workAbility!: WorkAbility | null;

  @Field(() => StudentStatus.object, { nullable: true, description: "EDUCATION" })
  studentStatus!: StudentStatus | null;

  @Field(() => EmploymentStatus.object, { nullable: true, description: "EMPLOYMENT" })
  employmentStatus!: EmploymentStatus | null;

  @Field(() => MoneyScalar, { nullable: true, description: "月收入 — monthly income (FINANCIAL); masked to a 500-yuan band" })
  monthlyIncome!: number | null;

  @Field(() => [RedactionType])
  redactions!: RedactionType[];

  grant!: Grant;
}

export const HouseholdConnection = connectionOf("Household", HouseholdType);

registerDomainEnum(RegistrationReviewStatus, "重复登记核查状态 — status of a duplicate-registration review");

@ObjectType("RegistrationReview", {
  description: "重复登记核查 — a registration that named an ID number already registered in a household outside the registrar's scope",
})
export class RegistrationReviewType implements RegistrationReviewView {
  @Field(() => ID)
  id!: string;

  @Field(() => RegistrationReviewStatus.object)
  status!: RegistrationReviewStatus;

  @Field(() => String, { description: "ISO 8601" })
  createdAt!: string;

  @Field(() => ID, { description: "The member held for review in the new household" })
  personId!: string;

  @Field(() => ID, { description: "The member who already holds the number" })
  conflictingPersonId!: string;

  @Field(() => HouseholdType, { nullable: true, description: "The household registered with the repeated number" })
  household!: HouseholdView | null;

  @Field(() => HouseholdType, { nullable: true, description: "The household that already held it" })
  conflictingHousehold!: HouseholdView | null;
}

export const RegistrationReviewConnection = connectionOf("RegistrationReview", RegistrationReviewType);
