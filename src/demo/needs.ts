import type { AssistanceType } from "../modules/cases/cases.enums.js";
import type { DataCategory } from "../privacy/categories.js";
import { NeedCategory, NeedStatus, NeedUrgency } from "../modules/needs/needs.enums.js";
import { addDays } from "./calendar.js";
import type { OrgDirectory } from "./directory.js";
import { DEMO_STANDARDS, type DemoCaseRow, type DemoNeedRow, type DemoTag } from "./model.js";
import type { HouseholdProfile } from "./profile.js";
import { stableUuid, type Prng } from "./prng.js";

// Needs: concrete, publishable requests (clause 18) recorded by communities, subdistricts and the
// civil affairs bureau. Free text comes only from fixed templates: no names, no ID numbers, no
// phones, no digits at all. What charities read before consent is the claimant-facing title, which
// says no more than the need's category (CLAIMANT_TITLES); the template's detail is the internal
// note, classed by what it is about (NOTE_CATEGORY) and shown only where that category is.

type Weights<T> = readonly (readonly [T, number])[];

interface NeedTemplate {
  readonly title: string;
  readonly description: string;
  readonly when?: (p: HouseholdProfile) => boolean;
}

const livesInDilapidated = (p: HouseholdProfile) => p.household.row.housingSituation === "DILAPIDATED";
const rents = (p: HouseholdProfile) => p.household.row.housingSituation === "RENTED_PRIVATE";

/** Exported for the leak test: every phrase that can appear in a need's title or description. */
export const NEED_TEMPLATES: { readonly [C in NeedCategory]: readonly NeedTemplate[] } = {
  BASIC_LIVING: [
    {
      title: "困难家庭基本生活物资缺口",
      description: "家庭收入低于当地低保标准,米面油等基本生活物资短缺,需要阶段性物资支持。",
      when: (p) => p.perCapitaIncomeFen < DEMO_STANDARDS.minimumLivingFen,
    },
    { title: "入冬御寒衣被需求", description: "家中衣物被褥陈旧单薄,入冬前需要补充御寒衣被。" },
    { title: "过渡期基本生活补助", description: "家庭主要劳动力近期失去收入来源,申请救助期间需要过渡期生活补助。" },
  ],
  MEDICAL: [
    { title: "大病患者自付医疗费用缺口", description: "家庭成员患重大疾病,经基本医保、大病保险和医疗救助报销后,自付部分仍超出家庭承受能力。" },
    { title: "慢性病长期用药费用资助", description: "家庭成员需长期服药治疗,药费负担较重,希望获得药品费用资助。" },
    { title: "术后康复期营养与护理支出", description: "家庭成员近期手术出院,康复期营养品和护理用品支出较大。" },
  ],
  EDUCATION: [
    { title: "在校学生学杂费与教辅资助", description: "家中有在校学生,学杂费和教辅资料费用难以负担。", when: (p) => p.students > 0 },
    { title: "高校学生学费及生活费资助", description: "家中有在读大学生,学费和在校生活费缺口较大。", when: (p) => p.higherEducationStudents > 0 },
    { title: "学生冬季校服与学习用品", description: "家中学生缺少冬季校服、书包和文具,需要学习用品支持。", when: (p) => p.students > 0 },
    { title: "学龄儿童入学准备支持", description: "家庭经济困难,孩子入学所需物品尚未备齐。" },
  ],
  HOUSING: [
    { title: "危房修缮加固", description: "现住房屋墙体开裂、屋顶漏雨,经初步查看存在安全隐患,需要修缮加固。", when: livesInDilapidated },
    { title: "私房租金补助", description: "家庭租住私房,租金占家庭收入比例过高,需要租金补助。", when: rents },
    { title: "居家适老化改造", description: "家中老人行动不便,卫生间和走廊需要加装扶手、铺设防滑地面。", when: (p) => p.elderly > 0 },
    { title: "住房漏水维修", description: "住房管道老化漏水,家庭无力承担维修费用。" },
  ],
  EMPLOYMENT: [
    { title: "劳动年龄成员求职与技能培训", description: "家庭中有劳动能力的成员处于失业状态,希望获得职业技能培训和岗位推荐。" },
    { title: "公益性岗位安置意向", description: "家庭成员就业困难,希望安排就近的公益性岗位。" },
    { title: "灵活就业转稳定就业指导", description: "家庭成员长期打零工、收入不稳定,需要就业指导和岗位对接。" },
  ],
  CARE_SERVICE: [
    { title: "独居老人定期探访与生活照料", description: "老人独自居住,日常买菜做饭和打扫有困难,需要定期探访和生活照料。", when: (p) => p.livingAlone && p.elderly > 0 },
    { title: "重度残疾成员居家照护", description: "家中有重度残疾成员需要长期照护,照护者无法外出工作,需要上门照护服务。", when: (p) => p.severelyDisabled > 0 },
    { title: "高龄老人助餐助洁服务", description: "家中高龄老人需要助餐、助洁等居家养老服务。", when: (p) => p.elderly > 0 },
    { title: "病后居家护理协助", description: "家庭成员病后卧床,需要短期居家护理协助。" },
  ],
  PSYCHOLOGICAL: [
    { title: "家庭变故后的心理疏导", description: "家庭近期经历重大变故,成员情绪低落,需要专业心理疏导。" },
    { title: "青少年情绪与学业压力支持", description: "家中青少年学业压力大、情绪波动明显,需要心理支持和陪伴。", when: (p) => p.children > 0 },
    { title: "照护者喘息与减压服务", description: "长期照护病残家人的成员身心疲惫,需要减压辅导和喘息服务。" },
  ],
  LEGAL: [
    { title: "劳动报酬追索法律咨询", description: "家庭成员被拖欠劳动报酬,需要法律咨询及代理。" },
    { title: "赡养纠纷法律援助", description: "老人与子女存在赡养纠纷,需要法律援助与调解。", when: (p) => p.elderly > 0 },
    { title: "意外伤害赔偿法律援助", description: "家庭成员遭受意外伤害,赔偿事宜需要法律援助。" },
  ],
  HEATING: [
    { title: "冬季取暖费用补助", description: "家庭收入微薄,供暖季取暖费用难以负担。" },
    { title: "取暖设备更换", description: "家中取暖设备老旧失修,入冬前需要更换安全的取暖设备。" },
  ],
  DISASTER_RELIEF: [
    { title: "强降雨受损住房临时安置", description: "受汛期强降雨影响,住房进水受损,需要临时安置和基本生活物资。" },
    { title: "受灾家庭生活物资援助", description: "家庭受灾后衣物、被褥和炊具受损,需要生活物资援助。" },
  ],
  REHABILITATION: [
    { title: "残疾成员康复训练", description: "家庭中有残疾成员,需要定期康复训练服务。", when: (p) => p.disabled > 0 },
    { title: "辅助器具适配", description: "家庭成员行动不便,需要适配轮椅、助行器等辅助器具。" },
    { title: "残疾儿童康复救助", description: "家中残疾儿童需要持续的康复训练,家庭难以承担费用。", when: (p) => p.disabledChildren > 0 },
  ],
  CHILD_PROTECTION: [
    { title: "困境儿童课后看护与关爱", description: "孩子由祖辈照料,父母长期不在身边,需要课后看护和陪伴。", when: (p) => p.household.archetype === "SKIPPED_GENERATION" },
    { title: "儿童课业辅导与陪伴", description: "家长忙于生计无暇辅导,孩子需要课业辅导和日常陪伴。", when: (p) => p.children > 0 },
    { title: "儿童营养与健康关爱", description: "家中儿童营养状况欠佳,需要营养餐和健康关爱服务。" },
  ],
  OTHER: [
    { title: "证件补办协助", description: "家庭成员需要补办相关证件以便申请救助,行动不便,需要协助办理。" },
    { title: "小家电维修与生活便利协助", description: "家中常用电器损坏,需要维修等生活便利协助。" },
  ],
};

/** Claimant-facing titles: the need's category in plain words, and nothing about the household. */
export const CLAIMANT_TITLES: { readonly [C in NeedCategory]: readonly string[] } = {
  BASIC_LIVING: ["基本生活物资支持", "生活补助支持"],
  MEDICAL: ["医疗费用资助", "药品与护理用品资助"],
  EDUCATION: ["助学资助", "学习用品支持"],
  HOUSING: ["住房改善支持", "住房费用支持"],
  EMPLOYMENT: ["就业帮扶", "岗位对接"],
  CARE_SERVICE: ["居家照料服务", "上门探访服务"],
  PSYCHOLOGICAL: ["心理支持服务"],
  LEGAL: ["法律咨询与援助"],
  HEATING: ["冬季取暖支持"],
  DISASTER_RELIEF: ["受灾生活支持"],
  REHABILITATION: ["康复服务支持", "辅助器具支持"],
  CHILD_PROTECTION: ["儿童关爱服务"],
  OTHER: ["生活便利协助"],
};

/** What a need's internal note is about, by the need's category. */
export const NOTE_CATEGORY: { readonly [C in NeedCategory]: DataCategory } = {
  BASIC_LIVING: "FINANCIAL",
  MEDICAL: "HEALTH",
  EDUCATION: "EDUCATION",
  HOUSING: "HOUSING",
  EMPLOYMENT: "EMPLOYMENT",
  CARE_SERVICE: "HEALTH",
  PSYCHOLOGICAL: "HEALTH",
  LEGAL: "JUDICIAL",
  HEATING: "FINANCIAL",
  DISASTER_RELIEF: "HOUSING",
  REHABILITATION: "DISABILITY",
  CHILD_PROTECTION: "PROTECTION",
  OTHER: "FINANCIAL",
};

/** Amount range in yuan for monetary categories; services carry no amount. */
const AMOUNT_YUAN: Partial<Record<NeedCategory, readonly [number, number]>> = {
  BASIC_LIVING: [300, 1_500],
  MEDICAL: [2_000, 30_000],
  EDUCATION: [800, 6_000],
  HOUSING: [1_500, 20_000],
  HEATING: [600, 2_000],
  DISASTER_RELIEF: [1_000, 6_000],
  REHABILITATION: [800, 12_000],
  OTHER: [200, 800],
};

const DEFAULT_URGENCY: Weights<NeedUrgency> = [["LOW", 30], ["MEDIUM", 42], ["HIGH", 21], ["CRITICAL", 7]];
const URGENCY_BY_CATEGORY: Partial<Record<NeedCategory, Weights<NeedUrgency>>> = {
  DISASTER_RELIEF: [["MEDIUM", 20], ["HIGH", 50], ["CRITICAL", 30]],
  MEDICAL: [["LOW", 10], ["MEDIUM", 35], ["HIGH", 40], ["CRITICAL", 15]],
  // The default "today" is the start of the heating season.
  HEATING: [["LOW", 15], ["MEDIUM", 45], ["HIGH", 35], ["CRITICAL", 5]],
};

const STATUS_WEIGHTS: Weights<NeedStatus> = [
  ["OPEN", 62],
  ["MATCHED", 12],
  ["CLAIMED", 10],
  ["FULFILLED", 11],
  ["CANCELLED", 5],
];

/** Which case a need of each category most naturally belongs to. */
const CASE_TYPES_FOR: { readonly [C in NeedCategory]: readonly AssistanceType[] } = {
  BASIC_LIVING: ["MINIMUM_LIVING", "EXTREME_POVERTY", "TEMPORARY", "LOW_INCOME"],
  MEDICAL: ["MEDICAL"],
  EDUCATION: ["EDUCATION"],
  HOUSING: ["HOUSING"],
  EMPLOYMENT: ["EMPLOYMENT"],
  CARE_SERVICE: ["EXTREME_POVERTY", "DISABILITY"],
  PSYCHOLOGICAL: ["CHILDREN_IN_DIFFICULTY"],
  LEGAL: ["LEGAL_AID", "JUDICIAL_AID"],
  HEATING: ["HEATING"],
  DISASTER_RELIEF: ["DISASTER_RELIEF"],
  REHABILITATION: ["DISABILITY"],
  CHILD_PROTECTION: ["CHILDREN_IN_DIFFICULTY"],
  OTHER: [],
};
const BASE_TYPES: readonly AssistanceType[] = ["EXTREME_POVERTY", "MINIMUM_LIVING", "LOW_INCOME"];

export interface GenerateNeedsOptions {
  readonly rng: Prng;
  readonly seed: number;
  readonly today: string;
  readonly count: number;
  readonly profiles: readonly HouseholdProfile[];
  readonly cases: readonly DemoCaseRow[];
  readonly orgs: OrgDirectory;
}

export function generateNeeds(options: GenerateNeedsOptions): DemoNeedRow[] {
  const { rng, profiles, count } = options;
  if (profiles.length === 0) return [];
  const casesByHousehold = new Map<string, DemoCaseRow[]>();
  for (const c of options.cases) {
    // Rejected applications back nothing; every other case can anchor a need.
    if (c.status === "REJECTED") continue;
    const list = casesByHousehold.get(c.householdId) ?? [];
    list.push(c);
    casesByHousehold.set(c.householdId, list);
  }
  const casesOf = (p: HouseholdProfile): readonly DemoCaseRow[] => casesByHousehold.get(p.household.row.id) ?? [];
  // Households already known to the assistance system are where most needs are recorded.
  const householdWeights: Weights<HouseholdProfile> = profiles.map((p) => [p, casesOf(p).length > 0 ? 5 : 1]);
  const drawHousehold = rng.sampler(householdWeights);

  const plans: { profile: HouseholdProfile; category: NeedCategory }[] = [];
  const seen = new Set<string>();
  const add = (profile: HouseholdProfile, category: NeedCategory): void => {
    plans.push({ profile, category });
    seen.add(`${profile.household.row.id}/${category}`);
  };
  // One need of every category first, each in a household it fits, so all categories occur.
  for (const category of NeedCategory.values) {
    if (plans.length >= count) break;
    const fitting = profiles.filter((p) => categoryWeight(p, casesOf(p), category) > 0);
    add(rng.pick(fitting.length > 0 ? fitting : profiles), category);
  }
  while (plans.length < count) {
    let profile = drawHousehold();
    let category = pickCategory(rng, profile, casesOf(profile));
    // Avoid recording the same need twice for one household.
    for (let retry = 0; retry < 5 && seen.has(`${profile.household.row.id}/${category}`); retry++) {
      profile = drawHousehold();
      category = pickCategory(rng, profile, casesOf(profile));
    }
    add(profile, category);
  }

  const rows = plans.map(({ profile, category }, index) => buildNeed(options, profile, casesOf(profile), category, index));
  // A re-labelled row gets its due date recomputed, so status, urgency and date still agree.
  const redate = (row: DemoNeedRow): void => {
    row.neededBy = neededBy(rng, options.today, row.urgency, row.status);
  };
  ensureValues({ rng, rows, key: "status", values: NeedStatus.values, from: "OPEN", onChange: redate });
  ensureValues({ rng, rows, key: "urgency", values: NeedUrgency.values, from: "MEDIUM", onChange: redate });
  return rows;
}

/** How likely a household is to need help of a category; zero when it plainly does not fit. */
function categoryWeight(p: HouseholdProfile, cases: readonly DemoCaseRow[], category: NeedCategory): number {
  const hasCase = (t: AssistanceType) => cases.some((c) => c.type === t);
  const hasBase = cases.some((c) => BASE_TYPES.includes(c.type));
  switch (category) {
    case "BASIC_LIVING":
      return hasBase ? 3 : 1;
    case "MEDICAL":
      return p.seriouslyIll > 0 ? 5 : 0;
    case "EDUCATION":
      return p.students > 0 ? 4 : 0;
    case "HOUSING":
      return livesInDilapidated(p) ? 4 : rents(p) ? 1 : p.elderly > 0 ? 0.3 : 0;
    case "EMPLOYMENT":
      return p.unemployedAble > 0 ? 3 : 0;
    case "CARE_SERVICE":
      return (p.livingAlone && p.elderly > 0 ? 5 : p.elderly > 0 ? 1.5 : 0) + (p.severelyDisabled > 0 ? 3 : 0);
    case "PSYCHOLOGICAL":
      return p.children > 0 || p.seriouslyIll > 0 ? 1 : 0.3;
    case "LEGAL":
      return hasCase("LEGAL_AID") || hasCase("JUDICIAL_AID") ? 5 : 0.2;
    case "HEATING":
      return p.elderly > 0 || p.severelyDisabled > 0 ? (hasBase ? 2 : 0.7) : 0;
    case "DISASTER_RELIEF":
      return hasCase("DISASTER_RELIEF") ? 6 : 0;
    case "REHABILITATION":
      return p.disabled > 0 ? 4 : 0;
    case "CHILD_PROTECTION":
      return p.household.archetype === "SKIPPED_GENERATION" ? 4 : p.children > 0 ? 0.6 : 0;
    case "OTHER":
      return 0.3;
  }
}

function pickCategory(rng: Prng, p: HouseholdProfile, cases: readonly DemoCaseRow[]): NeedCategory {
  return rng.weighted(NeedCategory.values.map((c) => [c, categoryWeight(p, cases, c)] as const));
}

function beneficiaryTags(p: HouseholdProfile, cases: readonly DemoCaseRow[]): DemoTag[] {
  const approved = (t: AssistanceType) => cases.some((c) => c.type === t && c.status === "APPROVED");
  const tags: [DemoTag, boolean][] = [
    ["elderly", p.elderly > 0],
    ["living-alone", p.livingAlone],
    ["child", p.children > 0],
    ["student", p.students > 0],
    ["disability", p.disabled > 0],
    ["serious-illness", p.seriouslyIll > 0],
    ["unemployed", p.unemployedAble > 0],
    ["minimum-living", approved("MINIMUM_LIVING")],
    ["extreme-poverty", approved("EXTREME_POVERTY")],
    ["low-income", approved("LOW_INCOME")],
    ["children-in-difficulty", approved("CHILDREN_IN_DIFFICULTY")],
    ["disaster-affected", cases.some((c) => c.type === "DISASTER_RELIEF")],
    ["residence-permit", p.household.row.residenceStatus === "RESIDENCE_PERMIT"],
  ];
  return tags.filter(([, on]) => on).map(([tag]) => tag);
}

function buildNeed(
  options: GenerateNeedsOptions,
  p: HouseholdProfile,
  cases: readonly DemoCaseRow[],
  category: NeedCategory,
  index: number,
): DemoNeedRow {
  const { rng, seed, today, orgs } = options;
  const templates = NEED_TEMPLATES[category].filter((t) => !t.when || t.when(p));
  const template = rng.pick(templates.length > 0 ? templates : NEED_TEMPLATES[category]);
  const urgency = rng.weighted(URGENCY_BY_CATEGORY[category] ?? DEFAULT_URGENCY);
  const status = rng.weighted(STATUS_WEIGHTS);
  const range = AMOUNT_YUAN[category];
  const amountFen = range && (category !== "OTHER" || rng.chance(0.5)) ? rng.int(range[0] / 100, range[1] / 100) * 10_000 : null;

  const matching = cases.filter((c) => CASE_TYPES_FOR[category].includes(c.type));
  const base = cases.filter((c) => BASE_TYPES.includes(c.type));
  const anchor = matching.length > 0 ? matching : base;
  const caseId = anchor.length > 0 && rng.chance(0.8) ? rng.pick(anchor).id : null;

  const areaCode = p.household.row.areaCode;
  const recorder = rng.weighted<"community" | "subdistrict" | "bureau">([
    ["community", 60],
    ["subdistrict", 25],
    ["bureau", 15],
  ]);
  const needNo = `QXN-${String(index + 1).padStart(6, "0")}`;
  return {
    id: stableUuid(seed, "need", needNo),
    needNo,
    householdId: p.household.row.id,
    caseId,
    recordedByOrgId:
      recorder === "community"
        ? orgs.communityIdFor(areaCode)
        : recorder === "subdistrict"
          ? orgs.subdistrictIdFor(areaCode)
          : orgs.civilAffairsId,
    category,
    urgency,
    title: CLAIMANT_TITLES[category][NEED_TEMPLATES[category].indexOf(template) % CLAIMANT_TITLES[category].length]!,
    description: `${template.title}:${template.description}`,
    noteCategory: NOTE_CATEGORY[category],
    amountFen,
    areaCode,
    beneficiaryTags: beneficiaryTags(p, cases),
    status,
    neededBy: neededBy(rng, today, urgency, status),
  };
}

function neededBy(rng: Prng, today: string, urgency: NeedUrgency, status: NeedStatus): string | null {
  // Delivered and withdrawn needs were due in the past; open ones by urgency from today.
  if (status === "FULFILLED" || status === "CANCELLED") return addDays(today, -rng.int(3, 60));
  switch (urgency) {
    case "CRITICAL":
      return addDays(today, rng.int(1, 3));
    case "HIGH":
      return addDays(today, rng.int(4, 10));
    case "MEDIUM":
      return addDays(today, rng.int(11, 30));
    case "LOW":
      return rng.chance(0.3) ? null : addDays(today, rng.int(30, 90));
  }
}

/** Makes sure every value of an enum column occurs, by re-labelling rows holding `from`. */
function ensureValues<K extends "status" | "urgency">(options: {
  readonly rng: Prng;
  readonly rows: DemoNeedRow[];
  readonly key: K;
  readonly values: readonly DemoNeedRow[K][];
  readonly from: DemoNeedRow[K];
  readonly onChange: (row: DemoNeedRow) => void;
}): void {
  const { rng, rows, key, values, from, onChange } = options;
  const present = new Set(rows.map((r) => r[key]));
  for (const value of values) {
    if (present.has(value)) continue;
    const candidates = rows.filter((r) => r[key] === from);
    if (candidates.length <= 1) continue;
    const row = rng.pick(candidates);
    row[key] = value;
    onChange(row);
    present.add(value);
  }
}
