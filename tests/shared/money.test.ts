import { describe, expect, it } from "vitest";
import { fenToYuan, yuanToFen } from "../../src/shared/money.js";

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
