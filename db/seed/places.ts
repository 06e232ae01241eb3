// Fixed facts the generator draws on: the real communities of 光塔街, street and lane names of
// 越秀区, where migrants come from (with the county codes their ID cards carry), and the shop and
// company vocabulary of an old trading quarter next to 一德路's wholesale markets.

import type { Weighted } from "./random";

export const CITY = { code: "4401", name: "广州市", lng: 113.2644, lat: 23.1291 } as const;
export const DISTRICT = { code: "440104", name: "越秀区", lng: 113.2668, lat: 23.129 } as const;

export const GUANGTA = { code: "440104007", name: "光塔街", lng: 113.2614, lat: 23.1225 } as const;

export interface CommunitySeed {
  code: string;
  name: string;
  lng: number;
  lat: number;
  /** False where DOMAIN.md gives no centre and the position below was chosen by us. */
  known: boolean;
}

/**
 * 光塔街's 16 communities with their statistical codes. Five have no published centre; they sit in
 * the gaps the others leave (north-east and east of the street centre), 350–540 m from it and at
 * least 200 m from any other centre, so no Voronoi cell collapses.
 */
export const GUANGTA_COMMUNITIES: readonly CommunitySeed[] = [
  { code: "440104007101", name: "马鞍北", lng: 113.2637, lat: 23.119, known: true },
  { code: "440104007103", name: "师好巷", lng: 113.2631, lat: 23.1235, known: true },
  { code: "440104007106", name: "云台里", lng: 113.2648, lat: 23.1262, known: false },
  { code: "440104007107", name: "回龙里", lng: 113.2615, lat: 23.1265, known: false },
  { code: "440104007109", name: "和义巷", lng: 113.2604, lat: 23.1212, known: true },
  { code: "440104007110", name: "怡乐里", lng: 113.2662, lat: 23.1226, known: false },
  { code: "440104007111", name: "杏花巷", lng: 113.259, lat: 23.1248, known: false },
  { code: "440104007115", name: "孝友东", lng: 113.2655, lat: 23.1197, known: false },
  { code: "440104007116", name: "观绿", lng: 113.2539, lat: 23.116, known: true },
  { code: "440104007117", name: "七株榕", lng: 113.2555, lat: 23.1196, known: true },
  { code: "440104007118", name: "温良里", lng: 113.2563, lat: 23.1189, known: true },
  { code: "440104007122", name: "三元巷", lng: 113.2555, lat: 23.1213, known: true },
  { code: "440104007123", name: "福地巷", lng: 113.2564, lat: 23.121, known: true },
  { code: "440104007124", name: "陶家巷", lng: 113.2554, lat: 23.1246, known: true },
  { code: "440104007125", name: "祝寿巷", lng: 113.2575, lat: 23.1275, known: true },
  { code: "440104007128", name: "象牙北", lng: 113.2608, lat: 23.1195, known: true },
];

/** Roads and lanes of the quarter, shared out among 光塔街's communities as building addresses. */
export const GUANGTA_LANES = [
  "光塔路",
  "惠福西路",
  "大德路",
  "人民中路",
  "解放中路",
  "诗书路",
  "海珠中路",
  "纸行路",
  "米市路",
  "擢甲里",
  "华宁里",
  "仙邻巷",
  "朝观街",
  "大纸巷",
  "甜水巷",
  "玛瑙巷",
] as const;

/**
 * Names for the synthetic benchmark streets. They are 越秀's real street names, but the codes the
 * generator gives them (440104001, 002, …) are sequence numbers, not the official codes.
 */
export const SYNTHETIC_STREET_NAMES = [
  "洪桥街",
  "北京街",
  "六榕街",
  "流花街",
  "人民街",
  "东山街",
  "农林街",
  "梅花村街",
  "黄花岗街",
  "华乐街",
  "建设街",
  "大塘街",
  "珠光街",
  "大东街",
  "白云街",
  "登峰街",
  "矿泉街",
] as const;

/** First halves of synthetic community and lane names (old 越秀 place names). */
export const PLACE_STEMS = (
  "文德 大南 诗书 豪贤 德政 仓边 越华 西湖 百灵 榨粉 龙藏 清水 盐运 万福 高第 素波 东皋 寺右 五羊 " +
  "龙腾 云鹤 执信 竹丝 梅东 水荫 广卫 旧仓 流水 雅荷 芳草 正南 南濠 府学 应元 朝天 麓湖 大石 小北 " +
  "华侨 横枝 桂花 三眼 盘福 双井 仁厚 连新 东华 越秀 法政 永胜 木排 长庚 起义 惠新 芳村 泰康 文明"
).split(" ");

export const PLACE_SUFFIXES = ["里", "巷", "坊", "东", "西", "北", "南", "新村"] as const;

export const ROAD_SUFFIXES = ["路", "街", "巷", "里", "大街", "横街"] as const;

/** Other Guangzhou districts: locals born there, and addresses of people registered elsewhere. */
export const GUANGZHOU_DISTRICTS: Weighted<{ code: string; name: string }> = [
  [{ code: "440103", name: "荔湾区" }, 5],
  [{ code: "440105", name: "海珠区" }, 4],
  [{ code: "440106", name: "天河区" }, 3],
  [{ code: "440111", name: "白云区" }, 3],
  [{ code: "440112", name: "黄埔区" }, 1],
  [{ code: "440113", name: "番禺区" }, 2],
  // 东山区 was merged into 越秀 in 2005, and its people keep the old code on their cards for life.
  [{ code: "440102", name: "越秀区" }, 3],
];

export interface Origin {
  /** County code as printed in the first six digits of an ID number. */
  code: string;
  province: string;
  city: string;
  county: string;
  /** Ethnic groups (GB/T 3304) that are common there besides Han, with their share. */
  minorities?: Weighted<string>;
  minorityShare?: number;
}

/** Where 来穗人员 come from: Guangdong's east, west and north first, then 湘 桂 赣 川 鄂 豫. */
export const MIGRANT_ORIGINS: Weighted<Origin> = [
  [{ code: "445102", province: "广东省", city: "潮州市", county: "湘桥区" }, 4],
  [{ code: "441402", province: "广东省", city: "梅州市", county: "梅江区" }, 5],
  [{ code: "440803", province: "广东省", city: "湛江市", county: "霞山区" }, 6],
  [{ code: "440902", province: "广东省", city: "茂名市", county: "茂南区" }, 6],
  [{ code: "441502", province: "广东省", city: "汕尾市", county: "城区" }, 3],
  [{ code: "445202", province: "广东省", city: "揭阳市", county: "榕城区" }, 4],
  [{ code: "440507", province: "广东省", city: "汕头市", county: "龙湖区" }, 3],
  [{ code: "441202", province: "广东省", city: "肇庆市", county: "端州区" }, 3],
  [{ code: "441702", province: "广东省", city: "阳江市", county: "江城区" }, 3],
  [{ code: "441302", province: "广东省", city: "惠州市", county: "惠城区" }, 2],
  [
    {
      code: "450102",
      province: "广西壮族自治区",
      city: "南宁市",
      county: "兴宁区",
      minorities: [["08", 1]],
      minorityShare: 0.3,
    },
    5,
  ],
  [
    {
      code: "450302",
      province: "广西壮族自治区",
      city: "桂林市",
      county: "秀峰区",
      minorities: [
        ["08", 2],
        ["13", 1],
      ],
      minorityShare: 0.15,
    },
    3,
  ],
  [
    {
      code: "450802",
      province: "广西壮族自治区",
      city: "贵港市",
      county: "港北区",
      minorities: [["08", 1]],
      minorityShare: 0.25,
    },
    4,
  ],
  [{ code: "450902", province: "广西壮族自治区", city: "玉林市", county: "玉州区" }, 4],
  [{ code: "430102", province: "湖南省", city: "长沙市", county: "芙蓉区" }, 4],
  [{ code: "430405", province: "湖南省", city: "衡阳市", county: "珠晖区" }, 5],
  [{ code: "431002", province: "湖南省", city: "郴州市", county: "北湖区" }, 4],
  [{ code: "430502", province: "湖南省", city: "邵阳市", county: "双清区" }, 3],
  [
    {
      code: "431102",
      province: "湖南省",
      city: "永州市",
      county: "零陵区",
      minorities: [["13", 1]],
      minorityShare: 0.08,
    },
    3,
  ],
  [{ code: "360102", province: "江西省", city: "南昌市", county: "东湖区" }, 3],
  [{ code: "360702", province: "江西省", city: "赣州市", county: "章贡区" }, 5],
  [{ code: "510104", province: "四川省", city: "成都市", county: "锦江区" }, 3],
  [{ code: "511302", province: "四川省", city: "南充市", county: "顺庆区" }, 3],
  [{ code: "420102", province: "湖北省", city: "武汉市", county: "江岸区" }, 3],
  [
    {
      code: "421002",
      province: "湖北省",
      city: "荆州市",
      county: "沙市区",
      minorities: [["15", 1]],
      minorityShare: 0.05,
    },
    2,
  ],
  [{ code: "410102", province: "河南省", city: "郑州市", county: "中原区" }, 2],
  [{ code: "411302", province: "河南省", city: "南阳市", county: "宛城区" }, 2],
  [{ code: "350102", province: "福建省", city: "福州市", county: "鼓楼区" }, 1],
  [{ code: "500101", province: "重庆市", city: "", county: "万州区" }, 3],
  [{ code: "520102", province: "贵州省", city: "贵阳市", county: "南明区" }, 2],
  [
    {
      code: "522601",
      province: "贵州省",
      city: "黔东南苗族侗族自治州",
      county: "凯里市",
      minorities: [
        ["06", 3],
        ["12", 2],
      ],
      minorityShare: 0.6,
    },
    1,
  ],
  [{ code: "340102", province: "安徽省", city: "合肥市", county: "瑶海区" }, 1],
  [
    {
      code: "530102",
      province: "云南省",
      city: "昆明市",
      county: "五华区",
      minorities: [
        ["07", 1],
        ["14", 1],
      ],
      minorityShare: 0.1,
    },
    1,
  ],
];

/** Minorities seen among Guangzhou's own residents, for the few locals who are not Han. */
export const LOCAL_MINORITIES: Weighted<string> = [
  ["08", 3],
  ["03", 2],
  ["11", 2],
  ["15", 1],
  ["06", 1],
  ["13", 1],
  ["02", 1],
  ["10", 1],
];

/** Two-character trade names ("字号") for shops and companies. */
export const BRAND_WORDS = (
  "恒发 兴隆 宏达 金源 福满 顺意 广信 粤通 和记 永泰 德昌 利源 新光 祥和 嘉华 鸿运 百佳 荣记 佳美 " +
  "华盛 南粤 穗丰 明珠 汇通 启航 信诚 鑫隆 东方 天和 益民 聚福 长兴 合利 泰丰 联发 万和 安信 富源 " +
  "志成 友谊 光明 昌隆 骏业 宝华 时代 同心 大德 光塔 惠福 五仙 诗书 羊城 越秀 穗安 怡和"
).split(" ");

export interface UnitType {
  suffix: string;
  industry: string;
}

/** Shops and sole traders (个体工商户) of a street like 光塔街: retail and food first. */
export const SHOP_TYPES: Weighted<UnitType> = [
  [{ suffix: "便利店", industry: "F" }, 8],
  [{ suffix: "士多店", industry: "F" }, 4],
  [{ suffix: "海味干果店", industry: "F" }, 6],
  [{ suffix: "茶叶店", industry: "F" }, 3],
  [{ suffix: "五金店", industry: "F" }, 3],
  [{ suffix: "服装店", industry: "F" }, 4],
  [{ suffix: "水果店", industry: "F" }, 4],
  [{ suffix: "粮油店", industry: "F" }, 2],
  [{ suffix: "药房", industry: "F" }, 2],
  [{ suffix: "烟酒行", industry: "F" }, 2],
  [{ suffix: "文具店", industry: "F" }, 1],
  [{ suffix: "手机配件店", industry: "F" }, 2],
  [{ suffix: "餐饮店", industry: "H" }, 6],
  [{ suffix: "茶餐厅", industry: "H" }, 4],
  [{ suffix: "烧腊店", industry: "H" }, 3],
  [{ suffix: "粥粉面店", industry: "H" }, 4],
  [{ suffix: "甜品店", industry: "H" }, 2],
  [{ suffix: "凉茶铺", industry: "H" }, 2],
  [{ suffix: "肠粉店", industry: "H" }, 3],
  [{ suffix: "旅馆", industry: "H" }, 1],
  [{ suffix: "理发店", industry: "O" }, 4],
  [{ suffix: "美容店", industry: "O" }, 2],
  [{ suffix: "洗衣店", industry: "O" }, 2],
  [{ suffix: "家电维修部", industry: "O" }, 2],
  [{ suffix: "修鞋配匙店", industry: "O" }, 1],
  [{ suffix: "照相馆", industry: "O" }, 1],
  [{ suffix: "快递驿站", industry: "G" }, 2],
  [{ suffix: "中医诊所", industry: "Q" }, 1],
  [{ suffix: "地产代理", industry: "K" }, 2],
  [{ suffix: "图文快印店", industry: "L" }, 1],
];

/** Companies (企业法人). Wholesale trade dominates, as around 一德路; then services. */
export const COMPANY_TYPES: Weighted<UnitType> = [
  [{ suffix: "贸易有限公司", industry: "F" }, 10],
  [{ suffix: "商贸有限公司", industry: "F" }, 6],
  [{ suffix: "海产品贸易有限公司", industry: "F" }, 4],
  [{ suffix: "医药有限公司", industry: "F" }, 1],
  [{ suffix: "餐饮管理有限公司", industry: "H" }, 4],
  [{ suffix: "酒店管理有限公司", industry: "H" }, 1],
  [{ suffix: "物业管理有限公司", industry: "K" }, 2],
  [{ suffix: "房地产代理有限公司", industry: "K" }, 2],
  [{ suffix: "信息科技有限公司", industry: "I" }, 3],
  [{ suffix: "网络科技有限公司", industry: "I" }, 2],
  [{ suffix: "广告有限公司", industry: "L" }, 3],
  [{ suffix: "商务咨询有限公司", industry: "L" }, 4],
  [{ suffix: "企业管理咨询有限公司", industry: "L" }, 3],
  [{ suffix: "人力资源服务有限公司", industry: "L" }, 1],
  [{ suffix: "工程设计有限公司", industry: "M" }, 2],
  [{ suffix: "检测技术有限公司", industry: "M" }, 1],
  [{ suffix: "工程技术有限公司", industry: "M" }, 2],
  [{ suffix: "建筑装饰工程有限公司", industry: "E" }, 2],
  [{ suffix: "家政服务有限公司", industry: "O" }, 2],
  [{ suffix: "物流有限公司", industry: "G" }, 1],
  [{ suffix: "文化传播有限公司", industry: "R" }, 2],
  [{ suffix: "教育科技有限公司", industry: "P" }, 1],
  [{ suffix: "印刷有限公司", industry: "C" }, 1],
];

/** Notes an officer writes about a rental room's fire safety. */
export const HAZARD_NOTES = [
  "楼道堆放杂物",
  "电动车在室内充电",
  "私拉乱接电线",
  "未配备灭火器",
  "逃生通道被锁闭",
  "燃气软管老化",
  "防盗网未留逃生口",
] as const;

/** Mobile prefixes in use in Guangdong (any carrier: with number portability the prefix means little). */
export const MOBILE_PREFIXES = (
  "134 135 136 137 138 139 147 150 151 152 157 158 159 178 182 183 184 187 188 198 " +
  "130 131 132 155 156 166 175 176 185 186 133 153 173 177 180 181 189 191 199"
).split(" ");
