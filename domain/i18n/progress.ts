// Supervisor progress by grid, officer and day, and its exports. zh-CN is the source; `en` must have every key (checked at compile time).

const zh = {
  "progress.title": "进度",
  "progress.heading": "核查进度",
  "progress.loading": "正在加载进度…",
  "progress.updating": "正在更新…",
  "progress.asOf": "{area} · 截至 {date}（北京时间）",
  "progress.refresh": "刷新",
  "progress.campaign": "核查任务",
  "progress.campaignOption": "{name}（{status}）",
  "progress.campaignStatus.draft": "草稿",
  "progress.campaignStatus.open": "进行中",
  "progress.campaignStatus.closed": "已结束",
  "progress.noCampaignOption": "暂无核查任务",
  "progress.noCampaign": "您的辖区还没有核查任务。管理员创建任务并把网格分配给信息员后，这里会显示进度。",
  "progress.area": "范围",
  "progress.allArea": "全部（{name}）",

  "progress.measure.assigned": "应核查",
  "progress.measure.visited": "已走访",
  "progress.measure.checked": "已核查",
  "progress.measure.approved": "已审核",
  "progress.measure.returned": "被退回",
  "progress.measure.revisitsDue": "待复访",
  "progress.measure.toEscalate": "待上报",
  "progress.measure.completion": "完成率",
  "progress.measure.completionPct": "完成率（%）",
  "progress.completionOf": "已走访 {visited} / 应核查 {assigned} 间",
  "progress.completionOfTargets": "已走访 {visited} / 应核查 {assigned} 个对象",
  "progress.targetsNote": "本任务按走访对象统计：每个对象按其所在房屋的走访状态计数。",

  "progress.byArea": "下级区域",
  "progress.col.area": "区域",
  "progress.byGrid": "按网格",
  "progress.byOfficer": "按信息员",
  "progress.byDay": "按日期",
  "progress.total": "合计",
  "progress.listSeparator": "、",
  "progress.col.community": "社区",
  "progress.col.grid": "网格",
  "progress.col.gridCode": "网格编码",
  "progress.col.officers": "信息员",
  "progress.col.officer": "信息员",
  "progress.col.username": "账号",
  "progress.col.grids": "负责网格",
  "progress.col.day": "日期",
  "progress.col.visits": "走访次数",
  "progress.col.firstVisits": "首次走访房间数",
  "progress.col.cumulativeVisited": "累计已走访",
  "progress.col.cumulativeCompletion": "累计完成率",
  "progress.col.cumulativeCompletionPct": "累计完成率（%）",
  "progress.drillDown": "范围较大，这里不逐一列出。请在上方“下级区域”中选择一个区域查看；导出文件包含全部。",
  "progress.empty.grids": "这个范围在该任务中没有分配网格。请换一个任务或范围，或请管理员分配网格。",
  "progress.empty.officers": "这个范围在该任务中还没有信息员。请管理员把网格分配给信息员。",
  "progress.empty.days": "还没有走访记录。信息员走访并同步后，这里会按天显示进度。",

  "progress.chart.title": "每日进度",
  "progress.chart.description":
    "{from} 至 {to} 每天的走访次数（柱，左轴）和累计完成率（折线，右轴）。共走访 {visits} 次，累计完成率 {completion}。",
  "progress.chart.barTip": "{day}：走访 {visits} 次，累计完成率 {completion}",
  "progress.chart.visitsAxis": "走访次数",
  "progress.chart.completionAxis": "累计完成率",
  "progress.chart.dayAxis": "日期（北京时间）",
  "progress.chart.legendVisits": "每日走访次数",
  "progress.chart.legendCompletion": "累计完成率",
  "progress.chart.tableCaption": "每日进度数据",

  "progress.export.xlsx": "导出 XLSX",
  "progress.export.csv": "导出 CSV",
  "progress.export.csvShort": "CSV",
  "progress.export.tableCsv": "导出{table}的 CSV",
  "progress.export.fileName": "入户核查进度_{area}_{date}",

  "progress.def.title": "统计口径",
  "progress.def.assigned":
    "应核查：本任务已分配网格中的在册房屋间数；任务中走访后注销的房屋仍计入，完成率不会超过 100%。",
  "progress.def.visited": "已走访：本任务中至少有一次走访记录的房屋数（不论结果和审核）。",
  "progress.def.checked":
    "已核查：最近一次走访见到了人或有了结论（不是无人应答或拒访）、没有被退回、之后也没有居民提出异议的房屋数。信息员手机上的“已核查”、地图和导出都按这一口径。",
  "progress.def.review":
    "已审核：已核查且最近一次走访已审核通过的房屋数；被退回：最近一次走访被退回的房屋数。",
  "progress.def.revisitsDue":
    "待复访：最近一次走访为无人应答或拒访（未被退回），或居民在最近一次走访之后提出了异议且尚未处理的房屋数。从未接触那一刻起就计入，与信息员手机上的“待复访”一致。",
  "progress.def.toEscalate":
    "待上报：最近一次走访已是连续第 {max} 次未接触（无人应答或拒访，未被退回），应上报社区跟进的房屋数。两小时内连续的无人应答算一次上门；拒访每次都算。",
  "progress.def.completion": "完成率：已走访 ÷ 应核查。",
  "progress.def.officers":
    "按信息员：应核查为其负责网格的房屋数（两人共管一个网格时都计入）；已走访为本人走访过的房屋数；已核查、审核、退回和待复访按本人做的最近一次走访统计。",
  "progress.def.days":
    "按日期（北京时间）：当天的走访次数、当天首次被走访的房屋数，以及截至当天的累计已走访和累计完成率。",
} as const;

const en = {
  "progress.title": "Progress",
  "progress.heading": "Verification progress",
  "progress.loading": "Loading progress…",
  "progress.updating": "Updating…",
  "progress.asOf": "{area} · as of {date} (China time)",
  "progress.refresh": "Refresh",
  "progress.campaign": "Campaign",
  "progress.campaignOption": "{name} ({status})",
  "progress.campaignStatus.draft": "draft",
  "progress.campaignStatus.open": "open",
  "progress.campaignStatus.closed": "closed",
  "progress.noCampaignOption": "No campaign yet",
  "progress.noCampaign":
    "Your area has no campaign yet. Progress appears here once an administrator creates one and assigns grids to officers.",
  "progress.area": "Area",
  "progress.allArea": "All of {name}",

  "progress.measure.assigned": "Assigned",
  "progress.measure.visited": "Visited",
  "progress.measure.checked": "Checked",
  "progress.measure.approved": "Approved",
  "progress.measure.returned": "Returned",
  "progress.measure.revisitsDue": "Revisits due",
  "progress.measure.toEscalate": "To escalate",
  "progress.measure.completion": "Completion",
  "progress.measure.completionPct": "Completion (%)",
  "progress.completionOf": "{visited} of {assigned, plural, one {# room} other {# rooms}} visited",
  "progress.completionOfTargets": "{visited} of {assigned, plural, one {# target} other {# targets}} visited",
  "progress.targetsNote": "This campaign counts its targets: each target in the state of its room.",

  "progress.byArea": "Areas within",
  "progress.col.area": "Area",
  "progress.byGrid": "By grid",
  "progress.byOfficer": "By officer",
  "progress.byDay": "By day",
  "progress.total": "Total",
  "progress.listSeparator": ", ",
  "progress.col.community": "Community",
  "progress.col.grid": "Grid",
  "progress.col.gridCode": "Grid code",
  "progress.col.officers": "Officers",
  "progress.col.officer": "Officer",
  "progress.col.username": "Username",
  "progress.col.grids": "Grids",
  "progress.col.day": "Day",
  "progress.col.visits": "Visits",
  "progress.col.firstVisits": "Rooms first visited",
  "progress.col.cumulativeVisited": "Visited so far",
  "progress.col.cumulativeCompletion": "Completion so far",
  "progress.col.cumulativeCompletionPct": "Completion so far (%)",
  "progress.drillDown":
    "Too many to list at this level. Choose an area under “Areas within” above; the exports hold them all.",
  "progress.empty.grids":
    "No grids are assigned in this area for this campaign. Pick another campaign or area, or ask an administrator to assign grids.",
  "progress.empty.officers":
    "No officers work in this area for this campaign yet. Ask an administrator to assign grids to officers.",
  "progress.empty.days": "No visits yet. Daily progress appears here once officers visit and sync.",

  "progress.chart.title": "Daily progress",
  "progress.chart.description":
    "Visits per day (bars, left axis) and cumulative completion (line, right axis) from {from} to {to}. {visits, plural, one {# visit} other {# visits}} in all; completion so far {completion}.",
  "progress.chart.barTip":
    "{day}: {visits, plural, one {# visit} other {# visits}}, completion so far {completion}",
  "progress.chart.visitsAxis": "Visits",
  "progress.chart.completionAxis": "Completion so far",
  "progress.chart.dayAxis": "Day (China time)",
  "progress.chart.legendVisits": "Visits per day",
  "progress.chart.legendCompletion": "Completion so far",
  "progress.chart.tableCaption": "Daily progress data",

  "progress.export.xlsx": "Export XLSX",
  "progress.export.csv": "Export CSV",
  "progress.export.csvShort": "CSV",
  "progress.export.tableCsv": "Export {table} as CSV",
  "progress.export.fileName": "progress_{area}_{date}",

  "progress.def.title": "How these are counted",
  "progress.def.assigned":
    "Assigned: registered rooms in the grids assigned in this campaign; a room ended after a visit in the campaign still counts, so completion never passes 100%.",
  "progress.def.visited":
    "Visited: rooms with at least one visit in this campaign, whatever its outcome or review.",
  "progress.def.checked":
    "Checked: rooms whose latest visit reached someone or settled the door (not no answer or refused), was not returned, and has no open resident dispute after it. The officers' phones, the map and the exports count it the same way.",
  "progress.def.review":
    "Approved: checked rooms whose latest visit was approved. Returned: rooms whose latest visit was returned.",
  "progress.def.revisitsDue":
    "Revisits due: rooms whose latest visit was no answer or refused (and not returned), or where a resident disputed the record after it and nobody has handled that yet. Counted from the moment the call failed, as on the officers' phones.",
  "progress.def.toEscalate":
    "To escalate: rooms whose latest visit was the {max}th call without contact in a row (no answer or refused, not returned), to report to the community. No answers within two hours of the call's first knock are one call; every refusal is a call.",
  "progress.def.completion": "Completion: visited ÷ assigned.",
  "progress.def.officers":
    "By officer: assigned counts the rooms of the officer's grids (both officers count a shared grid); visited, the rooms the officer visited; checked, approved, returned and revisits due follow the latest visit when it is the officer's.",
  "progress.def.days":
    "By day (China time): visits recorded that day, rooms visited for the first time that day, and the rooms visited and completion so far.",
} as const satisfies Record<keyof typeof zh, string>;

export const progressMessages = { "zh-CN": zh, en } as const;
