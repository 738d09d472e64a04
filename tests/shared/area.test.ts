import { describe, expect, it } from "vitest";
import { areaAncestors, areaContains, areaPrefix } from "../../src/shared/area.js";

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
