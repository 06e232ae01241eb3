// Names that look right to a Guangzhou officer: Cantonese surnames in their local proportions (陈 far
// ahead, 区/麦/邝/冼 present, compound 欧阳/司徒), and given names that date a person the way real
// ones do, so a "梓涵" born in 1942 never turns up to make the demo look fake.

import { type Random, type Weighted, weightedPicker } from "./random";

/** Surnames of old Guangzhou families, weights roughly per mille of the local population. */
const GUANGZHOU_SURNAMES: Weighted<string> = [
  ["陈", 115],
  ["黄", 70],
  ["李", 62],
  ["梁", 55],
  ["林", 38],
  ["张", 36],
  ["何", 32],
  ["罗", 26],
  ["郭", 18],
  ["谭", 18],
  ["冯", 17],
  ["邓", 17],
  ["麦", 15],
  ["吴", 20],
  ["周", 15],
  ["刘", 24],
  ["王", 18],
  ["杨", 16],
  ["郑", 14],
  ["谢", 13],
  ["曾", 12],
  ["彭", 9],
  ["钟", 11],
  ["卢", 13],
  ["苏", 10],
  ["潘", 10],
  ["区", 7],
  ["欧阳", 5],
  ["司徒", 3],
  ["叶", 12],
  ["朱", 10],
  ["蔡", 8],
  ["余", 9],
  ["胡", 8],
  ["许", 7],
  ["关", 7],
  ["莫", 7],
  ["邝", 5],
  ["岑", 4],
  ["伍", 6],
  ["冼", 4],
  ["简", 3],
  ["甘", 3],
  ["黎", 8],
  ["徐", 6],
  ["江", 5],
  ["温", 5],
  ["赵", 5],
  ["马", 5],
  ["陆", 4],
  ["方", 4],
  ["招", 2],
  ["霍", 3],
  ["卓", 2],
  ["杜", 3],
  ["严", 2],
  ["袁", 4],
  ["庞", 3],
  ["骆", 2],
  ["植", 1],
  ["容", 2],
  ["翁", 2],
  ["傅", 2],
  ["孔", 2],
];

/** Surnames across the provinces most migrants to Guangzhou come from (湘 桂 赣 川 鄂 豫 and 粤东西北). */
const NATIONAL_SURNAMES: Weighted<string> = [
  ["王", 72],
  ["李", 72],
  ["张", 68],
  ["刘", 54],
  ["陈", 50],
  ["杨", 33],
  ["黄", 28],
  ["赵", 20],
  ["吴", 20],
  ["周", 19],
  ["徐", 13],
  ["孙", 11],
  ["马", 11],
  ["朱", 11],
  ["胡", 11],
  ["郭", 10],
  ["何", 10],
  ["林", 9],
  ["罗", 9],
  ["高", 9],
  ["郑", 8],
  ["梁", 8],
  ["谢", 7],
  ["唐", 7],
  ["许", 6],
  ["邓", 7],
  ["冯", 5],
  ["曾", 7],
  ["彭", 7],
  ["肖", 6],
  ["田", 5],
  ["蒋", 5],
  ["潘", 5],
  ["袁", 4],
  ["蔡", 4],
  ["余", 4],
  ["杜", 4],
  ["叶", 4],
  ["程", 4],
  ["魏", 3],
  ["苏", 3],
  ["吕", 3],
  ["丁", 3],
  ["任", 3],
  ["卢", 3],
  ["姚", 3],
  ["钟", 4],
  ["谭", 4],
  ["廖", 4],
  ["石", 3],
  ["韦", 4],
  ["覃", 3],
  ["邹", 3],
  ["熊", 3],
  ["龙", 2],
  ["雷", 2],
  ["贺", 2],
  ["易", 2],
  ["赖", 3],
  ["文", 2],
  ["汤", 2],
  ["向", 2],
  ["黎", 2],
  ["欧阳", 1],
];

const words = (text: string): readonly string[] => text.split(" ");

type Era = "old" | "mid" | "gen" | "young" | "kid";

/** Given names by birth cohort and sex. Single characters are common among men born 1955–1995. */
const GIVEN: Record<Era, { male: readonly string[]; female: readonly string[] }> = {
  // Born before 1955
  old: {
    male: words(
      "国华 国强 建国 建华 志明 德明 振华 永康 锦荣 炳坤 伟文 炳南 树森 耀祖 耀华 汉生 少华 国荣 福来 金水 桂林 瑞麟 冠球 润泉 耀光 志坚 国栋 景辉 仲文 焕章 荣光 锦泉 炳辉 汉文 兆基 启明 锡康 洪 森 棠",
    ),
    female: words(
      "桂英 秀兰 淑珍 玉英 秀英 桂芳 凤英 惠珍 玉珍 美华 丽卿 瑞珍 少芳 月娥 带娣 来娣 亚妹 婉仪 秀珍 丽华 润娣 银好 金好 彩霞 玉兰 群英 碧霞 少卿 惠芳 蕙兰 素芬 少娟 佩珍 月英 杏娟 妹",
    ),
  },
  // 1955–1974
  mid: {
    male: words(
      "志强 伟明 国华 建明 卫东 卫国 红军 伟强 志明 家明 永强 国平 建平 文辉 锦华 志勇 浩文 少强 振宇 汉强 国伟 耀明 伟 强 军 勇 斌 明 华 辉 刚 平 健 荣 波 东",
    ),
    female: words(
      "丽华 美玲 秀芳 丽萍 红英 小红 凤霞 惠玲 少玲 丽红 雪梅 玉梅 艳红 文英 慧敏 燕玲 洁贞 淑仪 丽娟 美芳 丽 红 芳 萍 敏 霞 燕 莉 玲 虹",
    ),
  },
  // 1975–1994
  gen: {
    male: words(
      "志伟 俊杰 家豪 伟杰 建斌 国伟 文杰 嘉俊 卓华 振宇 嘉豪 子健 海峰 永亮 俊宏 晓东 伟聪 锦辉 家伟 志华 浩 杰 鹏 涛 磊 超 俊 斌 锐 晖 亮",
    ),
    female: words(
      "嘉欣 晓燕 慧敏 丽君 婉婷 雅琪 佩玲 凯琳 少仪 嘉仪 咏诗 晓琳 思敏 美琪 丽珊 文慧 晓丹 颖欣 敏仪 洁莹 静 婷 敏 燕 颖 倩 洁 丹",
    ),
  },
  // 1995–2009
  young: {
    male: words(
      "浩然 子豪 俊熙 嘉乐 志豪 梓健 文轩 家乐 俊朗 宇航 子杰 天佑 卓霖 浩轩 嘉伟 泽楷 俊贤 晓峰 铭 昊 凯",
    ),
    female: words(
      "欣怡 梓晴 嘉怡 晓彤 诗琪 思琪 雅婷 芷晴 颖琳 心怡 慧琳 婉琪 佳琪 凯欣 紫琪 雨欣 诗敏 晓晴 悦 琳",
    ),
  },
  // 2010 and later
  kid: {
    male: words(
      "子轩 梓豪 浩宇 宇轩 俊熙 梓轩 铭轩 一鸣 沐阳 皓轩 子墨 浩然 承熙 梓睿 奕辰 博文 家俊 梓航 睿 锦程",
    ),
    female: words(
      "梓涵 欣怡 诗涵 梓晴 子涵 若汐 可欣 一诺 语桐 芷若 思妤 雨桐 欣妍 梓琳 梓萱 依诺 婉清 嘉琪 悦彤 芊",
    ),
  },
};

const pickGuangzhouSurname = weightedPicker(GUANGZHOU_SURNAMES);
const pickNationalSurname = weightedPicker(NATIONAL_SURNAMES);

export type NamePool = "guangzhou" | "national";

export function surname(rng: Random, pool: NamePool = "guangzhou"): string {
  return pool === "guangzhou" ? pickGuangzhouSurname(rng) : pickNationalSurname(rng);
}

function eraOf(birthYear: number): Era {
  if (birthYear < 1955) return "old";
  if (birthYear < 1975) return "mid";
  if (birthYear < 1995) return "gen";
  if (birthYear < 2010) return "young";
  return "kid";
}

/** A given name (1–2 characters) typical of people of that sex ("1" male, "2" female) born that year. */
export function givenName(rng: Random, sex: "1" | "2", birthYear: number): string {
  const era = GIVEN[eraOf(birthYear)];
  return rng.pick(sex === "1" ? era.male : era.female);
}

/** A full name. Pass `family` to keep a surname (children take the father's); otherwise one is drawn. */
export function personName(
  rng: Random,
  sex: "1" | "2",
  birthYear: number,
  options: { pool?: NamePool; family?: string } = {},
): string {
  const family = options.family ?? surname(rng, options.pool);
  return family + givenName(rng, sex, birthYear);
}
