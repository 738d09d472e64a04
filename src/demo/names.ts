import type { Sex } from "../modules/households/households.enums.js";
import type { Prng } from "./prng.js";

// Name pools for the fictional residents. Common surnames (weighted roughly by frequency) and
// small given-name pools: the names look ordinary, and none is tied to a real ID number or phone.
// Given names are always two characters, so a full name is three characters and cannot hide
// inside the short fixed phrases the need templates use.

const SURNAMES: readonly (readonly [string, number])[] = [
  ["王", 10], ["李", 10], ["张", 9], ["刘", 8], ["陈", 6], ["杨", 5], ["赵", 4], ["黄", 3],
  ["周", 3], ["吴", 3], ["徐", 2], ["孙", 2], ["胡", 2], ["朱", 2], ["郭", 2], ["马", 2],
  ["何", 1], ["罗", 1], ["梁", 1], ["宋", 1], ["郑", 1], ["谢", 1], ["韩", 1], ["唐", 1],
  ["冯", 1], ["董", 1], ["程", 1], ["曹", 1], ["袁", 1], ["邓", 1], ["许", 1], ["傅", 1],
];

const MALE_GIVEN: readonly string[] = [
  "建国", "建军", "志强", "国庆", "卫东", "振华", "德明", "永福", "宝山", "春生",
  "海涛", "立新", "文斌", "晓东", "俊杰", "浩然", "子轩", "宇航", "铭泽", "博文",
  "天佑", "嘉豪", "明远", "承志", "润东", "家乐", "思远", "景行", "向阳", "庆丰",
];

const FEMALE_GIVEN: readonly string[] = [
  "桂兰", "秀英", "玉珍", "淑芬", "凤霞", "丽华", "美玲", "春梅", "红霞", "素琴",
  "晓燕", "雪梅", "静怡", "婉清", "欣怡", "梓涵", "诗琪", "雨桐", "思彤", "佳宁",
  "若曦", "可馨", "慧敏", "月娥", "金凤", "巧云", "翠兰", "彩霞", "一诺", "语嫣",
];

export function pickSurname(rng: Prng): string {
  return rng.weighted(SURNAMES);
}

/** A full name; `avoid` holds names already used in the household (no two members share one). */
export function makeName(rng: Prng, surname: string, sex: Sex, avoid: ReadonlySet<string>): string {
  const pool = sex === "MALE" ? MALE_GIVEN : FEMALE_GIVEN;
  for (let attempt = 0; attempt < 20; attempt++) {
    const name = surname + rng.pick(pool);
    if (!avoid.has(name)) return name;
  }
  // Twenty clashes inside one household cannot happen with pools of thirty; fail loudly if it does.
  throw new Error(`could not find an unused name for surname ${surname}`);
}
