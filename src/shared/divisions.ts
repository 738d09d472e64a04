// The division register (行政区划): 12-digit statistical division codes of the areas the hub serves,
// with their names. The demo district's entries are fictional ("(示例)"); a deployment extends the
// register with its own. Masked addresses show the community's name from here, never the street.

export interface Division {
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly level: "DISTRICT" | "SUBDISTRICT" | "COMMUNITY";
}

export const DEMO_DISTRICT_CODE = "130104000000";

export const DIVISIONS: readonly Division[] = Object.freeze([
  { code: DEMO_DISTRICT_CODE, nameZh: "桥西区(示例)", nameEn: "Qiaoxi District (demo)", level: "DISTRICT" },
  { code: "130104001000", nameZh: "东风街道(示例)", nameEn: "Dongfeng Subdistrict (demo)", level: "SUBDISTRICT" },
  { code: "130104002000", nameZh: "和平街道(示例)", nameEn: "Heping Subdistrict (demo)", level: "SUBDISTRICT" },
  { code: "130104001001", nameZh: "东风街道第一社区(示例)", nameEn: "Dongfeng Community 1 (demo)", level: "COMMUNITY" },
  { code: "130104001002", nameZh: "东风街道第二社区(示例)", nameEn: "Dongfeng Community 2 (demo)", level: "COMMUNITY" },
  { code: "130104001003", nameZh: "东风街道第三社区(示例)", nameEn: "Dongfeng Community 3 (demo)", level: "COMMUNITY" },
  { code: "130104002001", nameZh: "和平街道第一社区(示例)", nameEn: "Heping Community 1 (demo)", level: "COMMUNITY" },
  { code: "130104002002", nameZh: "和平街道第二社区(示例)", nameEn: "Heping Community 2 (demo)", level: "COMMUNITY" },
  { code: "130104002003", nameZh: "和平街道第三社区(示例)", nameEn: "Heping Community 3 (demo)", level: "COMMUNITY" },
] as const satisfies readonly Division[]);

const BY_CODE = new Map(DIVISIONS.map((d) => [d.code, d]));

export function findDivision(code: string): Division | undefined {
  return BY_CODE.get(code);
}
