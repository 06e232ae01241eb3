// Register import (npm run import): reasons a row or a file is refused, and the command's summary.
// zh-CN is the source; `en` must have every key (checked at compile time).

const zh = {
  "import.column.missing": "文件缺少必需的列“{column}”，请补上该列（表头写在第 1 行）后重新导入",
  "import.column.duplicate": "“{column}”与“{other}”都对应“{field}”，请删除其中一列",
  "import.encoding":
    "文件编码无法识别：请在 Excel 或 WPS 中另存为“CSV UTF-8”或 GB18030（GBK）编码的 CSV 后重新导入",
  "import.empty": "文件是空的：第 1 行应为表头，从第 2 行起每行一人",
  "import.flag": "请填写“是”或“否”",
  "import.duplicate": "与第 {row} 行的证件号码重复：同一人在文件中只能出现一次，请核对后删除一行",
  "import.community.format": "社区代码应为 12 位数字（统计用区划代码），请核对",
  "import.community.unknown": "系统中没有这个社区代码，请核对（应为本辖区社区的 12 位统计用区划代码）",
  "import.building.unknown": "系统中没有这个建筑物编码，请核对，或先导入该楼栋",
  "import.building.outsideCommunity": "该建筑物不在所填社区内，请核对社区代码或建筑物编码",
  "import.room.unknown": "该楼栋中没有这个房号（单元 {unit}），请核对单元和房号，或先导入该房屋",
  "import.household.otherRoom": "户号 {householdNo} 已登记在另一处房屋（{where}），请核对户号、楼栋和房号",
  "import.stopped": "第 {row} 行起的一批数据写入失败，已整批撤销，之前的批次已保存：{reason}",
  "import.summary.title": "导入{kind}：{file}",
  "import.summary.kind.persons": "人员与户",
  "import.summary.encoding": "文件编码：{encoding}",
  "import.summary.dryRun": "试导入（--dry-run）：只检查，未写入数据库",
  "import.summary.totals":
    "读取 {read} 行：新增 {inserted}，更新 {updated}，无变化 {unchanged}，拒绝 {rejected}",
  "import.summary.households": "新建户 {households} 个，共 {batches} 批",
  "import.summary.ignored": "未识别的列（已忽略）：{columns}",
  "import.summary.errors": "问题明细（前 {shown} 条，共 {total} 条）：",
  "import.summary.error": "第 {row} 行 “{column}” = “{value}”：{reason}",
  "import.summary.rejectedFile": "被拒绝的行已写入 {path}，修改后可直接重新导入",
  "import.summary.stopped": "导入在第 {row} 行处停止：{reason}",
  "import.summary.elapsed": "用时 {seconds} 秒（{rate} 行/秒）",
  "import.rejectedReason": "错误原因",
} as const;

const en = {
  "import.column.missing": 'The file has no "{column}" column: add it (headers go in row 1) and import again',
  "import.column.duplicate": '"{column}" and "{other}" both mean "{field}": delete one of them',
  "import.encoding":
    "The file's encoding is not recognised: save it as CSV UTF-8 or as GB18030 (GBK) CSV in Excel or WPS and import again",
  "import.empty": "The file is empty: row 1 holds the headers, then one person per row",
  "import.flag": 'Enter "是" (yes) or "否" (no)',
  "import.duplicate":
    "Same document number as row {row}: a person may appear only once in a file — check and delete one row",
  "import.community.format": "The community code has 12 digits (statistical area code) — check it",
  "import.community.unknown":
    "No community has this code — check it (the 12-digit statistical code of a community here)",
  "import.building.unknown": "No building has this code — check it, or import the building first",
  "import.building.outsideCommunity":
    "This building is not in the community given — check the community code or the building code",
  "import.room.unknown":
    "This building has no such room (unit {unit}) — check the unit and room number, or import the room first",
  "import.household.otherRoom":
    "Household {householdNo} is registered at another room ({where}) — check the household number, building and room",
  "import.stopped":
    "Writing the batch from row {row} failed and was rolled back; earlier batches are saved: {reason}",
  "import.summary.title": "Import of {kind}: {file}",
  "import.summary.kind.persons": "persons and households",
  "import.summary.encoding": "Encoding: {encoding}",
  "import.summary.dryRun": "Dry run (--dry-run): checked only, nothing written",
  "import.summary.totals":
    "Read {read} rows: {inserted} inserted, {updated} updated, {unchanged} unchanged, {rejected} rejected",
  "import.summary.households": "{households} households created, {batches} batches",
  "import.summary.ignored": "Columns not recognised (ignored): {columns}",
  "import.summary.errors": "Problems (first {shown} of {total}):",
  "import.summary.error": 'Row {row} "{column}" = "{value}": {reason}',
  "import.summary.rejectedFile": "Rejected rows were written to {path}: fix them and import that file again",
  "import.summary.stopped": "The import stopped at row {row}: {reason}",
  "import.summary.elapsed": "{seconds} s ({rate} rows/s)",
  "import.rejectedReason": "Reason",
} as const satisfies Record<keyof typeof zh, string>;

export type ImportKey = keyof typeof zh;

export const importMessages = { "zh-CN": zh, en } as const;
