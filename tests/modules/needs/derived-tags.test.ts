import { describe, expect, it } from "vitest";
import { BeneficiaryTag } from "../../../src/modules/needs/needs.enums.js";
import { ageOn, derivedTags, type TagHousehold, type TagMember } from "../../../src/modules/needs/needs.tags.js";

const adult: TagMember = { birthDate: "1980-06-15", disabilityLevel: "NONE", seriousIllness: false, workAbility: "FULL", studentStatus: "NOT_STUDENT", employmentStatus: "EMPLOYED" };
const home = (members: TagMember[], patch: Partial<TagHousehold> = {}): TagHousehold => ({ residenceStatus: "LOCAL_HUKOU", members, approvedAssistance: [], ...patch });
const TODAY = "2026-12-02";

describe("tags the hub derives from a household's records", () => {
  it("counts whole years: a birthday today counts, tomorrow does not", () => {
    expect(ageOn("1966-12-02", TODAY)).toBe(60);
    expect(ageOn("1966-12-03", TODAY)).toBe(59);
    expect(ageOn("2008-12-03", TODAY)).toBe(17);
  });

  it.each<[string, TagHousehold, string[]]>([
    ["two working adults: none", home([adult, adult]), []],
    ["one person: living alone", home([adult]), ["living-alone"]],
    ["a member turning 60 today: elderly", home([adult, { ...adult, birthDate: "1966-12-02" }]), ["elderly"]],
    ["a member of 17: child (and a student)", home([adult, { ...adult, birthDate: "2009-01-01", studentStatus: "SENIOR_SECONDARY", employmentStatus: "NOT_IN_LABOUR_FORCE" }]), ["child", "student"]],
    ["a certified disability and a serious illness", home([adult, { ...adult, disabilityLevel: "LEVEL_2", seriousIllness: true }]), ["disability", "serious-illness"]],
    ["unemployed and able: unemployed; unable to work: not", home([{ ...adult, employmentStatus: "UNEMPLOYED" }, { ...adult, employmentStatus: "UNEMPLOYED", workAbility: "NONE" }]), ["unemployed"]],
    ["approved assistance: its tags", home([adult, adult], { approvedAssistance: ["MINIMUM_LIVING", "DISASTER_RELIEF", "MEDICAL"] }), ["minimum-living", "disaster-affected"]],
    ["a residence permit", home([adult, adult], { residenceStatus: "RESIDENCE_PERMIT" }), ["residence-permit"]],
  ])("%s", (_name, household, expected) => {
    expect(derivedTags(household, TODAY, BeneficiaryTag.values)).toEqual(expected);
  });

  it("answers in vocabulary order, each tag once", () => {
    const everything = home([{ ...adult, birthDate: "1950-01-01", disabilityLevel: "LEVEL_1" }], { approvedAssistance: ["EXTREME_POVERTY", "EXTREME_POVERTY", "LOW_INCOME"], residenceStatus: "RESIDENCE_PERMIT" });
    const tags = derivedTags(everything, TODAY, BeneficiaryTag.values);
    expect(tags).toEqual(BeneficiaryTag.values.filter((t) => tags.includes(t)));
    expect(new Set(tags).size).toBe(tags.length);
    expect(tags).toEqual(["elderly", "living-alone", "disability", "extreme-poverty", "low-income", "residence-permit"]);
  });
});
