import { describe, expect, it } from "vitest";
import { maskAddress, maskBirthDate, maskIdNumber, maskMoneyFen, maskName, maskPhone } from "../../src/privacy/mask.js";

describe("masked forms", () => {
  it("keeps the surname and a fixed-length mask, so a name's length is not shown", () => {
    expect(maskName("张三丰")).toBe("张**");
    expect(maskName("李四")).toBe("李**");
    expect(maskName("欧阳春晓")).toBe("欧**");
    expect(maskName("王")).toBe("**");
  });

  it("keeps only the address code of an ID number: no birth digit, sequence or check character", () => {
    expect(maskIdNumber("13990119900101123X")).toBe("139901************");
    expect(maskIdNumber("139901199001011234")).toBe("139901************");
    expect(maskIdNumber("12345")).toBe("******************");
  });

  it("keeps the first three and last four digits of a phone", () => {
    expect(maskPhone("17400001234")).toBe("174****1234");
  });

  it("keeps only the year of a birth date", () => {
    expect(maskBirthDate("1990-05-17")).toBe("1990-**-**");
  });

  it("shows an address as its community's registered name, whatever the street says", () => {
    expect(maskAddress("东风街道第一社区 示例路12号", "130104001001")).toBe("东风街道第一社区(示例)***");
    // No space before the street: the old mask kept "和平街道示例南巷"; the street never survives now.
    expect(maskAddress("和平街道示例南巷12号3单元101", "130104002003")).toBe("和平街道第三社区(示例)***");
    expect(maskAddress("某地示例路1号", "130104009009")).toBe("***");
  });

  it("rounds money down to a 500-yuan band", () => {
    expect(maskMoneyFen(123_456)).toBe(100_000);
    expect(maskMoneyFen(49_999)).toBe(0);
  });
});
