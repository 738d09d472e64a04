import type { OrgKind, Role } from "../modules/organizations/organizations.enums.js";
import { ROLES_BY_ORG_KIND } from "../modules/organizations/organizations.enums.js";
import { DEMO_DISTRICT_CODE, DIVISIONS } from "../shared/divisions.js";

// The demo district's organizations: every kind of DESIGN §1. Codes and issuers are stable so
// that `npm run token` (which never opens the database) mints tokens the hub accepts.

export const DEMO_DISTRICT = DEMO_DISTRICT_CODE;

/** Dev token issuers. Government bodies share the government identity provider; each charity,
 * volunteer organization and agency has its own, so none can speak for another (issuer binding). */
export const DEV_ISSUERS = {
  government: "urn:qiaoxi-hub:dev:gov-idp",
  residentApp: "urn:qiaoxi-hub:dev:resident-app",
  org: (code: string) => `urn:qiaoxi-hub:dev:org-idp:${code.toLowerCase()}`,
} as const;

export interface DemoOrganization {
  readonly code: string;
  readonly kind: OrgKind;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly jurisdictionAreaCode: string;
  readonly issuer: string;
  readonly roles: readonly Role[];
}

const gov = (code: string, kind: OrgKind, nameZh: string, nameEn: string, area = DEMO_DISTRICT): DemoOrganization => ({
  code,
  kind,
  nameZh,
  nameEn,
  jurisdictionAreaCode: area,
  issuer: DEV_ISSUERS.government,
  roles: ROLES_BY_ORG_KIND[kind],
});

const social = (code: string, kind: OrgKind, nameZh: string, nameEn: string): DemoOrganization => ({
  code,
  kind,
  nameZh,
  nameEn,
  jurisdictionAreaCode: DEMO_DISTRICT,
  issuer: DEV_ISSUERS.org(code),
  roles: ROLES_BY_ORG_KIND[kind],
});

const pick = (level: "SUBDISTRICT" | "COMMUNITY") =>
  DIVISIONS.filter((d) => d.level === level).map(({ code, nameZh, nameEn }) => ({ code, nameZh, nameEn }));

/** The demo district's subdistricts and communities, from the division register. */
export const DEMO_SUBDISTRICTS = pick("SUBDISTRICT");
export const DEMO_COMMUNITIES = pick("COMMUNITY");

export const DEMO_ORGANIZATIONS: readonly DemoOrganization[] = [
  gov("QX-MZJ", "CIVIL_AFFAIRS", "桥西区民政局(示例)", "District Civil Affairs Bureau (demo)"),
  gov("QX-JD-DF", "SUBDISTRICT", DEMO_SUBDISTRICTS[0]!.nameZh, DEMO_SUBDISTRICTS[0]!.nameEn, DEMO_SUBDISTRICTS[0]!.code),
  gov("QX-JD-HP", "SUBDISTRICT", DEMO_SUBDISTRICTS[1]!.nameZh, DEMO_SUBDISTRICTS[1]!.nameEn, DEMO_SUBDISTRICTS[1]!.code),
  ...DEMO_COMMUNITIES.map((c) =>
    gov(`QX-SQ-${c.code.slice(6, 9)}-${c.code.slice(9)}`, "COMMUNITY", c.nameZh, c.nameEn, c.code),
  ),
  gov("QX-YBJ", "HEALTHCARE_SECURITY", "桥西区医疗保障局(示例)", "District Healthcare Security Bureau (demo)"),
  gov("QX-WJJ", "HEALTH", "桥西区卫生健康局(示例)", "District Health Commission (demo)"),
  gov("QX-JYJ", "EDUCATION", "桥西区教育局(示例)", "District Education Bureau (demo)"),
  gov("QX-ZJJ", "HOUSING", "桥西区住房城乡建设局(示例)", "District Housing Bureau (demo)"),
  gov("QX-RSJ", "HUMAN_RESOURCES", "桥西区人力资源社会保障局(示例)", "District Human Resources Bureau (demo)"),
  gov("QX-YJJ", "EMERGENCY_MANAGEMENT", "桥西区应急管理局(示例)", "District Emergency Management Bureau (demo)"),
  gov("QX-FY", "COURT", "桥西区人民法院(示例)", "District People's Court (demo)"),
  gov("QX-SFJ", "JUSTICE", "桥西区司法局(示例)", "District Justice Bureau (demo)"),
  gov("QX-CZJ", "FINANCE", "桥西区财政局(示例)", "District Finance Bureau (demo)"),
  social("CH-ANKANG", "CHARITY", "安康慈善基金会(虚构)", "Ankang Charitable Foundation (fictional)"),
  social("CH-CHUNHUI", "CHARITY", "春晖公益慈善会(虚构)", "Chunhui Charity Association (fictional)"),
  social("VO-QINGYUAN", "VOLUNTEER_ORG", "青源志愿服务队(虚构)", "Qingyuan Volunteer Corps (fictional)"),
  social("SW-HENGXIN", "SOCIAL_WORK_AGENCY", "恒信社会工作服务中心(虚构)", "Hengxin Social Work Centre (fictional)"),
  social("SW-MINGDE", "SOCIAL_WORK_AGENCY", "明德社工事务所(虚构)", "Mingde Social Work Office (fictional)"),
  {
    code: "QX-RESIDENT",
    kind: "RESIDENT",
    nameZh: "居民自助服务(示例)",
    nameEn: "Household self-service (demo)",
    jurisdictionAreaCode: DEMO_DISTRICT,
    issuer: DEV_ISSUERS.residentApp,
    roles: ROLES_BY_ORG_KIND.RESIDENT,
  },
];

export function findDemoOrganization(code: string): DemoOrganization | undefined {
  return DEMO_ORGANIZATIONS.find((o) => o.code === code);
}
