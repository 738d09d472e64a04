import type { NeedCategory } from "../modules/needs/needs.enums.js";
import type { ResourceKind, ResourceStatus } from "../modules/resources/resources.enums.js";
import { addDays, addMonths, yearOf } from "./calendar.js";
import type { OrgDirectory } from "./directory.js";
import type { DemoResourceRow, DemoTag } from "./model.js";
import { DEMO_DISTRICT, DEMO_SUBDISTRICTS } from "./organizations.js";
import { stableUuid } from "./prng.js";

// The district's resources: charity projects, volunteer services, government-purchased social
// work, government programmes and public-welfare posts. Like the organizations they are fixed
// institutions rather than random population, so they depend only on `today` (for their dates),
// never on the seed; every name is marked 虚构 (fictional) or 示例 (example).

type Window = "year" | "heating-season" | "school-year" | "open-ended" | "last-year" | "next-month";

interface ResourceTemplate {
  readonly owner: string;
  readonly kind: ResourceKind;
  readonly name: string;
  readonly description: string;
  readonly categories: readonly NeedCategory[];
  /** Area codes served: the whole district or one or both subdistricts. */
  readonly areas: readonly string[];
  readonly tags: readonly DemoTag[];
  readonly slots: number | null;
  readonly budgetYuan: number | null;
  readonly capYuan: number | null;
  readonly window: Window;
  readonly status: ResourceStatus;
}

const DISTRICT = [DEMO_DISTRICT];
const DONGFENG = [DEMO_SUBDISTRICTS[0]!.code];
const HEPING = [DEMO_SUBDISTRICTS[1]!.code];

const TEMPLATES: readonly ResourceTemplate[] = [
  // Charities (clause 18): projects that claim matched needs.
  {
    owner: "CH-ANKANG", kind: "CHARITY_PROJECT", name: "安康助学计划(虚构项目)",
    description: "资助低保、低收入家庭在校学生的学杂费和学习用品。",
    categories: ["EDUCATION"], areas: DISTRICT, tags: ["student", "minimum-living", "low-income"],
    slots: 60, budgetYuan: 300_000, capYuan: 5_000, window: "school-year", status: "ACTIVE",
  },
  {
    owner: "CH-ANKANG", kind: "CHARITY_PROJECT", name: "安康大病援助金(虚构项目)",
    description: "在基本医保、大病保险和医疗救助之后,对仍有较大自付费用的大病患者给予援助。",
    categories: ["MEDICAL"], areas: DISTRICT, tags: ["serious-illness"],
    slots: 30, budgetYuan: 600_000, capYuan: 30_000, window: "year", status: "ACTIVE",
  },
  {
    owner: "CH-ANKANG", kind: "CHARITY_PROJECT", name: "安康冬暖行动(虚构项目)",
    description: "供暖季为困难老人和特困人员提供取暖补助和御寒物资。",
    categories: ["HEATING", "BASIC_LIVING"], areas: DISTRICT,
    tags: ["elderly", "living-alone", "extreme-poverty", "minimum-living"],
    slots: 150, budgetYuan: 225_000, capYuan: 1_500, window: "heating-season", status: "ACTIVE",
  },
  {
    owner: "CH-ANKANG", kind: "CHARITY_PROJECT", name: "安康助残辅具捐赠(虚构项目)",
    description: "为困难残疾人适配轮椅、助行器等辅助器具。",
    categories: ["REHABILITATION"], areas: DISTRICT, tags: ["disability"],
    slots: 40, budgetYuan: 240_000, capYuan: 8_000, window: "year", status: "ACTIVE",
  },
  {
    owner: "CH-ANKANG", kind: "CHARITY_PROJECT", name: "安康急难援助(上一年度,虚构项目)",
    description: "上一年度的急难援助项目,已结项。",
    categories: ["BASIC_LIVING", "DISASTER_RELIEF"], areas: DISTRICT, tags: [],
    slots: 80, budgetYuan: 160_000, capYuan: 2_000, window: "last-year", status: "CLOSED",
  },
  {
    owner: "CH-CHUNHUI", kind: "CHARITY_PROJECT", name: "春晖困境儿童关爱(虚构项目)",
    description: "为困境儿童提供学习用品、课后陪伴和心理关爱。",
    categories: ["CHILD_PROTECTION", "PSYCHOLOGICAL", "EDUCATION"], areas: DISTRICT,
    tags: ["children-in-difficulty", "child"],
    slots: 50, budgetYuan: 200_000, capYuan: 4_000, window: "year", status: "ACTIVE",
  },
  {
    owner: "CH-CHUNHUI", kind: "CHARITY_PROJECT", name: "春晖安居修缮(虚构项目)",
    description: "为居住危房、漏水房的困难家庭修缮加固住房。",
    categories: ["HOUSING"], areas: DISTRICT, tags: ["minimum-living", "extreme-poverty", "low-income", "elderly"],
    slots: 15, budgetYuan: 300_000, capYuan: 20_000, window: "year", status: "ACTIVE",
  },
  {
    owner: "CH-CHUNHUI", kind: "CHARITY_PROJECT", name: "春晖急难救助金(虚构项目)",
    description: "对突发困难的家庭在政府救助之外给予补充救助。",
    categories: ["BASIC_LIVING", "DISASTER_RELIEF", "MEDICAL"], areas: DISTRICT,
    tags: ["disaster-affected", "minimum-living", "low-income"],
    slots: 100, budgetYuan: 200_000, capYuan: 3_000, window: "year", status: "ACTIVE",
  },
  {
    owner: "CH-CHUNHUI", kind: "CHARITY_PROJECT", name: "春晖圆梦大学(虚构项目)",
    description: "资助困难家庭的大学新生,筹备中。",
    categories: ["EDUCATION"], areas: DISTRICT, tags: ["student", "minimum-living", "low-income"],
    slots: 20, budgetYuan: 160_000, capYuan: 8_000, window: "next-month", status: "DRAFT",
  },
  // Volunteers (clause 19).
  {
    owner: "VO-QINGYUAN", kind: "VOLUNTEER_SERVICE", name: "青源助老陪伴探访(虚构)",
    description: "志愿者每周探访独居、高龄老人,陪伴聊天、代购代办。",
    categories: ["CARE_SERVICE", "PSYCHOLOGICAL"], areas: DONGFENG, tags: ["elderly", "living-alone"],
    slots: 80, budgetYuan: null, capYuan: null, window: "open-ended", status: "ACTIVE",
  },
  {
    owner: "VO-QINGYUAN", kind: "VOLUNTEER_SERVICE", name: "青源四点半课堂(虚构)",
    description: "放学后为困境儿童提供课业辅导和看护。",
    categories: ["CHILD_PROTECTION", "EDUCATION"], areas: HEPING, tags: ["child", "student", "children-in-difficulty"],
    slots: 40, budgetYuan: null, capYuan: null, window: "school-year", status: "ACTIVE",
  },
  {
    owner: "VO-QINGYUAN", kind: "VOLUNTEER_SERVICE", name: "青源志愿法律咨询(虚构)",
    description: "志愿律师每月驻社区提供免费法律咨询。",
    categories: ["LEGAL"], areas: DISTRICT, tags: [],
    slots: 60, budgetYuan: null, capYuan: null, window: "open-ended", status: "ACTIVE",
  },
  {
    owner: "VO-QINGYUAN", kind: "VOLUNTEER_SERVICE", name: "青源便民维修(虚构)",
    description: "志愿者为困难老人维修小家电、疏通管道;人手调整中,暂停接单。",
    categories: ["OTHER", "HOUSING"], areas: DONGFENG, tags: ["elderly"],
    slots: 30, budgetYuan: null, capYuan: null, window: "open-ended", status: "PAUSED",
  },
  // Government-purchased social-work services (clause 20), one agency per subdistrict.
  {
    owner: "SW-HENGXIN", kind: "PURCHASED_SERVICE", name: "特困人员居家照料服务(政府购买,示例)",
    description: "为分散供养特困人员提供上门照料、助餐助洁服务。",
    categories: ["CARE_SERVICE"], areas: DONGFENG, tags: ["extreme-poverty", "elderly", "disability"],
    slots: 60, budgetYuan: 480_000, capYuan: 8_000, window: "year", status: "ACTIVE",
  },
  {
    owner: "SW-HENGXIN", kind: "PURCHASED_SERVICE", name: "困难家庭心理支持服务(政府购买,示例)",
    description: "为低保家庭和困境儿童家庭提供个案辅导和小组支持。",
    categories: ["PSYCHOLOGICAL"], areas: DONGFENG, tags: ["minimum-living", "children-in-difficulty"],
    slots: 40, budgetYuan: 160_000, capYuan: 4_000, window: "year", status: "ACTIVE",
  },
  {
    owner: "SW-HENGXIN", kind: "PURCHASED_SERVICE", name: "残疾人康复入户服务(政府购买,示例)",
    description: "康复师和社工入户开展康复训练指导。",
    categories: ["REHABILITATION", "CARE_SERVICE"], areas: DONGFENG, tags: ["disability"],
    slots: 30, budgetYuan: 180_000, capYuan: 6_000, window: "year", status: "ACTIVE",
  },
  {
    owner: "SW-MINGDE", kind: "PURCHASED_SERVICE", name: "困境儿童个案管理服务(政府购买,示例)",
    description: "为困境儿童建立个案,链接监护、教育和关爱资源。",
    categories: ["CHILD_PROTECTION", "PSYCHOLOGICAL"], areas: HEPING, tags: ["children-in-difficulty", "child"],
    slots: 40, budgetYuan: 240_000, capYuan: 6_000, window: "year", status: "ACTIVE",
  },
  {
    owner: "SW-MINGDE", kind: "PURCHASED_SERVICE", name: "高龄独居老人探访服务(政府购买,示例)",
    description: "社工定期探访高龄、独居老人,评估照护需求并转介服务。",
    categories: ["CARE_SERVICE"], areas: HEPING, tags: ["elderly", "living-alone"],
    slots: 70, budgetYuan: 210_000, capYuan: 3_000, window: "year", status: "ACTIVE",
  },
  // Government programmes and posts, owned by the bureaus of their remit.
  {
    owner: "QX-MZJ", kind: "GOVERNMENT_PROGRAM", name: "临时救助备用金(先行救助,示例)",
    description: "急难情形下由街道先行救助、事后说明的临时救助资金(第十五条)。",
    categories: ["BASIC_LIVING"], areas: DISTRICT, tags: [],
    slots: null, budgetYuan: 2_000_000, capYuan: 5_000, window: "open-ended", status: "ACTIVE",
  },
  {
    owner: "QX-MZJ", kind: "GOVERNMENT_PROGRAM", name: "困难群众取暖救助(示例)",
    description: "供暖季对低保、特困家庭发放取暖补助。",
    categories: ["HEATING"], areas: DISTRICT, tags: ["minimum-living", "extreme-poverty"],
    slots: null, budgetYuan: 900_000, capYuan: 1_800, window: "heating-season", status: "ACTIVE",
  },
  {
    owner: "QX-YBJ", kind: "GOVERNMENT_PROGRAM", name: "医疗救助(示例)",
    description: "对救助对象经基本医保、大病保险报销后的政策范围内自付费用给予救助。",
    categories: ["MEDICAL"], areas: DISTRICT, tags: ["minimum-living", "extreme-poverty", "low-income", "serious-illness"],
    slots: null, budgetYuan: 5_000_000, capYuan: 50_000, window: "year", status: "ACTIVE",
  },
  {
    owner: "QX-JYJ", kind: "GOVERNMENT_PROGRAM", name: "家庭经济困难学生资助(示例)",
    description: "按学段为困难家庭学生减免费用、发放助学金。",
    categories: ["EDUCATION"], areas: DISTRICT, tags: ["student", "minimum-living", "extreme-poverty", "low-income"],
    slots: null, budgetYuan: 1_500_000, capYuan: 6_000, window: "school-year", status: "ACTIVE",
  },
  {
    owner: "QX-ZJJ", kind: "GOVERNMENT_PROGRAM", name: "危房改造与租赁补贴(示例)",
    description: "对住房困难的救助对象实施危房改造或发放租赁补贴。",
    categories: ["HOUSING"], areas: DISTRICT, tags: ["minimum-living", "extreme-poverty", "low-income"],
    slots: 40, budgetYuan: 1_200_000, capYuan: 30_000, window: "year", status: "ACTIVE",
  },
  {
    owner: "QX-YJJ", kind: "GOVERNMENT_PROGRAM", name: "受灾人员冬春生活救助(示例)",
    description: "对受灾后生活困难的家庭给予冬春生活救助。",
    categories: ["DISASTER_RELIEF", "BASIC_LIVING", "HEATING"], areas: DISTRICT, tags: ["disaster-affected"],
    slots: null, budgetYuan: 600_000, capYuan: 4_000, window: "heating-season", status: "ACTIVE",
  },
  {
    owner: "QX-SFJ", kind: "GOVERNMENT_PROGRAM", name: "法律援助(免于经济状况审查,示例)",
    description: "救助对象申请法律援助免予经济困难审查(第十四条)。",
    categories: ["LEGAL"], areas: DISTRICT, tags: ["minimum-living", "extreme-poverty", "low-income"],
    slots: null, budgetYuan: null, capYuan: null, window: "open-ended", status: "ACTIVE",
  },
  {
    owner: "QX-RSJ", kind: "GOVERNMENT_PROGRAM", name: "就业困难人员技能培训(示例)",
    description: "为救助家庭中有劳动能力的失业人员提供免费技能培训和岗位推荐。",
    categories: ["EMPLOYMENT"], areas: DISTRICT, tags: ["unemployed", "minimum-living", "low-income"],
    slots: 120, budgetYuan: 360_000, capYuan: 3_000, window: "year", status: "ACTIVE",
  },
  {
    owner: "QX-RSJ", kind: "PUBLIC_WELFARE_POST", name: "东风街道社区公益性岗位(示例)",
    description: "社区保洁、治安巡防、助老服务等公益性岗位,优先安置低保家庭就业困难人员(第十二条)。",
    categories: ["EMPLOYMENT"], areas: DONGFENG, tags: ["unemployed", "minimum-living", "low-income"],
    slots: 25, budgetYuan: 25 * 2_000 * 12, capYuan: 2_000, window: "year", status: "ACTIVE",
  },
  {
    owner: "QX-RSJ", kind: "PUBLIC_WELFARE_POST", name: "和平街道社区公益性岗位(示例)",
    description: "社区保洁、治安巡防、助老服务等公益性岗位,优先安置低保家庭就业困难人员(第十二条)。",
    categories: ["EMPLOYMENT"], areas: HEPING, tags: ["unemployed", "minimum-living", "low-income"],
    slots: 20, budgetYuan: 20 * 2_000 * 12, capYuan: 2_000, window: "year", status: "ACTIVE",
  },
];

function windowDates(window: Window, today: string): { startsOn: string; endsOn: string | null } {
  const year = yearOf(today);
  const month = Number(today.slice(5, 7));
  switch (window) {
    case "year":
      return { startsOn: `${year}-01-01`, endsOn: `${year}-12-31` };
    case "heating-season": {
      // The northern heating season runs from mid-November to mid-March; programmes open a little early.
      const start = month >= 4 ? year : year - 1;
      return { startsOn: `${start}-11-01`, endsOn: `${start + 1}-03-31` };
    }
    case "school-year": {
      const start = month >= 9 ? year : year - 1;
      return { startsOn: `${start}-09-01`, endsOn: `${start + 1}-08-31` };
    }
    case "open-ended":
      return { startsOn: `${year - 2}-01-01`, endsOn: null };
    case "last-year":
      return { startsOn: `${year - 1}-01-01`, endsOn: `${year - 1}-12-31` };
    case "next-month": {
      const startsOn = `${addMonths(today, 1).slice(0, 7)}-01`;
      return { startsOn, endsOn: addDays(addMonths(startsOn, 12), -1) };
    }
  }
}

export function generateResources(options: { readonly today: string; readonly orgs: OrgDirectory }): DemoResourceRow[] {
  return TEMPLATES.map((t, index) => {
    const resourceNo = `QXR-${String(index + 1).padStart(4, "0")}`;
    return {
      id: stableUuid("resource", resourceNo),
      resourceNo,
      ownerOrgId: options.orgs.idOfCode(t.owner),
      kind: t.kind,
      name: t.name,
      description: t.description,
      categories: [...t.categories],
      serviceAreaCodes: [...t.areas],
      eligibilityTags: [...t.tags],
      capacitySlots: t.slots,
      budgetFen: t.budgetYuan === null ? null : t.budgetYuan * 100,
      perBeneficiaryCapFen: t.capYuan === null ? null : t.capYuan * 100,
      ...windowDates(t.window, options.today),
      status: t.status,
    };
  });
}
