// Campaigns (核查任务): the list, the create form, a campaign's grids and officers, closing, and the
// server's refusals. zh-CN is the source; `en` must have every key (checked at compile time).

const zh = {
  "campaign.title": "核查任务",
  "campaign.heading": "核查任务",
  "campaign.intro": "一轮入户核查覆盖的社区，以及每个网格由哪位信息员负责。",
  "campaign.loading": "正在加载核查任务…",
  "campaign.empty": "您的辖区还没有核查任务。",
  "campaign.emptyAdmin": "您的辖区还没有核查任务。点击“新建核查任务”选择社区并开始。",
  "campaign.status.draft": "草稿",
  "campaign.status.open": "进行中",
  "campaign.status.closed": "已结束",
  "campaign.dates": "{from} 至 {to}",
  "campaign.datesFrom": "{from} 起",
  "campaign.areas": "范围：{areas}",
  "campaign.listSeparator": "、",
  "campaign.staffing": "已分配网格 {assigned}/{grids} · 信息员 {officers} 人",
  "campaign.unstaffed": "还有 {count} 个网格未分配信息员",
  "campaign.manage": "分配网格",
  "campaign.back": "返回核查任务列表",

  "campaign.new": "新建核查任务",
  "campaign.form.heading": "新建核查任务",
  "campaign.form.name": "任务名称",
  "campaign.form.namePlaceholder": "例如：2027年第一季度入户核查",
  "campaign.form.startsOn": "开始日期",
  "campaign.form.endsOn": "结束日期（可不填）",
  "campaign.form.areas": "核查范围",
  "campaign.form.areasHint": "选择街道即包含其全部社区和网格。创建后立即开始，并为范围内每一户生成核查码。",
  "campaign.form.wholeStreet": "{name}（全街）",
  "campaign.form.submit": "创建并开始",
  "campaign.form.submitting": "正在创建…",
  "campaign.form.cancel": "取消",
  "campaign.form.created": "已创建“{name}”，已为 {codes} 户生成核查码。请为各网格分配信息员。",

  "campaign.grids.heading": "网格与信息员",
  "campaign.grids.hint":
    "只能分配负责区域包含该网格的信息员。改派后，原信息员的手机下次同步时移除该网格；改派前保存、尚未上传的记录仍会照常提交。",
  "campaign.grids.empty": "这个核查任务在您的辖区内没有网格。",
  "campaign.grid.col": "网格",
  "campaign.grid.officer": "信息员",
  "campaign.grid.officerFor": "{grid} 的信息员",
  "campaign.grid.none": "未分配",
  "campaign.grid.saving": "正在保存…",
  "campaign.grid.saved": "{grid} 已分配给 {officer}",
  "campaign.grid.cleared": "{grid} 已取消分配",
  "campaign.grid.noEligible": "没有负责该网格的信息员",
  "campaign.officerOption": "{name}（{username}）",

  "campaign.close": "结束任务",
  "campaign.close.confirm":
    "确定结束“{name}”吗？结束后信息员不能再提交这一轮的走访，居民手中的核查码也随之失效。此操作不能撤销。",
  "campaign.close.yes": "确认结束",
  "campaign.close.no": "暂不结束",
  "campaign.close.done": "“{name}”已结束。",
  "campaign.closedAt": "已于 {date} 结束",
  "campaign.closedNote": "任务已结束，网格分配不能再修改。",

  "campaign.error.areasRequired": "请至少选择一个街道或社区",
  "campaign.error.endsBeforeStart": "结束日期不能早于开始日期，请核对",
  "campaign.error.gridNotInCampaign": "这个网格不在该核查任务的范围内",
  "campaign.error.officerOutsideGrid": "该信息员的负责区域不包含这个网格，请选择负责该网格的信息员",
  "campaign.error.closed": "该核查任务已结束，网格分配不能再修改",
} as const;

const en = {
  "campaign.title": "Campaigns",
  "campaign.heading": "Campaigns",
  "campaign.intro": "Each survey round, the communities it covers and which officer holds each grid.",
  "campaign.loading": "Loading campaigns…",
  "campaign.empty": "Your area has no campaign yet.",
  "campaign.emptyAdmin":
    "Your area has no campaign yet. Choose “New campaign” to pick communities and start one.",
  "campaign.status.draft": "draft",
  "campaign.status.open": "open",
  "campaign.status.closed": "closed",
  "campaign.dates": "{from} to {to}",
  "campaign.datesFrom": "from {from}",
  "campaign.areas": "Covers: {areas}",
  "campaign.listSeparator": ", ",
  "campaign.staffing": "Grids assigned {assigned}/{grids} · {officers} officers",
  "campaign.unstaffed": "{count} grids have no officer yet",
  "campaign.manage": "Assign grids",
  "campaign.back": "Back to campaigns",

  "campaign.new": "New campaign",
  "campaign.form.heading": "New campaign",
  "campaign.form.name": "Name",
  "campaign.form.namePlaceholder": "e.g. Household survey, Q1 2027",
  "campaign.form.startsOn": "Starts on",
  "campaign.form.endsOn": "Ends on (optional)",
  "campaign.form.areas": "Areas covered",
  "campaign.form.areasHint":
    "A street includes all its communities and grids. The campaign opens at once and every household in it gets a self-check code.",
  "campaign.form.wholeStreet": "{name} (whole street)",
  "campaign.form.submit": "Create and open",
  "campaign.form.submitting": "Creating…",
  "campaign.form.cancel": "Cancel",
  "campaign.form.created":
    "“{name}” created; {codes} households got a self-check code. Now assign officers to its grids.",

  "campaign.grids.heading": "Grids and officers",
  "campaign.grids.hint":
    "Only officers whose own area contains the grid can take it. After a change, the previous officer's phone drops the grid at its next sync; work saved there before the change is still sent and taken.",
  "campaign.grids.empty": "This campaign has no grids in your area.",
  "campaign.grid.col": "Grid",
  "campaign.grid.officer": "Officer",
  "campaign.grid.officerFor": "Officer for {grid}",
  "campaign.grid.none": "Not assigned",
  "campaign.grid.saving": "Saving…",
  "campaign.grid.saved": "{grid} assigned to {officer}",
  "campaign.grid.cleared": "{grid} no longer assigned",
  "campaign.grid.noEligible": "No officer covers this grid",
  "campaign.officerOption": "{name} ({username})",

  "campaign.close": "Close campaign",
  "campaign.close.confirm":
    "Close “{name}”? Officers can no longer send visits for this round, and the residents' self-check codes stop working. This cannot be undone.",
  "campaign.close.yes": "Yes, close it",
  "campaign.close.no": "Keep it open",
  "campaign.close.done": "“{name}” is closed.",
  "campaign.closedAt": "Closed on {date}",
  "campaign.closedNote": "This campaign is closed; its grid assignments can no longer change.",

  "campaign.error.areasRequired": "Choose at least one street or community",
  "campaign.error.endsBeforeStart": "The end date cannot be before the start date — check it",
  "campaign.error.gridNotInCampaign": "This grid is not in the campaign's areas",
  "campaign.error.officerOutsideGrid":
    "This officer's own area does not contain the grid — choose an officer who covers it",
  "campaign.error.closed": "This campaign is closed; its grid assignments can no longer change",
} as const satisfies Record<keyof typeof zh, string>;

export const campaignMessages = { "zh-CN": zh, en } as const;
