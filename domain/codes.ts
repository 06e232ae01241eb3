// Code tables. Records store the standard's code; screens show the label in
// the user's language. Tables are `as const` so each table's codes form a
// union type (Code<typeof SEX> = "0" | "1" | "2" | "9").

import type { Locale } from "./i18n";

export type CodeEntry = { readonly code: string; readonly zh: string; readonly en: string };
export type CodeTable = readonly CodeEntry[];
export type Code<T extends CodeTable> = T[number]["code"];

/** 性别 GB/T 2261.1-2003 */
export const SEX = [
  { code: "0", zh: "未知的性别", en: "Unknown" },
  { code: "1", zh: "男", en: "Male" },
  { code: "2", zh: "女", en: "Female" },
  { code: "9", zh: "未说明的性别", en: "Not stated" },
] as const satisfies CodeTable;

/** 民族 GB/T 3304-1991 */
export const ETHNICITY = [
  { code: "01", zh: "汉族", en: "Han" },
  { code: "02", zh: "蒙古族", en: "Mongol" },
  { code: "03", zh: "回族", en: "Hui" },
  { code: "04", zh: "藏族", en: "Tibetan" },
  { code: "05", zh: "维吾尔族", en: "Uyghur" },
  { code: "06", zh: "苗族", en: "Miao" },
  { code: "07", zh: "彝族", en: "Yi" },
  { code: "08", zh: "壮族", en: "Zhuang" },
  { code: "09", zh: "布依族", en: "Buyei" },
  { code: "10", zh: "朝鲜族", en: "Korean" },
  { code: "11", zh: "满族", en: "Manchu" },
  { code: "12", zh: "侗族", en: "Dong" },
  { code: "13", zh: "瑶族", en: "Yao" },
  { code: "14", zh: "白族", en: "Bai" },
  { code: "15", zh: "土家族", en: "Tujia" },
  { code: "16", zh: "哈尼族", en: "Hani" },
  { code: "17", zh: "哈萨克族", en: "Kazakh" },
  { code: "18", zh: "傣族", en: "Dai" },
  { code: "19", zh: "黎族", en: "Li" },
  { code: "20", zh: "傈僳族", en: "Lisu" },
  { code: "21", zh: "佤族", en: "Va" },
  { code: "22", zh: "畲族", en: "She" },
  { code: "23", zh: "高山族", en: "Gaoshan" },
  { code: "24", zh: "拉祜族", en: "Lahu" },
  { code: "25", zh: "水族", en: "Sui" },
  { code: "26", zh: "东乡族", en: "Dongxiang" },
  { code: "27", zh: "纳西族", en: "Naxi" },
  { code: "28", zh: "景颇族", en: "Jingpo" },
  { code: "29", zh: "柯尔克孜族", en: "Kirgiz" },
  { code: "30", zh: "土族", en: "Tu" },
  { code: "31", zh: "达斡尔族", en: "Daur" },
  { code: "32", zh: "仫佬族", en: "Mulao" },
  { code: "33", zh: "羌族", en: "Qiang" },
  { code: "34", zh: "布朗族", en: "Blang" },
  { code: "35", zh: "撒拉族", en: "Salar" },
  { code: "36", zh: "毛南族", en: "Maonan" },
  { code: "37", zh: "仡佬族", en: "Gelao" },
  { code: "38", zh: "锡伯族", en: "Xibe" },
  { code: "39", zh: "阿昌族", en: "Achang" },
  { code: "40", zh: "普米族", en: "Pumi" },
  { code: "41", zh: "塔吉克族", en: "Tajik" },
  { code: "42", zh: "怒族", en: "Nu" },
  { code: "43", zh: "乌孜别克族", en: "Uzbek" },
  { code: "44", zh: "俄罗斯族", en: "Russian" },
  { code: "45", zh: "鄂温克族", en: "Evenki" },
  { code: "46", zh: "德昂族", en: "De'ang" },
  { code: "47", zh: "保安族", en: "Bonan" },
  { code: "48", zh: "裕固族", en: "Yugur" },
  { code: "49", zh: "京族", en: "Gin" },
  { code: "50", zh: "塔塔尔族", en: "Tatar" },
  { code: "51", zh: "独龙族", en: "Derung" },
  { code: "52", zh: "鄂伦春族", en: "Oroqen" },
  { code: "53", zh: "赫哲族", en: "Hezhen" },
  { code: "54", zh: "门巴族", en: "Monpa" },
  { code: "55", zh: "珞巴族", en: "Lhoba" },
  { code: "56", zh: "基诺族", en: "Jino" },
  { code: "97", zh: "其他未识别民族", en: "Other (unidentified)" },
  { code: "98", zh: "外国血统中国籍人士", en: "Chinese citizen of foreign origin" },
] as const satisfies CodeTable;

/**
 * 家庭关系 GB/T 4761-2008, in full: police household data uses the detailed
 * codes (22 长子, 33 次女 …), which must not fail validation on import.
 */
export const RELATION = [
  { code: "01", zh: "本人", en: "Self" },
  { code: "02", zh: "户主", en: "Head of household" },
  { code: "10", zh: "配偶", en: "Spouse" },
  { code: "11", zh: "夫", en: "Husband" },
  { code: "12", zh: "妻", en: "Wife" },
  { code: "20", zh: "子", en: "Son" },
  { code: "21", zh: "独生子", en: "Only son" },
  { code: "22", zh: "长子", en: "Eldest son" },
  { code: "23", zh: "次子", en: "Second son" },
  { code: "24", zh: "三子", en: "Third son" },
  { code: "25", zh: "四子", en: "Fourth son" },
  { code: "26", zh: "五子", en: "Fifth son" },
  { code: "27", zh: "养子或继子", en: "Adopted son or stepson" },
  { code: "28", zh: "女婿", en: "Son-in-law" },
  { code: "29", zh: "其他儿子", en: "Other son" },
  { code: "30", zh: "女", en: "Daughter" },
  { code: "31", zh: "独生女", en: "Only daughter" },
  { code: "32", zh: "长女", en: "Eldest daughter" },
  { code: "33", zh: "次女", en: "Second daughter" },
  { code: "34", zh: "三女", en: "Third daughter" },
  { code: "35", zh: "四女", en: "Fourth daughter" },
  { code: "36", zh: "五女", en: "Fifth daughter" },
  { code: "37", zh: "养女或继女", en: "Adopted daughter or stepdaughter" },
  { code: "38", zh: "儿媳", en: "Daughter-in-law" },
  { code: "39", zh: "其他女儿", en: "Other daughter" },
  { code: "40", zh: "孙子、孙女或外孙子、外孙女", en: "Grandchild" },
  { code: "41", zh: "孙子", en: "Grandson (son's son)" },
  { code: "42", zh: "孙女", en: "Granddaughter (son's daughter)" },
  { code: "43", zh: "外孙子", en: "Grandson (daughter's son)" },
  { code: "44", zh: "外孙女", en: "Granddaughter (daughter's daughter)" },
  { code: "45", zh: "孙媳妇或外孙媳妇", en: "Grandson's wife" },
  { code: "46", zh: "孙女婿或外孙女婿", en: "Granddaughter's husband" },
  { code: "47", zh: "曾孙子或外曾孙子", en: "Great-grandson" },
  { code: "48", zh: "曾孙女或外曾孙女", en: "Great-granddaughter" },
  { code: "49", zh: "其他孙子、孙女或外孙子、外孙女", en: "Other grandchild" },
  { code: "50", zh: "父母", en: "Parent" },
  { code: "51", zh: "父亲", en: "Father" },
  { code: "52", zh: "母亲", en: "Mother" },
  { code: "53", zh: "公公", en: "Father-in-law (husband's father)" },
  { code: "54", zh: "婆婆", en: "Mother-in-law (husband's mother)" },
  { code: "55", zh: "岳父", en: "Father-in-law (wife's father)" },
  { code: "56", zh: "岳母", en: "Mother-in-law (wife's mother)" },
  { code: "57", zh: "继父或养父", en: "Stepfather or adoptive father" },
  { code: "58", zh: "继母或养母", en: "Stepmother or adoptive mother" },
  { code: "59", zh: "其他父母关系", en: "Other parent" },
  { code: "60", zh: "祖父母或外祖父母", en: "Grandparent" },
  { code: "61", zh: "祖父", en: "Grandfather (father's father)" },
  { code: "62", zh: "祖母", en: "Grandmother (father's mother)" },
  { code: "63", zh: "外祖父", en: "Grandfather (mother's father)" },
  { code: "64", zh: "外祖母", en: "Grandmother (mother's mother)" },
  { code: "65", zh: "配偶的祖父母或外祖父母", en: "Spouse's grandparent" },
  { code: "66", zh: "曾祖父", en: "Great-grandfather" },
  { code: "67", zh: "曾祖母", en: "Great-grandmother" },
  { code: "68", zh: "配偶的曾祖父母或外曾祖父母", en: "Spouse's great-grandparent" },
  { code: "69", zh: "其他祖父母或外祖父母关系", en: "Other grandparent" },
  { code: "70", zh: "兄弟姐妹", en: "Sibling" },
  { code: "71", zh: "兄", en: "Elder brother" },
  { code: "72", zh: "嫂", en: "Elder brother's wife" },
  { code: "73", zh: "弟", en: "Younger brother" },
  { code: "74", zh: "弟媳", en: "Younger brother's wife" },
  { code: "75", zh: "姐姐", en: "Elder sister" },
  { code: "76", zh: "姐夫", en: "Elder sister's husband" },
  { code: "77", zh: "妹妹", en: "Younger sister" },
  { code: "78", zh: "妹夫", en: "Younger sister's husband" },
  { code: "79", zh: "其他兄弟姐妹", en: "Other sibling" },
  { code: "80", zh: "其他", en: "Other" },
  { code: "81", zh: "伯父", en: "Uncle (father's elder brother)" },
  { code: "82", zh: "伯母", en: "Aunt (wife of father's elder brother)" },
  { code: "83", zh: "叔父", en: "Uncle (father's younger brother)" },
  { code: "84", zh: "婶母", en: "Aunt (wife of father's younger brother)" },
  { code: "85", zh: "舅父", en: "Uncle (mother's brother)" },
  { code: "86", zh: "舅母", en: "Aunt (wife of mother's brother)" },
  { code: "87", zh: "姨父", en: "Uncle (husband of mother's sister)" },
  { code: "88", zh: "姨母", en: "Aunt (mother's sister)" },
  { code: "89", zh: "姑父", en: "Uncle (husband of father's sister)" },
  { code: "90", zh: "姑母", en: "Aunt (father's sister)" },
  { code: "91", zh: "堂兄弟、堂姐妹", en: "Cousin (father's brother's child)" },
  { code: "92", zh: "表兄弟、表姐妹", en: "Cousin" },
  { code: "93", zh: "侄子", en: "Nephew (brother's son)" },
  { code: "94", zh: "侄女", en: "Niece (brother's daughter)" },
  { code: "95", zh: "外甥", en: "Nephew (sister's son)" },
  { code: "96", zh: "外甥女", en: "Niece (sister's daughter)" },
  { code: "97", zh: "其他亲属", en: "Other relative" },
  { code: "99", zh: "非亲属", en: "Not related" },
] as const satisfies CodeTable;

/** 婚姻状况 GB/T 2261.2-2003 */
/**
 * The sex a relation code names, where it names one (夫 a man, 妻 a woman, 长子 a son…); generic
 * codes (配偶, 子女 groups, 兄弟姐妹…) name none. A member whose sex contradicts it is worth a second
 * look at the door: usually a slip in either field, sometimes the register's own error.
 */
const RELATION_SEX: Readonly<Record<string, "1" | "2">> = {
  ...Object.fromEntries(
    ["11", "21", "22", "23", "24", "25", "26", "27", "28", "29", "41", "43", "46", "47"].map((c) => [c, "1"]),
  ),
  ...Object.fromEntries(
    ["12", "31", "32", "33", "34", "35", "36", "37", "38", "39", "42", "44", "45", "48"].map((c) => [c, "2"]),
  ),
  ...Object.fromEntries(
    ["51", "53", "55", "57", "61", "63", "66", "71", "73", "76", "78", "81", "83", "85", "87", "89"].map(
      (c) => [c, "1"],
    ),
  ),
  ...Object.fromEntries(
    ["52", "54", "56", "58", "62", "64", "67", "72", "74", "75", "77", "82", "84", "86", "88"].map((c) => [
      c,
      "2",
    ]),
  ),
};

/** True when the relation names a man and the sex is 女, or a woman and the sex is 男. */
export function relationContradictsSex(relation: unknown, sex: unknown): boolean {
  const named = typeof relation === "string" ? RELATION_SEX[relation] : undefined;
  return !!named && (sex === "1" || sex === "2") && sex !== named;
}

export const MARITAL = [
  { code: "10", zh: "未婚", en: "Never married" },
  { code: "20", zh: "已婚", en: "Married" },
  { code: "21", zh: "初婚", en: "First marriage" },
  { code: "22", zh: "再婚", en: "Remarried" },
  { code: "23", zh: "复婚", en: "Remarried to former spouse" },
  { code: "30", zh: "丧偶", en: "Widowed" },
  { code: "40", zh: "离婚", en: "Divorced" },
  { code: "90", zh: "未说明的婚姻状况", en: "Not stated" },
] as const satisfies CodeTable;

/**
 * 文化程度 GB/T 4658-2006, top level only. Imports carrying a detailed code
 * (21 大学本科毕业 …) fold it to its level: `${code[0]}0`.
 */
export const EDUCATION = [
  { code: "10", zh: "研究生", en: "Postgraduate" },
  { code: "20", zh: "大学本科", en: "Bachelor's degree" },
  { code: "30", zh: "大学专科", en: "College diploma" },
  { code: "40", zh: "中等职业教育（中专）", en: "Secondary vocational school" },
  { code: "60", zh: "普通高中", en: "Senior high school" },
  { code: "70", zh: "初中", en: "Junior high school" },
  { code: "80", zh: "小学", en: "Primary school" },
  { code: "90", zh: "其他", en: "Other" },
] as const satisfies CodeTable;

/** 政治面貌 GB/T 4762-1984 */
export const POLITICS = [
  { code: "01", zh: "中共党员", en: "CPC member" },
  { code: "02", zh: "中共预备党员", en: "CPC probationary member" },
  { code: "03", zh: "共青团员", en: "Communist Youth League member" },
  { code: "04", zh: "民革党员", en: "RCCK member" },
  { code: "05", zh: "民盟盟员", en: "China Democratic League member" },
  { code: "06", zh: "民建会员", en: "CNDCA member" },
  { code: "07", zh: "民进会员", en: "CAPD member" },
  { code: "08", zh: "农工党党员", en: "CPWDP member" },
  { code: "09", zh: "致公党党员", en: "China Zhi Gong Party member" },
  { code: "10", zh: "九三学社社员", en: "Jiusan Society member" },
  { code: "11", zh: "台盟盟员", en: "Taiwan Democratic Self-Government League member" },
  { code: "12", zh: "无党派人士", en: "No party affiliation" },
  { code: "13", zh: "群众", en: "Ordinary citizen" },
] as const satisfies CodeTable;

/** 证件类型 */
export const ID_TYPE = [
  { code: "1", zh: "居民身份证", en: "Resident identity card" },
  { code: "A", zh: "护照", en: "Passport" },
  { code: "B", zh: "港澳居民来往内地通行证", en: "Mainland travel permit (Hong Kong/Macao)" },
  { code: "C", zh: "台湾居民来往大陆通行证", en: "Mainland travel permit (Taiwan)" },
  { code: "D", zh: "外国人永久居留身份证", en: "Foreigner permanent residence ID card" },
  { code: "9", zh: "其他", en: "Other" },
] as const satisfies CodeTable;

/** 户口类别 */
export const HUKOU_CATEGORY = [
  { code: "1", zh: "非农业家庭户口", en: "Non-agricultural family hukou" },
  { code: "2", zh: "农业家庭户口", en: "Agricultural family hukou" },
  { code: "3", zh: "集体户口", en: "Collective hukou" },
  { code: "4", zh: "居民户口", en: "Resident hukou" },
] as const satisfies CodeTable;

/** 人户关系 */
export const RESIDENCE_MATCH = [
  { code: "1", zh: "人户一致", en: "Lives at the registered address" },
  { code: "2", zh: "人在户不在", en: "Lives here, registered elsewhere" },
  { code: "3", zh: "户在人不在", en: "Registered here, lives elsewhere" },
] as const satisfies CodeTable;

/** 人口类型 */
export const PERSON_TYPE = [
  { code: "01", zh: "户籍人口", en: "Registered resident" },
  { code: "02", zh: "流动人口", en: "Migrant" },
  { code: "03", zh: "境外人员", en: "Foreign or overseas person" },
] as const satisfies CodeTable;

/** 就业状况 */
export const EMPLOYMENT = [
  { code: "10", zh: "在业", en: "Employed" },
  { code: "20", zh: "失业", en: "Unemployed" },
  { code: "30", zh: "离退休", en: "Retired" },
  { code: "40", zh: "在校学生", en: "Student" },
  { code: "50", zh: "学龄前", en: "Pre-school child" },
  { code: "90", zh: "其他", en: "Other" },
] as const satisfies CodeTable;

/** 留守人员 (not a national code table: the values are our own) */
export const LEFT_BEHIND = [
  { code: "elderly", zh: "留守老人", en: "Left-behind elderly" },
  { code: "woman", zh: "留守妇女", en: "Left-behind woman" },
  { code: "child", zh: "留守儿童", en: "Left-behind child" },
] as const satisfies CodeTable;

/** 户别 */
export const HOUSEHOLD_KIND = [
  { code: "1", zh: "家庭户", en: "Family household" },
  { code: "2", zh: "集体户", en: "Collective household" },
] as const satisfies CodeTable;

/** 行业门类 GB/T 4754-2017 */
export const INDUSTRY = [
  { code: "A", zh: "农、林、牧、渔业", en: "Agriculture, forestry, animal husbandry and fishery" },
  { code: "B", zh: "采矿业", en: "Mining" },
  { code: "C", zh: "制造业", en: "Manufacturing" },
  { code: "D", zh: "电力、热力、燃气及水生产和供应业", en: "Electricity, heat, gas and water supply" },
  { code: "E", zh: "建筑业", en: "Construction" },
  { code: "F", zh: "批发和零售业", en: "Wholesale and retail trade" },
  { code: "G", zh: "交通运输、仓储和邮政业", en: "Transport, storage and postal services" },
  { code: "H", zh: "住宿和餐饮业", en: "Accommodation and catering" },
  {
    code: "I",
    zh: "信息传输、软件和信息技术服务业",
    en: "Information transmission, software and IT services",
  },
  { code: "J", zh: "金融业", en: "Finance" },
  { code: "K", zh: "房地产业", en: "Real estate" },
  { code: "L", zh: "租赁和商务服务业", en: "Leasing and business services" },
  { code: "M", zh: "科学研究和技术服务业", en: "Scientific research and technical services" },
  { code: "N", zh: "水利、环境和公共设施管理业", en: "Water, environment and public facilities management" },
  { code: "O", zh: "居民服务、修理和其他服务业", en: "Resident, repair and other services" },
  { code: "P", zh: "教育", en: "Education" },
  { code: "Q", zh: "卫生和社会工作", en: "Health and social work" },
  { code: "R", zh: "文化、体育和娱乐业", en: "Culture, sports and entertainment" },
  {
    code: "S",
    zh: "公共管理、社会保障和社会组织",
    en: "Public administration, social security and social organisations",
  },
  { code: "T", zh: "国际组织", en: "International organisations" },
] as const satisfies CodeTable;

/** 单位状态 */
export const UNIT_STATUS = [
  { code: "1", zh: "开业", en: "Open" },
  { code: "2", zh: "歇业", en: "Suspended" },
  { code: "3", zh: "停业", en: "Ceased trading" },
  { code: "4", zh: "注销/取缔", en: "Deregistered or shut down" },
] as const satisfies CodeTable;

/** 单位类型 */
export const UNIT_KIND = [
  { code: "1", zh: "单位", en: "Organisation" },
  { code: "2", zh: "店铺/个体户", en: "Shop or sole trader" },
] as const satisfies CodeTable;

/** 房屋用途 */
export const ROOM_USE = [
  { code: "1", zh: "住宅", en: "Residential" },
  { code: "2", zh: "商业", en: "Commercial" },
  { code: "3", zh: "办公", en: "Office" },
  { code: "4", zh: "混合", en: "Mixed" },
  { code: "9", zh: "其他", en: "Other" },
] as const satisfies CodeTable;

/** 产权类型 */
export const PROPERTY_TYPE = [
  { code: "1", zh: "私有", en: "Private" },
  { code: "2", zh: "公有", en: "Public" },
  { code: "3", zh: "单位自管", en: "Managed by an employer" },
  { code: "9", zh: "其他", en: "Other" },
] as const satisfies CodeTable;

/** 租赁用途 */
export const RENTAL_USE = [
  { code: "1", zh: "居住", en: "Residential" },
  { code: "2", zh: "经营", en: "Business" },
  { code: "3", zh: "仓储", en: "Storage" },
  { code: "4", zh: "混合", en: "Mixed" },
] as const satisfies CodeTable;

/** 隐患等级 */
export const HAZARD_LEVEL = [
  { code: "0", zh: "无隐患", en: "No hazard" },
  { code: "1", zh: "一般隐患", en: "Minor hazard" },
  { code: "2", zh: "较大隐患", en: "Serious hazard" },
  { code: "3", zh: "重大隐患", en: "Major hazard" },
] as const satisfies CodeTable;

/** Where a register row came from: a returning department, the field, or an import. */
export const SOURCE = [
  { code: "police", zh: "公安户籍", en: "Police household registration" },
  { code: "civil", zh: "民政", en: "Civil affairs" },
  { code: "hr", zh: "人社", en: "Human resources and social security" },
  { code: "social", zh: "社保", en: "Social insurance" },
  { code: "health", zh: "卫健", en: "Health commission" },
  { code: "disabled", zh: "残联", en: "Disabled persons' federation" },
  { code: "market", zh: "市场监管", en: "Market regulation" },
  { code: "field", zh: "入户核查", en: "Door-to-door verification" },
  { code: "import", zh: "导入", en: "Import" },
] as const satisfies CodeTable;

/** Why a register row was ended (soft delete). */
export const END_REASON = [
  { code: "moved_out", zh: "迁出/搬离", en: "Moved out" },
  { code: "deceased", zh: "死亡", en: "Deceased" },
  { code: "closed", zh: "歇业/注销", en: "Closed or deregistered" },
  { code: "demolished", zh: "拆除", en: "Demolished" },
  { code: "rental_ended", zh: "停止出租", en: "No longer rented out" },
  { code: "duplicate", zh: "重复登记", en: "Duplicate record" },
  { code: "other", zh: "其他", en: "Other" },
] as const satisfies CodeTable;

/** Groups of visit outcomes, for legends, filters and statistics. */
export const VISIT_OUTCOME_GROUP = [
  { code: "confirmed", zh: "核实无变化", en: "Confirmed" },
  { code: "changed", zh: "信息变更", en: "Changed" },
  { code: "new", zh: "新增", en: "New" },
  { code: "departed", zh: "迁出/死亡", en: "Departed" },
  { code: "premises", zh: "房屋/单位变化", en: "Premises changed" },
  { code: "mismatch", zh: "人户分离", en: "Not living at registered address" },
  { code: "no_contact", zh: "未接触", en: "No contact" },
  { code: "bad_address", zh: "地址问题", en: "Address problem" },
] as const satisfies CodeTable;

type VisitOutcomeEntry = CodeEntry & {
  readonly group: Code<typeof VISIT_OUTCOME_GROUP>;
  /** True when the room must be visited again (count attempts, escalate after 3). */
  readonly needsRevisit: boolean;
};

/** 走访结果 */
export const VISIT_OUTCOME = [
  {
    code: "verified",
    zh: "已核实无变化",
    en: "Verified, no change",
    group: "confirmed",
    needsRevisit: false,
  },
  { code: "changed", zh: "信息变更", en: "Information changed", group: "changed", needsRevisit: false },
  { code: "new_person", zh: "新增人员", en: "New person", group: "new", needsRevisit: false },
  { code: "new_household", zh: "新增户", en: "New household", group: "new", needsRevisit: false },
  { code: "new_unit", zh: "新增单位", en: "New unit", group: "new", needsRevisit: false },
  { code: "new_rental", zh: "新增出租屋", en: "New rental room", group: "new", needsRevisit: false },
  { code: "moved_out", zh: "迁出/搬离", en: "Moved out", group: "departed", needsRevisit: false },
  { code: "deceased", zh: "死亡", en: "Deceased", group: "departed", needsRevisit: false },
  { code: "vacant", zh: "空置", en: "Vacant", group: "premises", needsRevisit: false },
  { code: "demolished", zh: "拆除", en: "Demolished", group: "premises", needsRevisit: false },
  { code: "became_rental", zh: "转为出租", en: "Now rented out", group: "premises", needsRevisit: false },
  {
    code: "rental_ended",
    zh: "停止出租",
    en: "No longer rented out",
    group: "premises",
    needsRevisit: false,
  },
  { code: "unit_closed", zh: "单位歇业/注销", en: "Unit closed", group: "premises", needsRevisit: false },
  {
    code: "residence_mismatch",
    zh: "人户分离",
    en: "Not living at registered address",
    group: "mismatch",
    needsRevisit: false,
  },
  { code: "refused", zh: "拒访", en: "Refused", group: "no_contact", needsRevisit: true },
  { code: "no_answer", zh: "无人应答", en: "No answer", group: "no_contact", needsRevisit: true },
  {
    code: "address_missing",
    zh: "地址不存在",
    en: "Address does not exist",
    group: "bad_address",
    needsRevisit: false,
  },
  {
    code: "nonstandard_address",
    zh: "非标准地址",
    en: "Non-standard address",
    group: "bad_address",
    needsRevisit: false,
  },
] as const satisfies readonly VisitOutcomeEntry[];

/** Every table by name, for admin screens, imports and tests. */
export const CODE_TABLES = {
  SEX,
  ETHNICITY,
  RELATION,
  MARITAL,
  EDUCATION,
  POLITICS,
  ID_TYPE,
  HUKOU_CATEGORY,
  RESIDENCE_MATCH,
  PERSON_TYPE,
  EMPLOYMENT,
  LEFT_BEHIND,
  HOUSEHOLD_KIND,
  INDUSTRY,
  UNIT_STATUS,
  UNIT_KIND,
  ROOM_USE,
  PROPERTY_TYPE,
  RENTAL_USE,
  HAZARD_LEVEL,
  SOURCE,
  END_REASON,
  VISIT_OUTCOME_GROUP,
  VISIT_OUTCOME,
} as const;

export type CodeTableName = keyof typeof CODE_TABLES;

/** The table's codes as a non-empty tuple, the shape z.enum() wants. */
export function codeValues<T extends CodeTable>(table: T): [Code<T>, ...Code<T>[]] {
  return table.map((entry) => entry.code) as [Code<T>, ...Code<T>[]];
}

export function isCode<T extends CodeTable>(table: T, value: unknown): value is Code<T> {
  return typeof value === "string" && table.some((entry) => entry.code === value);
}

/**
 * Label of a code in the given locale. An unknown code comes back unchanged so
 * data from a newer or foreign code table still shows something traceable.
 */
export function codeLabel<T extends CodeTable>(
  table: T,
  code: string | null | undefined,
  locale: Locale,
): string {
  if (code == null || code === "") return "";
  const entry = table.find((e) => e.code === code);
  if (!entry) return code;
  return locale === "en" ? entry.en : entry.zh;
}
