import { describe, expect, it } from "vitest";
import { maskAddress, maskBirthDate, maskIdNumber, maskMoneyFen, maskName, maskPhone } from "../../src/privacy/mask.js";

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
