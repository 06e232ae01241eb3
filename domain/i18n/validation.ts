// Validators and schemas return these keys, never prose, so the same rule can
// be explained in the user's language on the phone, the server and exports.
// Every message says what is wrong and how to fix it.

const zh = {
  "validation.required": "此项必填，请填写",
  "validation.invalidType": "填写的内容类型不对，请重新填写",
  "validation.tooShort": "至少需要 {min} 个字符，请补充完整",
  "validation.tooLong": "最多 {max} 个字符，请删减",
  "validation.tooSmall": "不能小于 {min}，请修改",
  "validation.tooBig": "不能大于 {max}，请修改",
  "validation.notInteger": "请填写整数",
  "validation.invalidValue": "请从列表中选择一项",
  "validation.invalidFormat": "格式不正确，请按示例格式填写",
  "validation.invalid": "填写的内容无效，请检查后重新填写",

  "validation.date.format": "日期格式应为 年-月-日，例如 1990-02-03",
  "validation.date.invalid": "这一天不存在，请核对年、月、日",
  "validation.date.future": "日期不能晚于今天，请核对",

  "validation.citizenId.empty": "请填写公民身份号码",
  "validation.citizenId.length": "公民身份号码应为 18 位（旧证 15 位），请核对是否多输或漏输",
  "validation.citizenId.characters": "公民身份号码只能是数字，仅最后一位可以是 X，请检查是否输错",
  "validation.citizenId.province": "公民身份号码前两位不是有效的省级代码，请核对开头的数字",
  "validation.citizenId.birthDate": "公民身份号码中的出生日期（第 7–14 位）不存在，请核对",
  "validation.citizenId.birthFuture": "公民身份号码中的出生日期晚于今天，请核对第 7–14 位",
  "validation.citizenId.birthTooEarly": "公民身份号码中的出生年份过早，请核对第 7–10 位",
  "validation.citizenId.checksum": "公民身份号码校验位不正确，请核对最后一位",
  "validation.citizenId.county":
    "公民身份号码前 6 位（地址码）不在行政区划代码表中（已含撤销的旧代码），请对照身份证核对前 6 位",

  "validation.idNumber.characters": "证件号码只能包含字母、数字、括号和短横线，请检查是否输错",

  "validation.uscc.empty": "请填写统一社会信用代码",
  "validation.uscc.length": "统一社会信用代码应为 18 位，请对照营业执照核对位数",
  "validation.uscc.characters":
    "统一社会信用代码只含数字和大写字母（不含 I、O、S、V、Z），请检查是否把 0 输成了 O",
  "validation.uscc.department":
    "统一社会信用代码第 1 位（登记管理部门代码）不是国家标准中的代码，请对照营业执照核对第 1 位",
  "validation.uscc.category":
    "统一社会信用代码第 2 位（机构类别代码）不属于第 1 位所示的登记管理部门，请对照营业执照核对前两位",
  "validation.uscc.checksum": "统一社会信用代码校验位不正确，请对照营业执照核对最后一位",
  "validation.uscc.orgCodeChecksum":
    "统一社会信用代码第 9–17 位（组织机构代码）校验不通过，请对照营业执照核对",

  "validation.mobile.empty": "请填写手机号码",
  "validation.mobile.characters": "手机号码只能包含数字，请删除其他字符",
  "validation.mobile.length": "手机号码应为 11 位数字，请核对是否多输或漏输",
  "validation.mobile.format": "手机号码应以 13–19 开头，请核对前两位",

  "validation.phone.empty": "请填写联系电话",
  "validation.phone.format": "电话号码格式不正确，请填写 11 位手机号或带区号的固定电话（如 020-83123456）",

  "validation.person.birthDateMismatch": "出生日期与公民身份号码不一致，请按身份证核对",
  "validation.person.sexMismatch": "性别与公民身份号码不一致（第 17 位单数为男、双数为女），请核对",

  "validation.rental.leaseEndBeforeStart": "租赁结束日期早于开始日期，请核对",
  "validation.rental.hazardNoteRequired": "存在安全隐患时请简要描述隐患情况",

  "validation.visit.subjectMissing": "请选择本次核查的对象（住户、单位或出租屋）",
  "validation.visit.revisitDueMissing": "拒访或无人应答需要安排复访日期",
  "validation.visit.revisitDuePast": "复访日期不能早于走访日期，请核对",
  "validation.visit.positionIncomplete": "定位不完整，请重新获取定位，或不带定位保存",
  "validation.visit.photoHash": "照片校验值无效，请重新拍摄",
  "validation.visit.field": "更正的字段名无效",
  "validation.json.tooDeep": "数据层级过深，不是本应用生成的内容，请重新录入",
  "validation.text.malformed": "文字中含有无法识别的字符，请删除后重新输入",
  "validation.text.bidiControl":
    "文字中含有控制文字方向的隐藏字符（如 U+202E），会让显示的内容与实际不符，请删除后重新输入",
  "validation.visit.valueTooLarge": "更正的内容过长（每项最多 {max} KB），请删减后重新保存",
} as const;

const en = {
  "validation.required": "This field is required — please fill it in",
  "validation.invalidType": "This value has the wrong type — please enter it again",
  "validation.tooShort": "Too short — enter at least {min, plural, one {# character} other {# characters}}",
  "validation.tooLong": "Too long — use at most {max, plural, one {# character} other {# characters}}",
  "validation.tooSmall": "Too small — enter {min} or more",
  "validation.tooBig": "Too large — enter {max} or less",
  "validation.notInteger": "Enter a whole number",
  "validation.invalidValue": "Choose one of the listed options",
  "validation.invalidFormat": "The format is wrong — follow the example format",
  "validation.invalid": "This value is not valid — check it and try again",

  "validation.date.format": "Enter the date as YYYY-MM-DD, e.g. 1990-02-03",
  "validation.date.invalid": "This date does not exist — check the year, month and day",
  "validation.date.future": "The date cannot be later than today — check it",

  "validation.citizenId.empty": "Enter the citizen ID number",
  "validation.citizenId.length":
    "A citizen ID number has 18 characters (old cards 15) — check for missing or extra digits",
  "validation.citizenId.characters":
    "A citizen ID number is all digits; only the last character may be X — check for typos",
  "validation.citizenId.province":
    "The first two digits are not a valid province code — check the start of the number",
  "validation.citizenId.birthDate":
    "The birth date inside the ID number (characters 7–14) does not exist — check it",
  "validation.citizenId.birthFuture":
    "The birth date inside the ID number is in the future — check characters 7–14",
  "validation.citizenId.birthTooEarly":
    "The birth year inside the ID number is too early — check characters 7–10",
  "validation.citizenId.checksum": "The ID number's check character is wrong — check the last character",
  "validation.citizenId.county":
    "The first six digits (the area code) are not in the table of county codes, abolished ones included — check them against the ID card",

  "validation.idNumber.characters":
    "A document number may contain only letters, digits, brackets and hyphens — check for typos",

  "validation.uscc.empty": "Enter the unified social credit code",
  "validation.uscc.length":
    "A unified social credit code has 18 characters — compare it with the business licence",
  "validation.uscc.characters":
    "A unified social credit code has only digits and capital letters without I, O, S, V, Z — check for O typed instead of 0",
  "validation.uscc.department":
    "The credit code's first character (the registering department) is not one the national standard assigns — compare it with the business licence",
  "validation.uscc.category":
    "The credit code's second character (the kind of organisation) is not one its registering department (the first character) uses — compare the first two with the business licence",
  "validation.uscc.checksum":
    "The credit code's check character is wrong — compare the last character with the business licence",
  "validation.uscc.orgCodeChecksum":
    "Characters 9–17 of the credit code (the organisation code) fail their check — compare with the business licence",

  "validation.mobile.empty": "Enter the mobile number",
  "validation.mobile.characters": "A mobile number contains only digits — remove other characters",
  "validation.mobile.length": "A mobile number has 11 digits — check for missing or extra digits",
  "validation.mobile.format": "A mobile number starts with 13 to 19 — check the first two digits",

  "validation.phone.empty": "Enter the phone number",
  "validation.phone.format":
    "The phone number is not valid — enter an 11-digit mobile or a landline with area code (e.g. 020-83123456)",

  "validation.person.birthDateMismatch":
    "The birth date does not match the ID number — check it against the ID card",
  "validation.person.sexMismatch":
    "The sex does not match the ID number (17th digit odd = male, even = female) — check it",

  "validation.rental.leaseEndBeforeStart": "The lease end date is before the start date — check both dates",
  "validation.rental.hazardNoteRequired": "A safety hazard was recorded — describe it briefly",

  "validation.visit.subjectMissing": "Choose what this visit verified (a household, unit or rental room)",
  "validation.visit.revisitDueMissing": "A refusal or no answer needs a revisit date",
  "validation.visit.revisitDuePast": "The revisit date cannot be before the visit — check it",
  "validation.visit.positionIncomplete": "The position is incomplete — get it again, or save without it",
  "validation.visit.photoHash": "The photo's checksum is not valid — take the photo again",
  "validation.visit.field": "The corrected field's name is not valid",
  "validation.json.tooDeep": "The data is nested too deeply; it was not made by this app. Record it again",
  "validation.text.malformed": "The text contains a character that cannot be read; delete it and type again",
  "validation.text.bidiControl":
    "The text holds a hidden character that changes its direction (such as U+202E), so it would show differently from what it says; delete it and type again",
  "validation.visit.valueTooLarge":
    "The corrected value is too long (at most {max} KB each): shorten it and save again",
} as const satisfies Record<keyof typeof zh, string>;

export const validationMessages = { "zh-CN": zh, en } as const;

export type ValidationKey = keyof (typeof validationMessages)["zh-CN"];
export type ValidationParams = Record<string, string | number>;

export function isValidationKey(value: unknown): value is ValidationKey {
  return typeof value === "string" && Object.hasOwn(zh, value);
}
