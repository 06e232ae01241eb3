// Supervisor progress by grid, officer and day, and its exports. zh-CN is the source; `en` must have every key (checked at compile time).

const zh = {
  "progress.title": "进度",
} as const;

const en = {
  "progress.title": "Progress",
} as const satisfies Record<keyof typeof zh, string>;

export const progressMessages = { "zh-CN": zh, en } as const;
