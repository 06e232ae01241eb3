// The administrator's import page (/supervise/import) and its upload route. zh-CN is the source; `en`
// must have every key (checked at compile time). The engine's own messages are in import.ts.

const zh = {
  "importPage.title": "数据导入",
  "importPage.intro":
    "导入部门回流的登记数据。每一行都按国家标准校验；有问题的行会逐条列出，可下载后修改再导入，其余行照常导入。",
  "importPage.kind": "数据类型",
  "importPage.rows": "已处理 {rows} 行",
  "importPage.file": "文件",
  "importPage.fileHint":
    "CSV 文件（UTF-8 或 GB18030 编码）或 Excel 文件（.xlsx，读第一个工作表），第 1 行为表头，表头对照见 README。",
  "importPage.dryRun": "只校验，不写入（试导入）",
  "importPage.start": "开始导入",
  "importPage.check": "开始校验",
  "importPage.uploading": "正在上传 {percent}%",
  "importPage.importing": "正在校验并写入，请勿关闭页面…",
  "importPage.done": "导入完成",
  "importPage.doneDry": "校验完成，未写入任何数据",
  "importPage.total.read": "读取",
  "importPage.total.inserted": "新增",
  "importPage.total.updated": "更新",
  "importPage.total.unchanged": "无变化",
  "importPage.total.rejected": "拒绝",
  "importPage.households": "新建户 {count} 个，共 {batches} 批，用时 {seconds} 秒",
  "importPage.tenants": "新建承租人 {count} 人，共 {batches} 批，用时 {seconds} 秒",
  "importPage.batches": "共 {batches} 批，用时 {seconds} 秒",
  "importPage.encoding": "文件编码：{encoding}",
  "importPage.ignored": "未识别的列（已忽略）：{columns}",
  "importPage.stopped": "导入在第 {row} 行处停止：{reason}",
  "importPage.errors": "问题明细（共 {count} 条）",
  "importPage.errorsShown": "只显示前 {shown} 条；完整内容请下载被拒绝的行。",
  "importPage.rowNo": "第 {row} 行",
  "importPage.warnings": "提醒（共 {count} 条）",
  "importPage.warningsIntro": "这些行照常导入，但有需要留意的地方，请核对。",
  "importPage.warningsShown": "只显示前 {shown} 条。",
  "importPage.downloadRejected": "下载被拒绝的行（CSV）",
  "importPage.adminOnly": "只有管理员可以导入数据。",
  "importPage.noFile": "请选择要导入的文件",
  "importPage.badType": "只能导入 CSV（.csv）或 Excel（.xlsx）文件",
  "importPage.tooLarge": "文件超过 {mb} MB，请拆分后分批导入",
  "importPage.failed": "上传失败，请检查网络后重试",
} as const;

const en = {
  "importPage.title": "Import",
  "importPage.intro":
    "Import register data returned by departments. Every row is checked against the national standards; rows with problems are listed one by one and can be downloaded, fixed and imported again, while the others are imported.",
  "importPage.kind": "Kind of data",
  "importPage.rows": "{rows, plural, one {# row} other {# rows}} done",
  "importPage.file": "File",
  "importPage.fileHint":
    "A CSV file (UTF-8 or GB18030) or an Excel file (.xlsx, first sheet), headers in row 1; the README lists the headers.",
  "importPage.dryRun": "Check only, write nothing (dry run)",
  "importPage.start": "Import",
  "importPage.check": "Check",
  "importPage.uploading": "Uploading {percent}%",
  "importPage.importing": "Checking and writing; keep this page open…",
  "importPage.done": "Import finished",
  "importPage.doneDry": "Check finished; nothing was written",
  "importPage.total.read": "Read",
  "importPage.total.inserted": "Inserted",
  "importPage.total.updated": "Updated",
  "importPage.total.unchanged": "Unchanged",
  "importPage.total.rejected": "Rejected",
  "importPage.households":
    "{count, plural, one {# household} other {# households}} created in {batches, plural, one {# batch} other {# batches}}, {seconds} s",
  "importPage.tenants":
    "{count, plural, one {# tenant} other {# tenants}} added to the register in {batches, plural, one {# batch} other {# batches}}, {seconds} s",
  "importPage.batches": "{batches, plural, one {# batch} other {# batches}}, {seconds} s",
  "importPage.encoding": "Encoding: {encoding}",
  "importPage.ignored": "Columns not recognised (ignored): {columns}",
  "importPage.stopped": "The import stopped at row {row}: {reason}",
  "importPage.errors": "Problems ({count})",
  "importPage.errorsShown": "The first {shown} are shown; download the rejected rows for all of them.",
  "importPage.rowNo": "Row {row}",
  "importPage.warnings": "Warnings ({count})",
  "importPage.warningsIntro":
    "These rows are imported as usual, but something in them needs a look: check them.",
  "importPage.warningsShown": "The first {shown} are shown.",
  "importPage.downloadRejected": "Download the rejected rows (CSV)",
  "importPage.adminOnly": "Only administrators can import data.",
  "importPage.noFile": "Choose a file to import",
  "importPage.badType": "Only CSV (.csv) and Excel (.xlsx) files can be imported",
  "importPage.tooLarge": "The file is over {mb} MB: split it and import the parts",
  "importPage.failed": "The upload failed: check the network and try again",
} as const satisfies Record<keyof typeof zh, string>;

export const importPageMessages = { "zh-CN": zh, en } as const;
