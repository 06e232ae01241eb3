// The supervisor's completion map. zh-CN is the source; `en` must have every key (checked at compile time).

const zh = {
  "map.title": "完成情况地图",
} as const;

const en = {
  "map.title": "Completion map",
} as const satisfies Record<keyof typeof zh, string>;

export const mapMessages = { "zh-CN": zh, en } as const;
