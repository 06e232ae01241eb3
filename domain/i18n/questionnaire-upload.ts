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
    "工作簿须含 survey、choices、settings 三张表（XLSForm 格式）。上传后先成为草稿，预览无误后发布为新的一版；旧版本已填写的走访保留其版本。",
  "questionnaireUpload.choose": "选择问卷文件（.xlsx）",
  "questionnaireUpload.submit": "上传问卷",
  "questionnaireUpload.uploading": "正在检查问卷…",
  "questionnaireUpload.done":
    "已上传“{title}”第 {version} 版草稿（{questions} 题）。请在下方预览，确认无误后发布",
  "questionnaireUpload.refused": "问卷有 {count} 处问题，未保存。请在 Excel 中逐条改正后重新上传：",
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
  "questionnairePublish.draft": "草稿：{title}（第 {version} 版，{questions} 题，未发布）",
  "questionnairePublish.draftFile":
    "来源文件 {file}，{date} 上传。草稿不会发到信息员手机，发布后才成为任务的当前问卷；发布后不能再修改。",
  "questionnairePublish.previewHeading": "手机预览",
  "questionnairePublish.previewHint":
    "与信息员手机上显示的问卷相同。台账数据为示例（{sample}），在此填写的内容不会保存。",
  "questionnairePublish.sample": "60 岁以上、低保户",
  "questionnairePublish.publish": "发布",
  "questionnairePublish.publishing": "正在发布…",
  "questionnairePublish.published": "已发布“{title}”第 {version} 版（{questions} 题），信息员下次同步时生效",
  "questionnairePublish.discard": "放弃草稿",
  "questionnairePublish.discarded": "已放弃第 {version} 版草稿",
  "questionnairePublish.already": "第 {version} 版已经发布，不能再次发布",
  "questionnairePublish.replaces": "再次上传会替换这份草稿。",
} as const;

const en = {
  "questionnaireUpload.heading": "Questionnaire",
  "questionnaireUpload.none":
    "This campaign has no questionnaire: officers verify the register only. Upload an XLSForm Excel questionnaire and officers answer it at the door after their next sync.",
  "questionnaireUpload.current":
    "Current questionnaire: {title} (version {version}, {questions, plural, one {# question} other {# questions}})",
  "questionnaireUpload.currentFile": "From {file}, uploaded {date}",
  "questionnaireUpload.hint":
    "The workbook needs the sheets survey, choices and settings (XLSForm). An upload becomes a draft first; preview it, then publish it as the next version. Visits answered in an older version keep theirs.",
  "questionnaireUpload.choose": "Choose the questionnaire file (.xlsx)",
  "questionnaireUpload.submit": "Upload questionnaire",
  "questionnaireUpload.uploading": "Checking the questionnaire…",
  "questionnaireUpload.done":
    "Uploaded “{title}” version {version} as a draft ({questions, plural, one {# question} other {# questions}}). Preview it below and publish it when it is right",
  "questionnaireUpload.refused":
    "The questionnaire has {count, plural, one {# problem} other {# problems}} and was not saved. Correct each in Excel and upload it again:",
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
  "questionnairePublish.draft":
    "Draft: {title} (version {version}, {questions, plural, one {# question} other {# questions}}, not published)",
  "questionnairePublish.draftFile":
    "From {file}, uploaded {date}. A draft never reaches officers' phones; once published it becomes the campaign's questionnaire and can no longer change.",
  "questionnairePublish.previewHeading": "Phone preview",
  "questionnairePublish.previewHint":
    "Exactly as officers' phones show it. The register values are samples ({sample}); nothing typed here is saved.",
  "questionnairePublish.sample": "aged 60+, low income",
  "questionnairePublish.publish": "Publish",
  "questionnairePublish.publishing": "Publishing…",
  "questionnairePublish.published":
    "Published “{title}” version {version} ({questions, plural, one {# question} other {# questions}}); officers get it at their next sync",
  "questionnairePublish.discard": "Discard draft",
  "questionnairePublish.discarded": "Draft version {version} discarded",
  "questionnairePublish.already": "Version {version} is already published",
  "questionnairePublish.replaces": "Uploading again replaces this draft.",
} as const satisfies Record<keyof typeof zh, string>;

export const questionnaireUploadMessages = { "zh-CN": zh, en } as const;
