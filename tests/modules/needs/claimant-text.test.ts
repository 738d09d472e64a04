import { describe, expect, it } from "vitest";
import { assertClaimantText, personalDataIn } from "../../../src/modules/needs/index.js";

// The claimant-facing text of a need is read by charities before consent (clause 18 matching):
// the write-time rule, as a table.

const MEMBERS = ["示例甲", "欧阳示乙"];

describe("claimant-facing text", () => {
  it.each([
    ["a plain summary", "医疗费用资助", null],
    ["a summary with an amount", "缺口约三千元的助学资助", null],
    ["an 18-character ID number", "请联系139901198001011236核实", "ID_NUMBER"],
    ["an ID number ending in X, spaced", "身份证 139901 19800101 123X", "ID_NUMBER"],
    ["a 15-digit old-style ID number", "号码139901800101123", "ID_NUMBER"],
    ["a mobile number", "电话17400001234", "PHONE"],
    ["a mobile number with +86 and dashes", "+86 174-0000-1234", "PHONE"],
    ["a member's name", "示例甲家需要轮椅", "MEMBER_NAME"],
    ["a member's name split by a space", "欧阳 示乙的助学申请", "MEMBER_NAME"],
    ["a short number that is neither", "第12号楼", null],
  ] as const)("%s", (_case, text, found) => {
    expect(personalDataIn(text, MEMBERS)).toBe(found);
  });

  it("refuses with PERSONAL_DATA_IN_TEXT, naming the kind of data and the field, never the value", () => {
    let thrown: unknown;
    try {
      assertClaimantText("电话17400001234", { field: "input.title", memberNames: MEMBERS });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({
      code: "BAD_USER_INPUT",
      reason: "PERSONAL_DATA_IN_TEXT",
      message: "input.title is read by charities before consent and must not hold a phone-like number",
      details: { field: "input.title", found: "PHONE" },
    });
    expect(String((thrown as Error).message)).not.toContain("17400001234");
    expect(() => assertClaimantText("医疗费用资助", { field: "input.title", memberNames: MEMBERS })).not.toThrow();
  });
});
