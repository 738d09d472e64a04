import { Field, InputType, ObjectType } from "type-graphql";
import { MoneyScalar } from "../../shared/graphql/scalars.js";
import {
  DisabilityLevel,
  EmploymentStatus,
  HousingSituation,
  RelationToHead,
  ResidenceStatus,
  StudentStatus,
  WorkAbility,
} from "./households.enums.js";
import { HouseholdType } from "./households.type.js";
import type { HouseholdFilter } from "./households.repository.js";
import type { HouseholdRegistrationData, PersonInputData } from "./households.validation.js";

@InputType({ description: "A household member at registration; birth date and sex are read from the ID number" })
export class PersonInput implements PersonInputData {
  @Field(() => RelationToHead.object)
  relationToHead!: RelationToHead;

  @Field(() => String, { description: "姓名" })
  name!: string;

  @Field(() => String, { description: "公民身份号码 — 18 characters, GB 11643 check digit" })
  idNumber!: string;

  @Field(() => String, { nullable: true, description: "11-digit mobile number" })
  phone?: string | null;

  @Field(() => DisabilityLevel.object, { nullable: true, defaultValue: "NONE" })
  disabilityLevel?: DisabilityLevel | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  seriousIllness?: boolean | null;

  @Field(() => WorkAbility.object)
  workAbility!: WorkAbility;

  @Field(() => StudentStatus.object, { nullable: true, defaultValue: "NOT_STUDENT" })
  studentStatus?: StudentStatus | null;

  @Field(() => EmploymentStatus.object)
  employmentStatus!: EmploymentStatus;

  @Field(() => MoneyScalar, { nullable: true, description: "Monthly income, default 0" })
  monthlyIncome?: number | null;
}

@InputType({ description: "登记家庭 — register a household and its members at the single window" })
export class RegisterHouseholdInput implements HouseholdRegistrationData {
  @Field(() => String, { description: "12-digit code of the community (村/社区) within your jurisdiction" })
  areaCode!: string;

  @Field(() => String)
  address!: string;

  @Field(() => HousingSituation.object)
  housingSituation!: HousingSituation;

  @Field(() => ResidenceStatus.object)
  residenceStatus!: ResidenceStatus;

  @Field(() => [PersonInput])
  members!: PersonInput[];
}

@ObjectType()
export class RegisterHouseholdPayload {
  @Field(() => HouseholdType)
  household!: HouseholdType;
}

@InputType("HouseholdFilter", { description: "Household filters; every filter field is one the caller may read in full" })
export class HouseholdFilterInput implements HouseholdFilter {
  @Field(() => String, { nullable: true, description: "Division-code prefix (2–12 digits), e.g. 130104001" })
  areaCode?: string | null;
}
