import { sql } from "drizzle-orm";
import { boolean, check, date, index, integer, pgEnum, pgSequence, pgTable, text, uniqueIndex, uuid, varchar } from "drizzle-orm/pg-core";
import { areaCode, areaCodeCheck, id, timestamps } from "../../db/columns.js";
import {
  DisabilityLevel,
  EmploymentStatus,
  HousingSituation,
  RelationToHead,
  ResidenceStatus,
  Sex,
  StudentStatus,
  WorkAbility,
} from "./households.enums.js";

export const housingSituationEnum = pgEnum("housing_situation", HousingSituation.values);
export const residenceStatusEnum = pgEnum("residence_status", ResidenceStatus.values);
export const relationToHeadEnum = pgEnum("relation_to_head", RelationToHead.values);
export const sexEnum = pgEnum("sex", Sex.values);
export const disabilityLevelEnum = pgEnum("disability_level", DisabilityLevel.values);
export const workAbilityEnum = pgEnum("work_ability", WorkAbility.values);
export const studentStatusEnum = pgEnum("student_status", StudentStatus.values);
export const employmentStatusEnum = pgEnum("employment_status", EmploymentStatus.values);

/** Numbers for households registered through the API (`QXH-000321` …). */
export const householdNoSeq = pgSequence("household_no_seq", { startWith: 1 });

export const households = pgTable(
  "households",
  {
    id: id(),
    /** Public household number, e.g. `QXH-000123`; the stable sort key for paging. */
    householdNo: varchar("household_no", { length: 32 }).notNull(),
    /** Community (村/社区) code where the household lives. */
    areaCode: areaCode().notNull(),
    address: text("address").notNull(),
    /** Payee bank account for benefit payments, AES-256-GCM encrypted (see privacy/crypto.ts). */
    bankAccountEnc: text("bank_account_enc"),
    housingSituation: housingSituationEnum("housing_situation").notNull(),
    residenceStatus: residenceStatusEnum("residence_status").notNull(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("households_household_no_uq").on(t.householdNo),
    index("households_area_code_idx").on(t.areaCode),
    areaCodeCheck("households_area_code_ck", t.areaCode),
  ],
);

export const persons = pgTable(
  "persons",
  {
    id: id(),
    householdId: uuid("household_id")
      .notNull()
      .references(() => households.id, { onDelete: "cascade" }),
    relationToHead: relationToHeadEnum("relation_to_head").notNull(),
    name: text("name").notNull(),
    /** Resident ID number (GB 11643, validated on every write path), AES-256-GCM encrypted. */
    idNumberEnc: text("id_number_enc").notNull(),
    /** Keyed blind index (HMAC-SHA-256) of the ID number: exact lookup and uniqueness, no plaintext. */
    idNumberBidx: varchar("id_number_bidx", { length: 64 }).notNull(),
    /** Phone, AES-256-GCM encrypted. */
    phoneEnc: text("phone_enc"),
    birthDate: date("birth_date", { mode: "string" }).notNull(),
    sex: sexEnum("sex").notNull(),
    disabilityLevel: disabilityLevelEnum("disability_level").notNull().default("NONE"),
    seriousIllness: boolean("serious_illness").notNull().default(false),
    workAbility: workAbilityEnum("work_ability").notNull(),
    studentStatus: studentStatusEnum("student_status").notNull().default("NOT_STUDENT"),
    employmentStatus: employmentStatusEnum("employment_status").notNull(),
    /** Monthly income in fen (分). */
    monthlyIncomeFen: integer("monthly_income_fen").notNull().default(0),
    ...timestamps,
  },
  (t) => [
    index("persons_household_id_idx").on(t.householdId),
    uniqueIndex("persons_id_number_bidx_uq").on(t.idNumberBidx),
    check("persons_monthly_income_ck", sql`${t.monthlyIncomeFen} >= 0`),
  ],
);

export type HouseholdRow = typeof households.$inferSelect;
export type NewHouseholdRow = typeof households.$inferInsert;
export type PersonRow = typeof persons.$inferSelect;
export type NewPersonRow = typeof persons.$inferInsert;

/** Households and persons as the domain knows them (plaintext); households.records.ts seals them into rows. */
export type PersonRecord = Omit<NewPersonRow, "idNumberEnc" | "idNumberBidx" | "phoneEnc"> & {
  idNumber: string;
  phone?: string | null;
};

export type HouseholdRecord = Omit<NewHouseholdRow, "bankAccountEnc"> & { bankAccount?: string | null };
