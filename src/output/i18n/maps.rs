//! The maps' words added with the base maps, aggregated gaps, unit labels
//! and suggested sites: map.png / sites.png (`map.*`) and report.html
//! (`basemap.*`, `js.*` for the page's script, `sites.sec_*`).

/// (key, Chinese, English).
#[rustfmt::skip]
pub(super) const STRINGS: &[(&str, &str, &str)] = &[
    ("map.sites", "建议新址（{category}）及其步行范围", "suggested {category} sites, with their walk"),
    ("map.sites_title", "建议新建 {n} 处{category}（步行 {walk} 米内）：新增覆盖 {people} 人", "{n} suggested {category} sites within a {walk} m walk: {people} more residents covered"),
    // Online base maps of report.html.
    ("basemap.osm", "OpenStreetMap 地图", "OpenStreetMap"),
    ("basemap.osm_attr", "底图 © OpenStreetMap 贡献者", "Base map © OpenStreetMap contributors"),
    ("basemap.tianditu", "天地图", "Tianditu"),
    ("basemap.tianditu_attr", "底图 © 天地图（国家地理信息公共服务平台）", "Base map © Tianditu (National Platform for Common Geospatial Information Services)"),
    ("basemap.amap", "高德地图", "AMap"),
    ("basemap.amap_attr", "底图 © 高德地图（GCJ-02 坐标，本页数据已相应偏移）", "Base map © AMap (GCJ-02; this page's data are shifted to match)"),
    ("basemap.custom", "在线底图", "online base map"),
    ("basemap.custom_attr", "底图：{host}", "Base map: {host}"),
    ("map_hint_basemap", "底图为{name}（在线瓦片，需联网；离线时只显示本页数据）。点击社区、设施或街道边界查看数据；右上角可切换图层。", "The base map is {name} (online tiles: needs the internet; offline only this page's data show). Click a community, facility or unit for its figures; toggle layers at the top right."),
    ("js.lyr_basemap", "在线底图", "Online base map"),
    // Uncovered communities aggregated in hexagons.
    ("js.lyr_gap_hex", "未覆盖社区（按六边形汇总，{n} 个）", "Uncovered communities (hexagons, {n})"),
    ("js.hex_title", "六边形范围内未覆盖的社区", "Uncovered communities in this hexagon"),
    ("js.hex_communities", "未覆盖社区数", "Uncovered communities"),
    ("js.hex_people", "未覆盖居民", "Residents not covered"),
    ("js.hex_names", "社区", "Communities"),
    ("js.hex_more", "等 {n} 个", "and {n} more"),
    ("js.hex_legend", "未覆盖居民（每个六边形，直径 {d} 米）", "Residents not covered (per hexagon, {d} m across)"),
    ("hex_note", "未覆盖的社区超过 {max} 个，地图上按直径 {d} 米的六边形汇总（颜色越深，未覆盖居民越多），逐个社区见 gaps.csv。", "With more than {max} uncovered communities, the map sums them in hexagons {d} m across (darker: more residents not covered); gaps.csv lists each community."),
    // Suggested sites on the report map and in sites.html.
    ("js.lyr_sites", "建议选址（{n} 处）", "Suggested sites ({n})"),
    ("js.site_title", "建议选址 {rank}", "Suggested site {rank}"),
    ("js.site_new", "新增覆盖居民", "Residents newly covered"),
    ("js.site_cumulative", "累计新增", "Cumulative"),
    ("js.site_share", "建成后覆盖比例", "Covered share after"),
    ("js.site_names", "新增覆盖的社区", "Communities newly covered"),
    ("sites.report", "建议选址报告", "Suggested sites"),
    ("sites.sec", "建议选址", "Suggested sites"),
    ("sites.intro", "为{category}选出 {n} 处建议新址（步行 {walk} 米内，惰性贪心最大覆盖）：现已覆盖 {before} 人，建成后覆盖 {after} 人（{share}%）。", "{n} suggested {category} sites (within a {walk} m walk, lazy greedy maximal covering): {before} residents covered now, {after} ({share} %) after."),
    ("sites.th_rank", "排名", "Rank"),
    ("sites.th_site", "选址", "Site"),
    ("sites.th_unit", "单元", "Unit"),
    ("sites.th_new", "新增覆盖", "Newly covered"),
    ("sites.th_share", "建成后覆盖比例", "Covered after"),
    ("sites.th_names", "新增覆盖的社区", "Communities newly covered"),
];
