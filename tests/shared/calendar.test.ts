import { describe, expect, it } from "vitest";
import { addDays, dateOrThrow, daysBetween, districtDate } from "../../src/shared/calendar.js";

describe("district calendar", () => {
  it("dates by China Standard Time, whatever the server's zone", () => {
    expect(districtDate(new Date("2026-12-01T15:59:59Z"))).toBe("2026-12-01");
    expect(districtDate(new Date("2026-12-01T16:00:00Z"))).toBe("2026-12-02");
  });

  it("adds and counts days across months and leap days", () => {
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2027-02-28", 1)).toBe("2027-03-01");
    expect(addDays("2027-01-01", -1)).toBe("2026-12-31");
    expect(daysBetween("2026-12-31", "2027-01-02")).toBe(2);
    expect(daysBetween("2027-01-02", "2026-12-31")).toBe(-2);
  });

  it("accepts only dates that exist", () => {
    expect(dateOrThrow(" 2028-02-29 ", "d")).toBe("2028-02-29");
    for (const bad of ["2027-02-29", "2027-13-01", "2027-1-1", "20270101", "1899-12-31", "2027-02-30T00:00:00Z", ""]) {
      expect(() => dateOrThrow(bad, "input.d"), bad).toThrow(/input\.d must be a calendar date/);
    }
  });
});
