import { describe, expect, it } from "vitest";
import { idNumberCheckChar, parseIdNumber } from "../../src/shared/id-number.js";

describe("resident ID numbers (GB 11643)", () => {
  const first17 = "13999919800101123";
  const valid = first17 + idNumberCheckChar(first17);

  it("accepts a number whose check character matches and derives birth date and sex", () => {
    const parsed = parseIdNumber(valid);
    expect(parsed).toEqual({
      ok: true,
      value: { value: valid, addressCode: "139999", birthDate: "1980-01-01", sex: "MALE" },
    });
  });

  it("computes the published example's check character", () => {
    // The standard's worked example: 11010519491231002X.
    expect(idNumberCheckChar("11010519491231002")).toBe("X");
  });

  it("rejects a wrong check character, an impossible date and a bad shape", () => {
    const wrong = first17 + (valid.endsWith("0") ? "1" : "0");
    expect(parseIdNumber(wrong)).toEqual({ ok: false, problem: "CHECKSUM" });
    expect(parseIdNumber("139999" + "19800230" + "123" + "0")).toEqual({ ok: false, problem: "BIRTH_DATE" });
    expect(parseIdNumber("12345")).toEqual({ ok: false, problem: "FORMAT" });
    expect(parseIdNumber("13999919800101123Y")).toEqual({ ok: false, problem: "FORMAT" });
  });

  it("rejects a birth date in the future", () => {
    const f17 = "13999920991231001";
    expect(parseIdNumber(f17 + idNumberCheckChar(f17), new Date("2026-01-01"))).toEqual({
      ok: false,
      problem: "BIRTH_DATE",
    });
  });
});
