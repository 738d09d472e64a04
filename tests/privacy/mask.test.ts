import { describe, expect, it } from "vitest";
import { maskAddress, maskBirthDate, maskIdNumber, maskMoneyFen, maskName, maskPhone } from "../../src/privacy/mask.js";
import { areaAncestors, areaContains, areaPrefix } from "../../src/shared/area.js";
import { fenToYuan, yuanToFen } from "../../src/shared/money.js";

describe("masked forms", () => {
  it("keeps the surname and stars the given name", () => {
    expect(maskName("张三丰")).toBe("张**");
    expect(maskName("李四")).toBe("李*");
    expect(maskName("王")).toBe("*");
  });

  it("keeps the address code and the last four of an ID number", () => {
    expect(maskIdNumber("13990119900101123X")).toBe("139901********123X");
  });

  it("keeps the first three and last four digits of a phone", () => {
    expect(maskPhone("17400001234")).toBe("174****1234");
  });

  it("keeps only the year of a birth date and the community part of an address", () => {
    expect(maskBirthDate("1990-05-17")).toBe("1990-**-**");
    expect(maskAddress("东风街道第一社区 示例路12号")).toBe("东风街道第一社区***");
  });

  it("rounds money down to a 500-yuan band", () => {
    expect(maskMoneyFen(123_456)).toBe(100_000);
    expect(maskMoneyFen(49_999)).toBe(0);
  });
});

describe("area codes", () => {
  it("reduces a code to the prefix of its level", () => {
    expect(areaPrefix("130104000000")).toBe("130104");
    expect(areaPrefix("130104001000")).toBe("130104001");
    expect(areaPrefix("130104001002")).toBe("130104001002");
    expect(areaPrefix("130000000000")).toBe("13");
  });

  it("contains codes below it and not its siblings", () => {
    expect(areaContains("130104001000", "130104001003")).toBe(true);
    expect(areaContains("130104001000", "130104002001")).toBe(false);
  });

  it("lists the enclosing areas of a code", () => {
    expect(areaAncestors("130104001002")).toEqual([
      "130000000000",
      "130100000000",
      "130104000000",
      "130104001000",
      "130104001002",
    ]);
  });

  it("rejects codes that are not 12 digits", () => {
    expect(() => areaPrefix("1301")).toThrow(TypeError);
  });
});

describe("money", () => {
  it("formats fen as yuan with two decimals", () => {
    expect(fenToYuan(123_450)).toBe("1234.50");
    expect(fenToYuan(5)).toBe("0.05");
    expect(fenToYuan(-250)).toBe("-2.50");
  });

  it("parses yuan strings and numbers exactly", () => {
    expect(yuanToFen("1234.5")).toBe(123_450);
    expect(yuanToFen("0.07")).toBe(7);
    expect(yuanToFen(19.99)).toBe(1999);
    expect(yuanToFen("12.345")).toBeNull();
    expect(yuanToFen("abc")).toBeNull();
    expect(yuanToFen(0.001)).toBeNull();
  });
});
