import { createHash } from "node:crypto";
import type {
  DisabilityLevel,
  EmploymentStatus,
  HousingSituation,
  RelationToHead,
  ResidenceStatus,
  Sex,
  StudentStatus,
  WorkAbility,
} from "../modules/households/households.enums.js";
import { idNumberCheckChar } from "../shared/id-number.js";
import { addDays, addMonths } from "./calendar.js";
import type { DemoHouseholdRow, DemoPersonRow } from "./model.js";
import { DEMO_COMMUNITIES } from "./organizations.js";
import { makeName, pickSurname } from "./names.js";
import { stableUuid, type Prng } from "./prng.js";

// The fictional population: households built from a handful of realistic shapes (elderly living
// alone, couples, single parents, three generations, grandparents raising grandchildren, ...),
// each member with attributes that agree with one another (age ↔ schooling ↔ work ability ↔
// employment ↔ income).

export type Archetype =
  | "ELDERLY_ALONE"
  | "ELDERLY_COUPLE"
  | "DISABLED_ADULT_ALONE"
  | "SINGLE_PARENT"
  | "NUCLEAR_FAMILY"
  | "THREE_GENERATIONS"
  | "SKIPPED_GENERATION"
  | "ADULT_CARING_FOR_PARENT"
  | "ADULT_WITH_DISABLED_SIBLING"
  | "NO_FIXED_ABODE_SINGLE";

const ARCHETYPE_WEIGHTS: readonly (readonly [Archetype, number])[] = [
  ["ELDERLY_ALONE", 15],
  ["ELDERLY_COUPLE", 9],
  ["DISABLED_ADULT_ALONE", 5],
  ["SINGLE_PARENT", 12],
  ["NUCLEAR_FAMILY", 24],
  ["THREE_GENERATIONS", 14],
  ["SKIPPED_GENERATION", 8],
  ["ADULT_CARING_FOR_PARENT", 8],
  ["ADULT_WITH_DISABLED_SIBLING", 3],
  ["NO_FIXED_ABODE_SINGLE", 2],
];

export interface DemoHousehold {
  readonly row: DemoHouseholdRow;
  readonly members: readonly DemoPersonRow[];
  readonly archetype: Archetype;
  /** Index into DEMO_COMMUNITIES. */
  readonly communityIndex: number;
}

interface MemberSpec {
  readonly relation: RelationToHead;
  readonly age: number;
  readonly sex: Sex;
  readonly surname: string;
  readonly disability?: DisabilityLevel;
  readonly seriousIllness?: boolean;
}

/**
 * ID-number address codes. The prefecture `1399` does not exist (Hebei's prefectures stop well
 * before 99), so no generated number can belong to a real person. Local hukou holders get the
 * community's fictional county `139901`..`139906`; migrants (residence permit or none) a
 * fictional "elsewhere" county `139950`..`139989`.
 */
const localAddressCode = (communityIndex: number): string => `1399${String(communityIndex + 1).padStart(2, "0")}`;
const elsewhereAddressCode = (rng: Prng): string => `1399${rng.int(50, 89)}`;

const DISABILITY_LEVELS: readonly (readonly [DisabilityLevel, number])[] = [
  ["LEVEL_1", 15],
  ["LEVEL_2", 25],
  ["LEVEL_3", 30],
  ["LEVEL_4", 30],
];

const STREET_PARTS = ["一", "二", "三", "东", "西", "南", "北", "中"] as const;
const STREET_KINDS = ["路", "街", "巷"] as const;

/** Keeps ID numbers and phones unique across the whole district. */
interface Registry {
  readonly idNumbers: Set<string>;
  readonly phones: Set<string>;
}

export interface GenerateHouseholdsOptions {
  readonly rng: Prng;
  readonly seed: number;
  readonly today: string;
  readonly count: number;
}

export function generateHouseholds(options: GenerateHouseholdsOptions): DemoHousehold[] {
  const { rng, seed, today, count } = options;
  const registry: Registry = { idNumbers: new Set(), phones: new Set() };
  const result: DemoHousehold[] = [];
  for (let i = 0; i < count; i++) {
    const householdNo = `QXH-${String(i + 1).padStart(6, "0")}`;
    const householdId = stableUuid(seed, "household", householdNo);
    // Spread evenly, then let the generator vary the shape: community sizes stay comparable.
    const communityIndex = i % DEMO_COMMUNITIES.length;
    const community = DEMO_COMMUNITIES[communityIndex]!;
    const archetype = rng.weighted(ARCHETYPE_WEIGHTS);
    const specs = memberSpecs(rng, archetype);
    const residenceStatus = pickResidence(rng, archetype);
    const housingSituation = pickHousing(rng, archetype, residenceStatus, specs);
    const row: DemoHouseholdRow = {
      id: householdId,
      householdNo,
      areaCode: community.code,
      address: makeAddress(rng, community.nameZh, housingSituation),
      housingSituation,
      residenceStatus,
      bankAccount: demoBankAccount(seed, householdNo),
    };
    const usedNames = new Set<string>();
    const members = specs.map((spec, n) =>
      makePerson({
        rng,
        today,
        registry,
        spec,
        id: stableUuid(seed, "person", householdNo, n),
        householdId,
        usedNames,
        // Spouses of local households sometimes married in from elsewhere, so their ID differs.
        addressCode:
          residenceStatus === "LOCAL_HUKOU" && !(spec.relation === "SPOUSE" && rng.chance(0.15))
            ? localAddressCode(communityIndex)
            : elsewhereAddressCode(rng),
      }),
    );
    result.push({ row, members, archetype, communityIndex });
  }
  return result;
}

function pickResidence(rng: Prng, archetype: Archetype): ResidenceStatus {
  if (archetype === "NO_FIXED_ABODE_SINGLE") return rng.chance(0.6) ? "NON_RESIDENT" : "LOCAL_HUKOU";
  // Clause 4: residence-permit holders apply where they live, so they appear among applicants.
  return rng.weighted<ResidenceStatus>([
    ["LOCAL_HUKOU", 82],
    ["RESIDENCE_PERMIT", 14],
    ["NON_RESIDENT", 4],
  ]);
}

function pickHousing(
  rng: Prng,
  archetype: Archetype,
  residence: ResidenceStatus,
  specs: readonly MemberSpec[],
): HousingSituation {
  if (archetype === "NO_FIXED_ABODE_SINGLE") return "NO_FIXED_ABODE";
  const head = specs[0]!;
  const institutional =
    (archetype === "ELDERLY_ALONE" && head.age >= 75) ||
    (archetype === "DISABLED_ADULT_ALONE" && head.disability === "LEVEL_1");
  if (institutional && rng.chance(0.25)) return "INSTITUTION";
  if (residence !== "LOCAL_HUKOU") {
    return rng.weighted<HousingSituation>([
      ["RENTED_PRIVATE", 65],
      ["PUBLIC_RENTAL", 15],
      ["OWNED", 12],
      ["OTHER", 8],
    ]);
  }
  return rng.weighted<HousingSituation>([
    ["OWNED", 44],
    ["RENTED_PRIVATE", 18],
    ["PUBLIC_RENTAL", 18],
    ["DILAPIDATED", 10],
    ["OTHER", 6],
  ]);
}

/** Obviously fictional addresses: every street is a 示例 (example) street. */
function makeAddress(rng: Prng, communityNameZh: string, housing: HousingSituation): string {
  const place = communityNameZh.replace("(示例)", "");
  const street = `示例${rng.pick(STREET_PARTS)}${rng.pick(STREET_KINDS)}`;
  const no = rng.int(1, 88);
  switch (housing) {
    case "NO_FIXED_ABODE":
      return `${place} ${street}救助站临时登记点(无固定住所)`;
    case "INSTITUTION":
      return `${place} ${street}${no}号示例颐养中心`;
    case "DILAPIDATED":
      return `${place} ${street}${no}号平房`;
    default:
      return `${place} ${street}${no}号${rng.int(1, 6)}单元${rng.int(1, 18)}0${rng.int(1, 4)}`;
  }
}

const otherSex = (sex: Sex): Sex => (sex === "MALE" ? "FEMALE" : "MALE");
const clampAge = (age: number): number => Math.max(1, Math.min(96, age));

function childCount(rng: Prng): number {
  return rng.weighted([
    [1, 45],
    [2, 40],
    [3, 15],
  ]);
}

/** The members of one household, head first. Ages are whole years on `today`, never below one. */
function memberSpecs(rng: Prng, archetype: Archetype): MemberSpec[] {
  const headSex: Sex = rng.chance(0.5) ? "MALE" : "FEMALE";
  const surname = pickSurname(rng);
  const head = (age: number, extra: Partial<MemberSpec> = {}): MemberSpec => ({
    relation: "HEAD",
    age,
    sex: headSex,
    surname,
    ...extra,
  });
  const spouseOf = (h: MemberSpec): MemberSpec => ({
    relation: "SPOUSE",
    age: clampAge(h.age + rng.int(-4, 4)),
    sex: otherSex(h.sex),
    surname: pickSurname(rng),
  });
  // Children carry the father's surname, as most do; one in ten the mother's.
  const childSurname = (h: MemberSpec, spouse: MemberSpec | undefined): string => {
    const father = h.sex === "MALE" ? h : spouse;
    const mother = h.sex === "FEMALE" ? h : spouse;
    // A single mother's child usually bears the absent father's surname.
    if (!father) return rng.chance(0.7) ? pickSurname(rng) : h.surname;
    if (mother && rng.chance(0.1)) return mother.surname;
    return father.surname;
  };
  const children = (h: MemberSpec, spouse: MemberSpec | undefined, n: number, relation: RelationToHead): MemberSpec[] => {
    const youngestParent = Math.min(h.age, spouse?.age ?? h.age);
    const maxAge = Math.max(1, Math.min(24, youngestParent - 21));
    return Array.from({ length: n }, () => ({
      relation,
      age: rng.int(1, maxAge),
      sex: rng.chance(0.5) ? "MALE" : "FEMALE",
      surname: childSurname(h, spouse),
    }));
  };
  const parentsOf = (h: MemberSpec, n: number): MemberSpec[] => {
    const fatherAge = clampAge(h.age + rng.int(23, 32));
    const list: MemberSpec[] = [];
    if (n >= 2 || rng.chance(0.4)) list.push({ relation: "PARENT", age: fatherAge, sex: "MALE", surname: h.surname });
    if (list.length < n) {
      list.push({ relation: "PARENT", age: clampAge(fatherAge + rng.int(-4, 2)), sex: "FEMALE", surname: pickSurname(rng) });
    }
    return list;
  };

  switch (archetype) {
    case "ELDERLY_ALONE":
      return [head(rng.int(62, 94))];
    case "ELDERLY_COUPLE": {
      const h = head(rng.int(60, 88));
      const s = spouseOf(h);
      return [h, { ...s, age: Math.max(58, s.age) }];
    }
    case "DISABLED_ADULT_ALONE":
      return [head(rng.int(22, 59), { disability: rng.weighted(DISABILITY_LEVELS) })];
    case "SINGLE_PARENT": {
      const h: MemberSpec = { ...head(rng.int(26, 52)), sex: rng.chance(0.7) ? "FEMALE" : "MALE" };
      return [h, ...children(h, undefined, childCount(rng), "CHILD")];
    }
    case "NUCLEAR_FAMILY": {
      const h = head(rng.int(28, 55));
      const s = spouseOf(h);
      return [h, s, ...children(h, s, childCount(rng), "CHILD")];
    }
    case "THREE_GENERATIONS": {
      const h = head(rng.int(30, 52));
      const s = spouseOf(h);
      return [h, s, ...children(h, s, rng.int(1, 2), "CHILD"), ...parentsOf(h, rng.int(1, 2))];
    }
    case "SKIPPED_GENERATION": {
      // Grandparents raising grandchildren whose parents are away or gone (de facto unsupported).
      const h = head(rng.int(58, 76));
      const members: MemberSpec[] = [h];
      if (rng.chance(0.6)) members.push(spouseOf(h));
      const n = rng.int(1, 2);
      for (let k = 0; k < n; k++) {
        members.push({
          relation: "GRANDCHILD",
          age: rng.int(3, 17),
          sex: rng.chance(0.5) ? "MALE" : "FEMALE",
          surname: h.sex === "MALE" && rng.chance(0.6) ? h.surname : pickSurname(rng),
        });
      }
      return members;
    }
    case "ADULT_CARING_FOR_PARENT": {
      const h = head(rng.int(38, 62));
      const members: MemberSpec[] = [h];
      if (rng.chance(0.4)) members.push(spouseOf(h));
      const parent = parentsOf(h, 1)[0]!;
      // Caring for a parent often means caring for a sick one.
      members.push(rng.chance(0.3) ? { ...parent, seriousIllness: true } : parent);
      return members;
    }
    case "ADULT_WITH_DISABLED_SIBLING": {
      const h = head(rng.int(30, 60));
      return [
        h,
        {
          relation: "SIBLING",
          age: clampAge(Math.max(18, h.age + rng.int(-8, 8))),
          sex: rng.chance(0.5) ? "MALE" : "FEMALE",
          surname: h.surname,
          disability: rng.chance(0.5) ? "LEVEL_1" : "LEVEL_2",
        },
      ];
    }
    case "NO_FIXED_ABODE_SINGLE":
      return [{ ...head(rng.int(35, 65)), sex: rng.chance(0.8) ? "MALE" : "FEMALE" }];
  }
}

interface MakePersonOptions {
  readonly rng: Prng;
  readonly today: string;
  readonly registry: Registry;
  readonly spec: MemberSpec;
  readonly id: string;
  readonly householdId: string;
  readonly usedNames: Set<string>;
  readonly addressCode: string;
}

function makePerson(options: MakePersonOptions): DemoPersonRow {
  const { rng, today, registry, spec, usedNames } = options;
  const { age, sex } = spec;
  // A birth date whose completed age on `today` is exactly `age`.
  const birthDate = addDays(addMonths(today, -12 * (age + 1)), rng.int(1, 365));
  const name = makeName(rng, spec.surname, sex, usedNames);
  usedNames.add(name);

  const disabilityLevel: DisabilityLevel =
    spec.disability ??
    (rng.chance(age < 18 ? 0.03 : age < 60 ? 0.06 : 0.12) ? rng.weighted(DISABILITY_LEVELS) : "NONE");
  const seriousIllness = spec.seriousIllness ?? rng.chance(age < 18 ? 0.02 : age < 60 ? 0.06 : 0.13);
  const workAbility = pickWorkAbility(rng, age, disabilityLevel, seriousIllness);
  const studentStatus = pickStudentStatus(rng, age, disabilityLevel);
  const employmentStatus = pickEmployment(rng, age, sex, workAbility, studentStatus);
  const monthlyIncomeFen = pickIncome(rng, age, employmentStatus);
  const phoneChance = age < 18 ? 0 : spec.relation === "HEAD" ? (age >= 80 ? 0.45 : 0.8) : 0.3;
  const phone = rng.chance(phoneChance) ? uniquePhone(rng, registry) : null;

  return {
    id: options.id,
    householdId: options.householdId,
    relationToHead: spec.relation,
    name,
    idNumber: uniqueIdNumber(rng, registry, options.addressCode, birthDate, sex),
    phone,
    birthDate,
    sex,
    disabilityLevel,
    seriousIllness,
    workAbility,
    studentStatus,
    employmentStatus,
    monthlyIncomeFen,
  };
}

function uniqueIdNumber(rng: Prng, registry: Registry, addressCode: string, birthDate: string, sex: Sex): string {
  const birth = birthDate.replaceAll("-", "");
  for (let attempt = 0; attempt < 100; attempt++) {
    // The 17th digit is odd for men and even for women (GB 11643).
    const sequence = rng.int(0, 499) * 2 + (sex === "MALE" ? 1 : 0);
    const first17 = `${addressCode}${birth}${String(sequence).padStart(3, "0")}`;
    const value = first17 + idNumberCheckChar(first17);
    if (!registry.idNumbers.has(value)) {
      registry.idNumbers.add(value);
      return value;
    }
  }
  throw new Error(`could not find an unused ID number for ${addressCode}/${birthDate}`);
}

/** `1740` + seven digits: the 1740 block is reserved (satellite) and never a resident's mobile. */
function uniquePhone(rng: Prng, registry: Registry): string {
  for (let attempt = 0; attempt < 100; attempt++) {
    const value = `1740${String(rng.int(0, 9_999_999)).padStart(7, "0")}`;
    if (!registry.phones.has(value)) {
      registry.phones.add(value);
      return value;
    }
  }
  throw new Error("could not find an unused demo phone number");
}

function pickWorkAbility(rng: Prng, age: number, disability: DisabilityLevel, seriousIllness: boolean): WorkAbility {
  // Minors below the legal working age of 16 and the very old are not assessed as able to work.
  if (age < 16 || age >= 70) return "NONE";
  if (disability === "LEVEL_1" || disability === "LEVEL_2") return "NONE";
  if (seriousIllness) return rng.chance(0.5) ? "NONE" : "PARTIAL";
  if (disability === "LEVEL_3" || disability === "LEVEL_4") return "PARTIAL";
  if (age >= 60) return rng.weighted<WorkAbility>([["FULL", 25], ["PARTIAL", 45], ["NONE", 30]]);
  return rng.chance(0.05) ? "PARTIAL" : "FULL";
}

function pickStudentStatus(rng: Prng, age: number, disability: DisabilityLevel): StudentStatus {
  if (age <= 2) return "NOT_STUDENT";
  if (age <= 5) return rng.chance(0.85) ? "PRESCHOOL" : "NOT_STUDENT";
  // Compulsory education: every child of 6–14 is in school (special education for the disabled).
  if (age <= 11) return "PRIMARY";
  if (age <= 14) return "JUNIOR_SECONDARY";
  if (age <= 17) {
    if (disability === "LEVEL_1") return "NOT_STUDENT";
    return rng.weighted<StudentStatus>([["SENIOR_SECONDARY", 55], ["VOCATIONAL", 35], ["NOT_STUDENT", 10]]);
  }
  if (age <= 22 && disability !== "LEVEL_1" && disability !== "LEVEL_2") return rng.chance(0.45) ? "HIGHER" : "NOT_STUDENT";
  return "NOT_STUDENT";
}

function pickEmployment(rng: Prng, age: number, sex: Sex, work: WorkAbility, student: StudentStatus): EmploymentStatus {
  if (age < 16 || student !== "NOT_STUDENT") return "NOT_IN_LABOUR_FORCE";
  // Statutory retirement ages (men 60, women 55): some draw an employee pension, others never had one.
  const retirementAge = sex === "MALE" ? 60 : 55;
  if (age >= retirementAge) return rng.chance(0.45) ? "RETIRED" : "NOT_IN_LABOUR_FORCE";
  if (work === "NONE") return "NOT_IN_LABOUR_FORCE";
  if (work === "PARTIAL") {
    return rng.weighted<EmploymentStatus>([
      ["EMPLOYED", 10],
      ["FLEXIBLE", 35],
      ["UNEMPLOYED", 30],
      ["PUBLIC_WELFARE_POST", 15],
      ["NOT_IN_LABOUR_FORCE", 10],
    ]);
  }
  return rng.weighted<EmploymentStatus>([
    ["EMPLOYED", 30],
    ["FLEXIBLE", 35],
    ["UNEMPLOYED", 25],
    ["PUBLIC_WELFARE_POST", 6],
    ["NOT_IN_LABOUR_FORCE", 4],
  ]);
}

/** Monthly income in fen, rounded to whole yuan (or tens of yuan for wages). */
function pickIncome(rng: Prng, age: number, employment: EmploymentStatus): number {
  const yuan = (min: number, max: number, step = 10): number => Math.round(rng.int(min, max) / step) * step * 100;
  switch (employment) {
    case "EMPLOYED":
      return yuan(2_000, 4_200);
    case "FLEXIBLE":
      return yuan(500, 2_400);
    case "PUBLIC_WELFARE_POST":
      // Public-welfare posts pay the local minimum wage.
      return 200_000;
    case "RETIRED":
      return yuan(1_600, 3_600);
    case "UNEMPLOYED":
      return 0;
    case "NOT_IN_LABOUR_FORCE":
      // Urban-rural residents' basic pension for the elderly without an employee pension.
      return age >= 60 ? yuan(160, 260, 1) : 0;
  }
}

/**
 * A payee account for about two households in three, derived from the household number so the
 * rest of the generation draws the same random numbers. The 999 prefix is no bank's.
 */
function demoBankAccount(seed: number, householdNo: string): string | null {
  const digest = createHash("sha256").update(`${seed}:bank:${householdNo}`).digest();
  if (digest[0]! % 3 === 0) return null;
  const digits = Array.from(digest.subarray(1, 17), (b) => String(b % 10)).join("");
  return `999${digits}`;
}
