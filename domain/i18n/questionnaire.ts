// Campaign questionnaires, as the officer answers them: why an answer is refused (on the phone as
// it is typed, and by the server when the visit is pushed), and the texts a definition adds by
// itself. The questionnaire's own chunk registers it, so /field does not carry it otherwise.
// zh-CN is the source; `en` must have every key (checked at compile time).

const zh = {
  "questionnaire.answer.number": "请填写数字，例如 12 或 3.5",
  "questionnaire.answer.choices": "请从列表中选择，每项只能选一次",
  "questionnaire.answer.acknowledge": "请勾选确认",
  "questionnaire.answer.geopoint": "位置格式不正确，请重新获取定位",
  "questionnaire.answer.constraint": "填写的内容不符合本题要求，请核对后修改",
  "questionnaire.answer.unknown": "问卷中没有“{name}”这一题：请更新应用、重新打开问卷后再保存",
  "questionnaire.answer.shape": "“{name}”的答案格式不对（不是本应用生成的内容），请重新填写这一题",
  "questionnaire.answer.tooManyRows": "“{name}”最多填写 {max} 行，请删去多余的行",
  "questionnaire.other": "其他",
  "questionnaire.otherSpecify": "请注明其他",
} as const;

const en = {
  "questionnaire.answer.number": "Enter a number, such as 12 or 3.5",
  "questionnaire.answer.choices": "Choose from the list, each option at most once",
  "questionnaire.answer.acknowledge": "Tick to confirm",
  "questionnaire.answer.geopoint": "The position is not in the right form — get the position again",
  "questionnaire.answer.constraint":
    "This answer does not meet the question's condition — check it and correct it",
  "questionnaire.answer.unknown":
    "The questionnaire has no question “{name}”: update the app, open the questionnaire again and save",
  "questionnaire.answer.shape":
    "The answer to “{name}” is not in the right form (it was not made by this app): answer that question again",
  "questionnaire.answer.tooManyRows":
    "“{name}” takes at most {max, plural, one {# row} other {# rows}}: delete the extra ones",
  "questionnaire.other": "Other",
  "questionnaire.otherSpecify": "Specify other",
} as const satisfies Record<keyof typeof zh, string>;

export type QuestionnaireKey = keyof typeof zh;

export const questionnaireMessages = { "zh-CN": zh, en } as const;
