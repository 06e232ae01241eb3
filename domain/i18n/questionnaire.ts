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
  "questionnaire.heading": "问卷：{title}",
  "questionnaire.version": "第 {version} 版",
  "questionnaire.required": "必填",
  "questionnaire.notAsked": "本次走访结果为未见到住户，不填写问卷。",
  "questionnaire.choose": "请选择",
  "questionnaire.acknowledge": "确认",
  "questionnaire.row": "第 {n} 行",
  "questionnaire.addRow": "添加一行：{label}",
  "questionnaire.removeRow": "删除第 {n} 行",
  "questionnaire.geopoint.use": "使用本次走访的定位",
  "questionnaire.geopoint.none": "请先在下方“定位”中获取位置，再回到这一题",
  "questionnaire.geopoint.value": "纬度 {lat}，经度 {lng}（误差约 {accuracy} 米）",
  "questionnaire.image.onPhone": "走访时在手机上拍照",
  "questionnaire.image.taken": "已拍照（见本次走访的照片）",
  "questionnaire.saveBlocked": "问卷中还有题目未填或填写有误，请按问卷里的红字提示改正",
  "questionnaire.loadFailed": "问卷无法打开，请刷新页面；仍不行请重新同步",
  "questionnaire.visit.answersVersion": "问卷答案与问卷版本不对应，请更新应用后重新保存这次走访",
  "questionnaire.visit.answersWithoutContact": "未见到住户的走访不能带问卷答案，请核对走访结果",
  "questionnaire.push.unknownVersion": "服务器上没有这份问卷的第 {version} 版，请同步后重新填写问卷",
  "questionnaire.push.refused": "问卷“{question}”：{reason}",
  "questionnaire.push.boundDisagrees":
    "问卷“{question}”的答案与这次走访对台账“{field}”的更正不一致，请在手机上核对后重新保存",
  "questionnaire.acknowledged": "已确认",
  "questionnaire.bound.same": "本题核实台账信息，与台账一致；如有变化请直接改正",
  "questionnaire.bound.changed": "与台账不同（台账：{value}），保存后作为更正提交审核",
  "questionnaire.bound.blank": "未登记",
  "questionnaire.strays": "草稿中有 {count} 个答案不属于当前问卷（第 {version} 版），保存前请删去：",
  "questionnaire.dropStrays": "删去这些答案，按当前版本继续",
  "questionnaire.versionChoice.title": "问卷已更新到第 {new} 版",
  "questionnaire.versionChoice.body":
    "这份草稿是按第 {old} 版填写的。可以继续按第 {old} 版完成并保存；也可以按题目转到第 {new} 版，放不下的答案会逐条列出，不会丢弃。",
  "questionnaire.versionChoice.keep": "继续按第 {old} 版填写",
  "questionnaire.versionChoice.move": "转到第 {new} 版",
  "questionnaire.versionChoice.kept": "按第 {old} 版填写（已有第 {new} 版）",
  "questionnaire.misfits.title":
    "转到第 {version} 版时，以下 {count} 个答案放不下，未带过来。请核对，需要时在新版中重新填写：",
  "questionnaire.misfits.gone": "新版没有这一题",
  "questionnaire.misfits.choiceGone": "新版没有这个选项",
  "questionnaire.misfits.typeChanged": "新版题型不同",
  "questionnaire.misfits.dismiss": "已核对，收起",
  "questionnaire.misfits.item": "{label}：{value}（{reason}）",
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
  "questionnaire.heading": "Questionnaire: {title}",
  "questionnaire.version": "version {version}",
  "questionnaire.required": "required",
  "questionnaire.notAsked": "Nobody was met at this call, so the questionnaire is not asked.",
  "questionnaire.choose": "Choose",
  "questionnaire.acknowledge": "Confirm",
  "questionnaire.row": "Row {n}",
  "questionnaire.addRow": "Add a row: {label}",
  "questionnaire.removeRow": "Delete row {n}",
  "questionnaire.geopoint.use": "Use this visit's position",
  "questionnaire.geopoint.none":
    "Get the position under “Location” below first, then come back to this question",
  "questionnaire.geopoint.value": "Latitude {lat}, longitude {lng} (within about {accuracy} m)",
  "questionnaire.image.onPhone": "Taken with the phone at the visit",
  "questionnaire.image.taken": "Photo taken (see the visit's photos)",
  "questionnaire.saveBlocked":
    "Some questions are unanswered or wrong: correct them as the red notes in the questionnaire say",
  "questionnaire.loadFailed":
    "The questionnaire cannot be opened: reload the page, and sync again if that does not help",
  "questionnaire.visit.answersVersion":
    "The answers do not match a questionnaire version: update the app and save this visit again",
  "questionnaire.visit.answersWithoutContact":
    "A visit where nobody was met cannot carry questionnaire answers: check the outcome",
  "questionnaire.push.unknownVersion":
    "The server has no version {version} of this questionnaire: sync, then answer the questionnaire again",
  "questionnaire.push.refused": "Questionnaire, “{question}”: {reason}",
  "questionnaire.push.boundDisagrees":
    "Questionnaire, “{question}”: the answer disagrees with this visit's correction of the register field “{field}”; check it on the phone and save again",
  "questionnaire.acknowledged": "Confirmed",
  "questionnaire.bound.same":
    "This question checks the register and matches it; if it has changed, correct it here",
  "questionnaire.bound.changed":
    "Differs from the register (register: {value}): saved as a correction for review",
  "questionnaire.bound.blank": "not recorded",
  "questionnaire.strays":
    "The draft holds {count, plural, one {# answer} other {# answers}} that the current questionnaire (version {version}) does not ask: delete them before saving:",
  "questionnaire.dropStrays": "Delete these answers and go on with the current version",
  "questionnaire.versionChoice.title": "The questionnaire is now at version {new}",
  "questionnaire.versionChoice.body":
    "This draft was begun in version {old}. Finish and save it in version {old}, or move it to version {new} question by question: any answer that does not fit is listed, never dropped.",
  "questionnaire.versionChoice.keep": "Go on in version {old}",
  "questionnaire.versionChoice.move": "Move to version {new}",
  "questionnaire.versionChoice.kept": "In version {old} (version {new} is out)",
  "questionnaire.misfits.title":
    "Moving to version {version}, {count, plural, one {# answer did not fit and was} other {# answers did not fit and were}} not carried over. Check them and answer again in the new version where needed:",
  "questionnaire.misfits.gone": "no such question in the new version",
  "questionnaire.misfits.choiceGone": "no such choice in the new version",
  "questionnaire.misfits.typeChanged": "the question's type changed",
  "questionnaire.misfits.dismiss": "Checked, hide this",
  "questionnaire.misfits.item": "{label}: {value} ({reason})",
} as const satisfies Record<keyof typeof zh, string>;

export type QuestionnaireKey = keyof typeof zh;

export const questionnaireMessages = { "zh-CN": zh, en } as const;
