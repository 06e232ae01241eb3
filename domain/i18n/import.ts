// Register import (npm run import): reasons a row or a file is refused, and the command's summary.
// zh-CN is the source; `en` must have every key (checked at compile time).

const zh = {
  "import.column.missing": "文件缺少必需的列“{column}”，请补上该列（表头写在第 1 行）后重新导入",
  "import.column.duplicate": "“{column}”与“{other}”都对应“{field}”，请删除其中一列",
  "import.encoding":
    "文件编码无法识别：请在 Excel 或 WPS 中另存为“CSV UTF-8”或 GB18030（GBK）编码的 CSV 后重新导入",
  "import.empty": "文件是空的：第 1 行应为表头，从第 2 行起每行一条记录",
  "import.csv.quote":
    '第 {row} 行有位置不对的英文双引号（"）：引号只能把一整格括起来，格内的引号要写成两个（""）。请改好该行后重新导入，之前的行已导入',
  "import.csv.quoteNotClosed":
    '第 {row} 行的英文双引号（"）没有配对，其后的内容都被读成了同一格：请在该行补上或删去这个引号后重新导入，之前的行已导入',
  "import.cancelled":
    "导入已取消：第 {row} 行起未导入，之前的批次已保存（重新导入同一文件会接着导入其余的行）",
  "import.flag": "请填写“是”或“否”",
  "import.code.unknown": "{column}「{value}」不是可用的值；可填写以下名称或括号中的代码：{allowed}",
  "import.code.unknownMore":
    "{column}「{value}」不是可用的值；可填写代码表中的名称或代码（共 {count} 项），例如：{allowed}",
  "import.duplicate": "与第 {row} 行重复（同一{column}在文件中只能出现一次），请核对后删除一行",
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
  "import.summary.stopping": "正在停止：当前这一批写完后结束（再按一次 Ctrl-C 立即退出）…",
  "import.summary.elapsed": "用时 {seconds} 秒（{rate} 行/秒）",
  "import.number": "请填写数字",
  "import.xlsx.unreadable": "无法读取这个 XLSX 文件：请在 Excel 或 WPS 中打开后另存为 .xlsx（或 CSV）再导入",
  "import.grid.format": "网格编码应为 15 位数字（社区代码加 3 位序号），请核对",
  "import.grid.unknown": "系统中没有这个网格编码，请核对",
  "import.grid.outsideCommunity": "该网格不在所填社区内，请核对社区代码或网格编码",
  "import.grid.required": "新楼栋须填写网格编码（所属网格），请补上后重新导入",
  "import.building.otherGrid": "该楼栋已登记在另一个网格，导入不改变楼栋所属网格；如确需调整请联系管理员",
  "import.rental.conflict": "与第 {row} 行同一房屋的出租信息不一致：同一出租屋的各行应填写相同的出租信息",
  "import.summary.kind.buildings": "楼栋",
  "import.summary.kind.rooms": "房屋",
  "import.summary.kind.units": "单位",
  "import.summary.kind.rentals": "出租屋与承租人",
  "import.summary.persons": "新建承租人（流动人口）{persons} 人，共 {batches} 批",
  "import.summary.batches": "共 {batches} 批",
  "import.rejectedReason": "错误原因",
  "import.uscc.checkReason": "统一社会信用代码校验位不符；如与证照一致，请在“校验说明”列填写原因后重新导入",
  "import.uscc.checkOverridden": "统一社会信用代码校验位不符，已按“校验说明”导入：{reason}",
  "import.uscc.departmentReason":
    "统一社会信用代码第 1 位（登记管理部门代码）不是国家标准中的代码；如与证照一致，请在“校验说明”列填写原因后重新导入",
  "import.uscc.departmentOverridden":
    "统一社会信用代码第 1 位（登记管理部门代码）不是国家标准中的代码，已按“校验说明”导入：{reason}",
  "import.uscc.categoryReason":
    "统一社会信用代码第 2 位（机构类别代码）不属于第 1 位的登记管理部门；如与证照一致，请在“校验说明”列填写原因后重新导入",
  "import.uscc.categoryOverridden":
    "统一社会信用代码第 2 位（机构类别代码）不属于第 1 位的登记管理部门，已按“校验说明”导入：{reason}",
  "import.summary.warnings": "提醒（这些行照常导入，请核对；前 {shown} 条，共 {total} 条）：",
} as const;

const en = {
  "import.column.missing": 'The file has no "{column}" column: add it (headers go in row 1) and import again',
  "import.column.duplicate": '"{column}" and "{other}" both mean "{field}": delete one of them',
  "import.encoding":
    "The file's encoding is not recognised: save it as CSV UTF-8 or as GB18030 (GBK) CSV in Excel or WPS and import again",
  "import.empty": "The file is empty: row 1 holds the headers, then one record per row",
  "import.csv.quote":
    'Row {row} has a double quote (") out of place: quotes may only enclose a whole cell, and a quote inside a cell is written twice (""). Fix that row and import again; the rows before it are imported',
  "import.csv.quoteNotClosed":
    'The double quote (") in row {row} is never closed, so everything after it reads as one cell: add the closing quote or delete it, then import again; the rows before it are imported',
  "import.cancelled":
    "The import was cancelled: rows from {row} on were not imported; earlier batches are saved (importing the same file again carries on with the rest)",
  "import.flag": 'Enter "是" (yes) or "否" (no)',
  "import.code.unknown":
    '{column} "{value}" is not an allowed value; enter one of these Chinese labels, or the code in brackets after it: {allowed}',
  "import.code.unknownMore":
    '{column} "{value}" is not an allowed value; enter a Chinese label of its code table, or its code ({count} in all), for example: {allowed}',
  "import.duplicate":
    "Same as row {row}: a {column} may appear only once in a file — check and delete one row",
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
    "Read {read, plural, one {# row} other {# rows}}: {inserted} inserted, {updated} updated, {unchanged} unchanged, {rejected} rejected",
  "import.summary.households":
    "{households, plural, one {# household} other {# households}} created, {batches, plural, one {# batch} other {# batches}}",
  "import.summary.ignored": "Columns not recognised (ignored): {columns}",
  "import.summary.errors": "Problems (first {shown} of {total}):",
  "import.summary.error": 'Row {row} "{column}" = "{value}": {reason}',
  "import.summary.rejectedFile": "Rejected rows were written to {path}: fix them and import that file again",
  "import.summary.stopped": "The import stopped at row {row}: {reason}",
  "import.summary.stopping": "Stopping after the batch being written (press Ctrl-C again to quit at once)…",
  "import.summary.elapsed": "{seconds} s ({rate} rows/s)",
  "import.number": "Enter a number",
  "import.xlsx.unreadable":
    "This XLSX file cannot be read: open it in Excel or WPS, save it as .xlsx (or CSV) and import again",
  "import.grid.format": "The grid code has 15 digits (the community code and a 3-digit number) — check it",
  "import.grid.unknown": "No grid has this code — check it",
  "import.grid.outsideCommunity":
    "This grid is not in the community given — check the community code or the grid code",
  "import.grid.required": "A new building needs its grid code: add it and import again",
  "import.building.otherGrid":
    "This building is registered in another grid; an import does not move buildings between grids — ask an administrator if it must move",
  "import.rental.conflict":
    "Rental details differ from row {row} for the same room: every row of one rental room must give the same rental details",
  "import.summary.kind.buildings": "buildings",
  "import.summary.kind.rooms": "rooms",
  "import.summary.kind.units": "units",
  "import.summary.kind.rentals": "rental rooms and tenants",
  "import.summary.persons":
    "{persons, plural, one {# tenant} other {# tenants}} created (as migrants), {batches, plural, one {# batch} other {# batches}}",
  "import.summary.batches": "{batches, plural, one {# batch} other {# batches}}",
  "import.rejectedReason": "Reason",
  "import.uscc.checkReason":
    "The credit code's check character does not match; if it is as on the licence, give the reason in a “校验说明” column and import again",
  "import.uscc.checkOverridden":
    "The credit code's check character does not match; imported on the reason in “校验说明”: {reason}",
  "import.uscc.departmentReason":
    "The credit code's first character (the registering department) is not one the national standard assigns; if it is as on the licence, give the reason in a “校验说明” column and import again",
  "import.uscc.departmentOverridden":
    "The credit code's first character (the registering department) is not one the national standard assigns; imported on the reason in “校验说明”: {reason}",
  "import.uscc.categoryReason":
    "The credit code's second character (the kind of organisation) is not one its registering department uses; if it is as on the licence, give the reason in a “校验说明” column and import again",
  "import.uscc.categoryOverridden":
    "The credit code's second character (the kind of organisation) is not one its registering department uses; imported on the reason in “校验说明”: {reason}",
  "import.summary.warnings":
    "Warnings (these rows are imported as usual; check them — first {shown} of {total}):",
} as const satisfies Record<keyof typeof zh, string>;

export type ImportKey = keyof typeof zh;

export const importMessages = { "zh-CN": zh, en } as const;
