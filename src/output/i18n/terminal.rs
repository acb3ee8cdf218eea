//! The terminal's words besides the summary (`t.*` in the main table):
//! progress (`progress.<stage>`), the `sites` summary (`sites.*`) and the
//! line prefixes of warnings and notes.

/// (key, Chinese, English).
#[rustfmt::skip]
pub(super) const STRINGS: &[(&str, &str, &str)] = &[
    // Progress on the terminal (`progress.<stage>`).
    ("progress.eta", "约剩 {eta}", "about {eta} left"),
    ("progress.loading", "读取输入数据", "loading inputs"),
    ("progress.reading", "读取输入数据", "reading inputs"),
    ("progress.decoding", "解码 OSM 数据块", "decoding OSM blocks"),
    ("progress.analysing", "分析步行覆盖", "analysing"),
    ("progress.snapping", "接入步行路网", "snapping to the network"),
    ("progress.searching", "逐个设施计算步行距离", "walking searches per facility"),
    ("progress.nearest", "逐类设施计算最近距离", "nearest facility per category"),
    ("progress.catchments", "计算生活圈、时段与人均指标", "tiers, time windows and per-capita figures"),
    ("progress.bands", "绘制步行范围", "tracing walking bands"),
    ("progress.isochrones", "绘制各设施步行范围", "isochrones per facility"),
    ("progress.assessing", "评估短板与评分卡", "assessing gaps and the scorecard"),
    ("progress.output", "写出结果文件", "writing the outputs"),
    ("progress.writing", "写出数据文件", "writing data files"),
    ("progress.report", "绘制报告与地图", "drawing the report and map"),
    ("progress.siting", "选择建议选址", "choosing sites"),
    // Line prefixes on stderr.
    ("term.warning", "警告：{text}", "warning: {text}"),
    // `fitcircle sites` on the terminal.
    ("sites.head", "{category}建议选址，步行 {walk} 米内（{candidates} 个候选点）；现已覆盖{planned}：{covered} 人，共 {total} 人", "sites for {category} within {walk} m ({candidates} candidates); covered now{planned}: {covered} of {total} people"),
    ("sites.planned_built", "（规划设施按已建计）", " (planned counted as built)"),
    ("sites.method", "方法：惰性贪心最大覆盖（新增覆盖人口不低于同样数量最优选址的约 63%）", "method: lazy greedy maximal covering (within 1 - 1/e of the best k sites)"),
    ("sites.grid_point", "网格点 {n}", "grid:{n}"),
    ("sites.col_rank", "排名", "rank"),
    ("sites.col_site", "选址", "site"),
    ("sites.col_new", "新增覆盖", "new people"),
    ("sites.col_cumulative", "累计新增", "cumulative"),
    ("sites.col_share", "覆盖比例", "share"),
    ("sites.col_unit", "单元", "unit"),
    ("sites.all_covered", "（只有 {n} 个选址能新增覆盖：所有居民均已覆盖）", "(only {n} sites add anyone: every resident is covered)"),
    ("sites.stopped", "（只有 {n} 个选址能新增覆盖：仍有 {left} 人未覆盖，其中 {off} 人未接入路网；其余居民 {walk} 米内没有其他候选点）", "(only {n} sites add anyone: {left} people remain uncovered, {off} of them off the walking network; no other candidate is within {walk} m of the rest)"),
    ("sites.from_scratch", "未读取到任何体育设施：所有居民都算作未覆盖，以下选址从零开始选择（analyze 会拒绝这样的输入；用 --facilities 计入现有场馆）", "no sports facilities loaded: every resident counts as uncovered, so these sites are chosen from scratch (analyze refuses this input; add --facilities to count the existing venues)"),
];
