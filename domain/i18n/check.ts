// The resident self-check (/check) and its supervisor list. zh-CN is the source; `en` must have every key
// (checked at compile time).

const zh = {
  "check.noMatch": "未找到匹配的信息。请核对姓名、身份证号码和核查码（见入户核查回执）后重试。",
  "check.tooMany": "尝试次数较多，为保护您的信息，请在 {minutes} 分钟后再试。如需帮助，请联系社区工作人员。",
  "check.badPerson": "所选人员不属于本户，请刷新后重试。",
  "check.confirmed": "感谢确认，您的确认已记录。",
  "check.disputed": "感谢反馈，社区工作人员会尽快核实并与您联系。",
} as const;

const en = {
  "check.noMatch":
    "No matching record was found. Please check the name, ID number and the code on your visit slip, then try again.",
  "check.tooMany":
    "There have been many attempts. To protect your information, please try again in {minutes} minutes. Community staff can help if needed.",
  "check.badPerson": "That person is not a member of this household; please reload and try again.",
  "check.confirmed": "Thank you: your confirmation has been recorded.",
  "check.disputed": "Thank you: community staff will check this and get back to you soon.",
} as const satisfies Record<keyof typeof zh, string>;

export const checkMessages = { "zh-CN": zh, en } as const;
