// Supervisor screens: review, conflicts, devices, and the shell around them. zh-CN is the source; `en` must have every key (checked at compile time).

const zh = {
  "supervise.title": "督导",
  "supervise.review": "审核",
  "supervise.conflicts": "冲突",
  "supervise.devices": "设备",
  "supervise.officerHere": "督导页面供社区、街道工作人员使用。信息员请使用入户核查。",
  "review.commentRequired": "退回时请写明原因，告诉信息员需要补充或更正什么",
} as const;

const en = {
  "supervise.title": "Supervision",
  "supervise.review": "Review",
  "supervise.conflicts": "Conflicts",
  "supervise.devices": "Devices",
  "supervise.officerHere":
    "These screens are for community and street staff. Information officers use the field app.",
  "review.commentRequired": "Say why the visit is returned: what the officer should add or correct.",
} as const satisfies Record<keyof typeof zh, string>;

export const superviseMessages = { "zh-CN": zh, en } as const;
