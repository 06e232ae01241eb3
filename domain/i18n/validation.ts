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
  "validation.visit.claimTwice": "同一条核实事项只能回答一次",
  "validation.visit.field": "更正的字段名无效",
  "validation.json.tooDeep": "数据层级过深，不是本应用生成的内容，请重新录入",
  "validation.text.malformed": "文字中含有无法识别的字符，请删除后重新输入",
  "validation.text.bidiControl":
    "文字中含有控制文字方向的隐藏字符（如 U+202E），会让显示的内容与实际不符，请删除后重新输入",
  "validation.visit.valueTooLarge": "更正的内容过长（每项最多 {max} KB），请删减后重新保存",
} as const;

export { zh as validationZh };

export type ValidationKey = keyof typeof zh;
export type ValidationParams = Record<string, string | number>;

export function isValidationKey(value: unknown): value is ValidationKey {
  return typeof value === "string" && Object.hasOwn(zh, value);
}
