// Questionnaire definitions (XLSForm workbooks): why an uploaded workbook is refused, one message per
// kind of mistake, each naming what to change. The report adds the sheet, row, column and cell
// (`questionnaire.def.where`). Expression messages say at which character the fault is.
// zh-CN is the source; `en` must have every key (checked at compile time).
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is XLSForm's reference syntax, shown to the reader as written.

const zh = {
  "questionnaire.def.where": "{sheet} 表第 {row} 行“{column}”列（{cell}）：{reason}",
  "questionnaire.def.whereSheet": "{sheet} 表：{reason}",
  "questionnaire.def.sheetMissing":
    "工作簿中没有名为“{sheet}”的工作表，请按 XLSForm 格式添加（表头写在第 1 行）",
  "questionnaire.def.sheetUnsupported": "不支持“{sheet}”工作表，请删除该表的内容",
  "questionnaire.def.empty": "survey 表中没有任何题目，请从第 2 行起每行填写一题",
  "questionnaire.def.columnMissing": "缺少必需的列“{column}”，请在表头（第 1 行）中添加",
  "questionnaire.def.columnUnknown": "不支持“{column}”列，请删除该列或清空其内容（支持的列见说明文档）",
  "questionnaire.def.columnDuplicate": "“{column}”列出现了两次，请删除其中一列",
  "questionnaire.def.columnNotForType": "“{type}”类型的行不能填写“{column}”列，请清空这一格",
  "questionnaire.def.language": "不支持语言“{language}”：标签列请写为 label::zh（中文）或 label::en（英文）",
  "questionnaire.def.typeMissing": "这一行有内容但没有填写类型（type），请填写类型或删除这一行",
  "questionnaire.def.typeUnknown": "不支持的类型“{type}”。支持的类型：{types}",
  "questionnaire.def.nameMissing": "请填写名称（name），每题一个",
  "questionnaire.def.nameInvalid":
    "名称“{name}”不合规：须以字母、汉字或下划线开头，只含字母、汉字、数字、下划线和短横线，最长 64 个字符",
  "questionnaire.def.nameReserved": "“{name}”是保留名称（用于 ${register.字段} 读取台账），请换一个名称",
  "questionnaire.def.nameDuplicate": "名称“{name}”与第 {row} 行重复，每题的名称必须唯一",
  "questionnaire.def.otherNameTaken":
    "这一题带“or_other”，会自动生成名为“{name}”的填写项，但该名称已被使用，请改名",
  "questionnaire.def.labelMissing": "请填写题目标签（label），这是信息员看到的题目文字",
  "questionnaire.def.calculationMissing": "calculate 类型的行须填写计算式（calculation）",
  "questionnaire.def.listMissing": "choices 表中没有选项列表“{list}”，请添加该列表的选项或改正列表名",
  "questionnaire.def.listNameMissing": "请填写选项所属的列表名（list_name）",
  "questionnaire.def.choiceNameMissing": "请填写选项的名称（name），即导出时记录的代码",
  "questionnaire.def.choiceNameSpace": "选项名称“{name}”中不能有空格（多选题用空格分隔各个选项），请删去空格",
  "questionnaire.def.choiceDuplicate": "列表“{list}”中的选项“{name}”与第 {row} 行重复，请改正",
  "questionnaire.def.choiceLabelMissing": "请填写选项的标签（label），这是信息员看到的选项文字",
  "questionnaire.def.orOtherFilter": "带“or_other”的选择题不能同时使用 choice_filter，请去掉其中之一",
  "questionnaire.def.endUnopened": "“{type}”之前没有对应的开始行（begin），请补上或删除这一行",
  "questionnaire.def.endMismatch": "这里应为“{expected}”：分组和重复组要按开始的相反顺序结束",
  "questionnaire.def.endName": "结束行的名称“{name}”与开始行的“{expected}”不一致，请改正或清空",
  "questionnaire.def.unclosed": "“{name}”（{type}）没有结束行，请在其最后一题之后加上对应的 end 行",
  "questionnaire.def.emptyGroup": "“{name}”中没有任何题目，请添加题目或删除开始和结束行",
  "questionnaire.def.appearance": "这一类型不支持外观（appearance）“{appearance}”。可用：{allowed}",
  "questionnaire.def.defaultInvalid": "默认值（default）不是有效的“{type}”答案，请改正",
  "questionnaire.def.refUnknown": "第 {at} 个字符处引用的 ${{name}} 在问卷中不存在，请核对名称",
  "questionnaire.def.refGroup": "第 {at} 个字符处的 ${{name}} 是分组，分组没有答案，请引用其中的题目",
  "questionnaire.def.refRepeat":
    "第 {at} 个字符处的 ${{name}} 是重复组，只能写在 count() 中，如 count(${{name}})",
  "questionnaire.def.refInRepeat":
    "第 {at} 个字符处的 ${{name}} 在重复组“{repeat}”中，每行一个答案：在该重复组外只能用 count() 或 sum() 汇总",
  "questionnaire.def.selfNotHere":
    "第 {at} 个字符处的“.”（本题答案）只能用于 constraint、required 和 read_only 列",
  "questionnaire.def.positionOutside": "第 {at} 个字符处的 position(..) 只能用于重复组中的题目",
  "questionnaire.def.registerUnknown":
    "第 {at} 个字符处的 ${register.{field}} 不是可读取的台账字段，请核对字段名",
  "questionnaire.def.filterColumn":
    "第 {at} 个字符处的“{name}”不是 choices 表的列：choice_filter 中的名称指选项列，题目请写作 ${名称}",
  "questionnaire.def.cycle": "计算或显示条件相互依赖，形成循环：{cycle}。请去掉其中一个引用",
  "questionnaire.def.bindUnknown":
    "“{field}”不是可绑定的台账字段：请写为“对象.字段”，如 person.phone、household.lowIncome（可绑定字段见说明文档）",
  "questionnaire.def.bindInRepeat":
    "重复组“{repeat}”中的题目不能绑定台账字段（每个台账字段每次走访只有一个值）",
  "questionnaire.def.bindDuplicate": "台账字段“{field}”已由第 {row} 行绑定，每个字段只能绑定一题",
  "questionnaire.def.bindDefault": "绑定台账的题目以台账现值为初始答案，不能再填写默认值（default），请清空",
  "questionnaire.def.bindType": "台账字段“{field}”不能用“{type}”类型的题目核实，可用：{expected}",
  "questionnaire.def.bindCodes":
    "台账字段“{field}”取值为代码，列表“{list}”中的选项名 {choices} 不是该字段的代码，请改为台账代码",
  "questionnaire.expr.empty": "表达式是空的",
  "questionnaire.expr.tooLong": "表达式过长（最多 {max} 个字符），请拆成几个 calculate 题",
  "questionnaire.expr.tooDeep": "第 {at} 个字符处括号或函数嵌套过深，请拆成几个 calculate 题",
  "questionnaire.expr.unexpected": "第 {at} 个字符处的“{token}”不合语法，请检查前后的运算符、逗号和括号",
  "questionnaire.expr.unexpectedEnd": "表达式在第 {at} 个字符处不完整，请检查是否缺少括号、引号或运算对象",
  "questionnaire.expr.character": "第 {at} 个字符“{token}”不能用在表达式中（文字请放在英文引号内）",
  "questionnaire.expr.curlyQuote": "第 {at} 个字符是中文引号“{token}”，请改用英文单引号 ' 或双引号 \"",
  "questionnaire.expr.unclosedString": "第 {at} 个字符处的引号没有配对，请补上结束的引号",
  "questionnaire.expr.unclosedRef": "第 {at} 个字符处的“${”没有配对的“}”，请补上",
  "questionnaire.expr.badRef":
    "第 {at} 个字符处的 ${{name}} 不是有效的引用：请写题目名称，或 ${register.字段} 读取台账",
  "questionnaire.expr.path":
    "第 {at} 个字符处是 XPath 路径（/、|、[ ]、@ 或 ..），不支持：请用 ${名称} 引用题目",
  "questionnaire.expr.bareName": "第 {at} 个字符处的“{name}”不认识：题目请写作 ${{name}}，文字请放在引号内",
  "questionnaire.expr.unknownFunction": "第 {at} 个字符处的函数 {name}() 不支持（支持的函数见说明文档）",
  "questionnaire.expr.arity": "第 {at} 个字符处的 {name}() 需要 {expected} 个参数，这里有 {count} 个",
  "questionnaire.expr.position": "第 {at} 个字符处：position 只能写作 position(..)，表示重复组中的行号",
  "questionnaire.expr.aggregateArg": "第 {at} 个字符处的 {name}() 只能汇总一个引用，如 {name}(${名称})",
  "questionnaire.expr.regexLiteral": "第 {at} 个字符处 regex() 的第二个参数须是写在引号内的正则表达式",
  "questionnaire.expr.regexInvalid": "第 {at} 个字符处的正则表达式“{pattern}”无效，请改正",
  "questionnaire.expr.regexUnsafe":
    "第 {at} 个字符处的正则表达式“{pattern}”含有可重复的组内再重复或分支（如 (a+)+），或反向引用，检查可能极慢：请改写",
} as const;

const en = {
  "questionnaire.def.where": "Sheet {sheet}, row {row}, column “{column}” ({cell}): {reason}",
  "questionnaire.def.whereSheet": "Sheet {sheet}: {reason}",
  "questionnaire.def.sheetMissing":
    "The workbook has no sheet named “{sheet}”: add it in the XLSForm layout (headers in row 1)",
  "questionnaire.def.sheetUnsupported": "The “{sheet}” sheet is not supported: clear its contents",
  "questionnaire.def.empty": "The survey sheet has no questions: from row 2, write one question per row",
  "questionnaire.def.columnMissing":
    "The required column “{column}” is missing: add it to the headers (row 1)",
  "questionnaire.def.columnUnknown":
    "The column “{column}” is not supported: delete it or clear it (the supported columns are in the documentation)",
  "questionnaire.def.columnDuplicate": "The column “{column}” appears twice: delete one of them",
  "questionnaire.def.columnNotForType": "A “{type}” row cannot have a “{column}”: clear this cell",
  "questionnaire.def.language":
    "The language “{language}” is not supported: write label columns as label::zh (Chinese) or label::en (English)",
  "questionnaire.def.typeMissing": "This row has content but no type: fill in the type or delete the row",
  "questionnaire.def.typeUnknown": "The type “{type}” is not supported. Supported types: {types}",
  "questionnaire.def.nameMissing": "Fill in the name, one per question",
  "questionnaire.def.nameInvalid":
    "The name “{name}” is not allowed: it starts with a letter, a Chinese character or an underscore and holds only those, digits and hyphens, at most 64 characters",
  "questionnaire.def.nameReserved":
    "“{name}” is reserved (it reads the register, as in ${register.field}): choose another name",
  "questionnaire.def.nameDuplicate":
    "The name “{name}” is already used in row {row}: every name must be unique",
  "questionnaire.def.otherNameTaken":
    "This question has “or_other”, which adds an answer named “{name}”, but that name is taken: rename it",
  "questionnaire.def.labelMissing": "Fill in the label: it is the question text the officer sees",
  "questionnaire.def.calculationMissing": "A calculate row needs a calculation",
  "questionnaire.def.listMissing":
    "The choices sheet has no list “{list}”: add that list's options or correct the list name",
  "questionnaire.def.listNameMissing": "Fill in the list this option belongs to (list_name)",
  "questionnaire.def.choiceNameMissing": "Fill in the option's name: the code the export records",
  "questionnaire.def.choiceNameSpace":
    "The option name “{name}” cannot contain spaces (a multiple-choice answer separates options by spaces): remove them",
  "questionnaire.def.choiceDuplicate": "The option “{name}” of list “{list}” repeats row {row}: correct it",
  "questionnaire.def.choiceLabelMissing": "Fill in the option's label: the text the officer sees",
  "questionnaire.def.orOtherFilter":
    "A choice question with “or_other” cannot also have a choice_filter: remove one of them",
  "questionnaire.def.endUnopened": "No begin row opens this “{type}”: add one or delete this row",
  "questionnaire.def.endMismatch":
    "“{expected}” belongs here: groups and repeats end in the reverse order they begin",
  "questionnaire.def.endName":
    "The end row's name “{name}” differs from the begin row's “{expected}”: correct it or clear it",
  "questionnaire.def.unclosed": "“{name}” ({type}) never ends: add its end row after its last question",
  "questionnaire.def.emptyGroup": "“{name}” holds no questions: add some, or delete its begin and end rows",
  "questionnaire.def.appearance":
    "This type does not support the appearance “{appearance}”. Available: {allowed}",
  "questionnaire.def.defaultInvalid": "The default is not a valid “{type}” answer: correct it",
  "questionnaire.def.refUnknown":
    "${{name}} at character {at} is not a question of this questionnaire: check the name",
  "questionnaire.def.refGroup":
    "${{name}} at character {at} is a group, and a group has no answer: refer to a question in it",
  "questionnaire.def.refRepeat":
    "${{name}} at character {at} is a repeat: it can only be counted, as in count(${{name}})",
  "questionnaire.def.refInRepeat":
    "${{name}} at character {at} is inside the repeat “{repeat}”, one answer per row: outside that repeat only count() or sum() can total it",
  "questionnaire.def.selfNotHere":
    "The “.” (this question's answer) at character {at} is allowed only in constraint, required and read_only",
  "questionnaire.def.positionOutside":
    "position(..) at character {at} is allowed only for questions inside a repeat",
  "questionnaire.def.registerUnknown":
    "${register.{field}} at character {at} is not a register field that can be read: check the field name",
  "questionnaire.def.filterColumn":
    "“{name}” at character {at} is not a column of the choices sheet: names in a choice_filter are option columns; write questions as ${…}",
  "questionnaire.def.cycle":
    "Calculations or conditions depend on each other in a circle: {cycle}. Remove one of the references",
  "questionnaire.def.bindUnknown":
    "“{field}” is not a register field a question can be bound to: write it as entity.field, e.g. person.phone or household.lowIncome (see the documentation for the list)",
  "questionnaire.def.bindInRepeat":
    "A question inside the repeat “{repeat}” cannot be bound to the register (a register field takes one value per visit)",
  "questionnaire.def.bindDuplicate":
    "The register field “{field}” is already bound by row {row}: bind each field to one question only",
  "questionnaire.def.bindDefault":
    "A bound question starts from the register's value: it cannot have a default as well, clear this cell",
  "questionnaire.def.bindType":
    "The register field “{field}” cannot be asked with a “{type}” question; use: {expected}",
  "questionnaire.def.bindCodes":
    "The register field “{field}” holds codes: the choice names {choices} in the list “{list}” are not its codes; use the register's codes",
  "questionnaire.expr.empty": "The expression is empty",
  "questionnaire.expr.tooLong":
    "The expression is too long (at most {max, plural, one {# character} other {# characters}}): split it into several calculate rows",
  "questionnaire.expr.tooDeep":
    "Brackets or functions are nested too deeply at character {at}: split it into several calculate rows",
  "questionnaire.expr.unexpected":
    "“{token}” at character {at} does not fit: check the operators, commas and brackets around it",
  "questionnaire.expr.unexpectedEnd":
    "The expression stops short at character {at}: a bracket, quote or operand is missing",
  "questionnaire.expr.character":
    "The character “{token}” at position {at} cannot be used in an expression (put text in straight quotes)",
  "questionnaire.expr.curlyQuote":
    "Character {at} is a curly quote “{token}”: use a straight single ' or double \" quote",
  "questionnaire.expr.unclosedString": "The quote at character {at} is never closed: add the closing quote",
  "questionnaire.expr.unclosedRef": "The “${” at character {at} has no closing “}”: add it",
  "questionnaire.expr.badRef":
    "${{name}} at character {at} is not a valid reference: write a question's name, or ${register.field} to read the register",
  "questionnaire.expr.path":
    "An XPath path (/, |, [ ], @ or ..) begins at character {at}, which is not supported: refer to questions as ${…}",
  "questionnaire.expr.bareName":
    "“{name}” at character {at} is not understood: write a question as ${{name}}, and put text in quotes",
  "questionnaire.expr.unknownFunction":
    "The function {name}() at character {at} is not supported (the documentation lists those that are)",
  "questionnaire.expr.arity":
    "At character {at}, {name}() needs this many arguments: {expected} (it has {count})",
  "questionnaire.expr.position":
    "At character {at}: position is written only as position(..), the row number inside a repeat",
  "questionnaire.expr.aggregateArg":
    "At character {at}, {name}() can total one reference only, as in {name}(${…})",
  "questionnaire.expr.regexLiteral":
    "The second argument of regex() at character {at} must be a regular expression in quotes",
  "questionnaire.expr.regexInvalid":
    "The regular expression “{pattern}” at character {at} is not valid: correct it",
  "questionnaire.expr.regexUnsafe":
    "The regular expression “{pattern}” at character {at} can take very long to check: it repeats a group that itself repeats or has alternatives (such as (a+)+), or refers back to a group. Rewrite it",
} as const satisfies Record<keyof typeof zh, string>;

export type DefinitionKey = keyof typeof zh;

export const questionnaireDefinitionMessages = { "zh-CN": zh, en } as const;
