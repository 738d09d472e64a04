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
  RegistrationReviewStatus,
} from "./households.enums.js";
import { organizations } from "../organizations/organizations.table.js";

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
    /** Keyed blind index (HMAC-SHA-256) of the ID number: exact lookup and uniqueness, no plaintext.
     * A member registered with a number already held outside the registrar's scope gets a stand-in
     * here and the real index in pending_id_number_bidx until civil affairs reviews the duplicate. */
    idNumberBidx: varchar("id_number_bidx", { length: 64 }).notNull(),
    pendingIdNumberBidx: varchar("pending_id_number_bidx", { length: 64 }),
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
    index("persons_pending_id_number_bidx_idx").on(t.pendingIdNumberBidx),
    check("persons_monthly_income_ck", sql`${t.monthlyIncomeFen} >= 0`),
  ],
);

export const registrationReviewStatusEnum = pgEnum("registration_review_status", RegistrationReviewStatus.values);

/**
 * The duplicate-review queue (civil affairs): a registration naming an ID number already registered
 * in a household outside the registrar's scope is accepted like any other — the registrar learns
 * nothing about the other household — and queued here for civil affairs to resolve.
 */
export const registrationReviews = pgTable(
  "registration_reviews",
  {
    id: id(),
    householdId: uuid("household_id")
      .notNull()
      .references(() => households.id, { onDelete: "cascade" }),
    personId: uuid("person_id")
      .notNull()
      .references(() => persons.id, { onDelete: "cascade" }),
    conflictingPersonId: uuid("conflicting_person_id")
      .notNull()
      .references(() => persons.id, { onDelete: "cascade" }),
    registeredByOrgId: uuid("registered_by_org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "restrict" }),
    status: registrationReviewStatusEnum("status").notNull().default("OPEN"),
    ...timestamps,
  },
  (t) => [
    index("registration_reviews_household_id_idx").on(t.householdId),
    index("registration_reviews_person_id_idx").on(t.personId),
    index("registration_reviews_conflicting_person_id_idx").on(t.conflictingPersonId),
    index("registration_reviews_registered_by_org_id_idx").on(t.registeredByOrgId),
    index("registration_reviews_status_idx").on(t.status),
  ],
);

export type RegistrationReviewRow = typeof registrationReviews.$inferSelect;
export type HouseholdRow = typeof households.$inferSelect;
export type NewHouseholdRow = typeof households.$inferInsert;
export type PersonRow = typeof persons.$inferSelect;

/**
 * What a household or person view is built from (households.loaders.ts reads exactly this): the keys
 * (and what scope checks, masks and member order read) always; every other column only when the
 * operation selects its field — absent otherwise, and then never read, decrypted or masked. No
 * bookkeeping timestamps, no blind indexes.
 */
export type HouseholdReadRow = Pick<HouseholdRow, "id" | "areaCode"> &
  Partial<Pick<HouseholdRow, "householdNo" | "address" | "bankAccountEnc" | "housingSituation" | "residenceStatus">>;
export type PersonReadRow = Pick<PersonRow, "id" | "householdId" | "relationToHead"> &
  Partial<Omit<PersonRow, "id" | "householdId" | "relationToHead" | "createdAt" | "updatedAt" | "idNumberBidx" | "pendingIdNumberBidx">>;
export type NewPersonRow = typeof persons.$inferInsert;

/** Households and persons as the domain knows them (plaintext); households.records.ts seals them into rows. */
export type PersonRecord = Omit<NewPersonRow, "idNumberEnc" | "idNumberBidx" | "pendingIdNumberBidx" | "phoneEnc"> & {
  idNumber: string;
  phone?: string | null;
};

export type HouseholdRecord = Omit<NewHouseholdRow, "bankAccountEnc"> & { bankAccount?: string | null };
