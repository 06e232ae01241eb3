// Campaign questionnaires on the supervisor's campaign view: uploading an XLSForm workbook, the
// version in force, the report of a refused workbook, and the answers as the review shows them.
// The supervisor's screens register it (./all); the officer's phone never loads it.
// zh-CN is the source; `en` must have every key (checked at compile time).

const zh = {
  "questionnaireUpload.heading": "问卷",
  "questionnaireUpload.none":
    "本任务还没有问卷，信息员只做台账核实。上传 XLSForm 格式的 Excel 问卷后，信息员下次同步即可在入户时填写。",
  "questionnaireUpload.current": "当前问卷：{title}（第 {version} 版，{questions} 题）",
  "questionnaireUpload.currentFile": "来源文件 {file}，{date} 上传",
  "questionnaireUpload.hint":
    "工作簿须含 survey、choices、settings 三张表（XLSForm 格式）。上传后成为新的一版，旧版本已填写的走访保留其版本。",
  "questionnaireUpload.choose": "选择问卷文件（.xlsx）",
  "questionnaireUpload.submit": "上传问卷",
  "questionnaireUpload.uploading": "正在检查问卷…",
  "questionnaireUpload.done": "已发布“{title}”第 {version} 版（{questions} 题），信息员下次同步时生效",
  "questionnaireUpload.refused": "问卷有 {count} 处问题，未发布。请在 Excel 中逐条改正后重新上传：",
  "questionnaireUpload.badType": "请上传 .xlsx 格式的 Excel 文件",
  "questionnaireUpload.unreadable":
    "无法读取这个文件：它不是有效的 .xlsx 工作簿。请在 Excel 中另存为 .xlsx 后重新上传",
  "questionnaireUpload.tooLarge": "问卷文件不能超过 {mb} MB",
  "questionnaireUpload.adminOnly": "只有管理员可以上传问卷。",
  "questionnaireUpload.closed": "任务已结束，不能再上传问卷",
  "questionnaireUpload.versions": "全部版本",
  "questionnaireUpload.version": "第 {version} 版：{title}（{questions} 题，{date}，{file}）",
  "questionnaireUpload.download": "下载 Excel",
  "questionnaireUpload.downloadLabel": "下载第 {version} 版问卷（Excel，可修改后作为新版本上传）",
  "review.answers": "问卷答案（第 {version} 版）",
} as const;

const en = {
  "questionnaireUpload.heading": "Questionnaire",
  "questionnaireUpload.none":
    "This campaign has no questionnaire: officers verify the register only. Upload an XLSForm Excel questionnaire and officers answer it at the door after their next sync.",
  "questionnaireUpload.current":
    "Current questionnaire: {title} (version {version}, {questions, plural, one {# question} other {# questions}})",
  "questionnaireUpload.currentFile": "From {file}, uploaded {date}",
  "questionnaireUpload.hint":
    "The workbook needs the sheets survey, choices and settings (XLSForm). An upload becomes the next version; visits answered in an older version keep theirs.",
  "questionnaireUpload.choose": "Choose the questionnaire file (.xlsx)",
  "questionnaireUpload.submit": "Upload questionnaire",
  "questionnaireUpload.uploading": "Checking the questionnaire…",
  "questionnaireUpload.done":
    "Published “{title}” version {version} ({questions, plural, one {# question} other {# questions}}); officers get it at their next sync",
  "questionnaireUpload.refused":
    "The questionnaire has {count, plural, one {# problem} other {# problems}} and was not published. Correct each in Excel and upload it again:",
  "questionnaireUpload.badType": "Upload an Excel file in .xlsx format",
  "questionnaireUpload.unreadable":
    "This file cannot be read: it is not a valid .xlsx workbook. Save it as .xlsx in Excel and upload it again",
  "questionnaireUpload.tooLarge": "A questionnaire file can be at most {mb} MB",
  "questionnaireUpload.adminOnly": "Only administrators upload questionnaires.",
  "questionnaireUpload.closed": "The campaign has ended: no questionnaire can be uploaded",
  "questionnaireUpload.versions": "All versions",
  "questionnaireUpload.version":
    "Version {version}: {title} ({questions, plural, one {# question} other {# questions}}, {date}, {file})",
  "questionnaireUpload.download": "Download Excel",
  "questionnaireUpload.downloadLabel":
    "Download version {version} of the questionnaire (Excel, to edit and upload as a new version)",
  "review.answers": "Questionnaire answers (version {version})",
} as const satisfies Record<keyof typeof zh, string>;

export const questionnaireUploadMessages = { "zh-CN": zh, en } as const;
