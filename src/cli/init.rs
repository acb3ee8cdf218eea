//! `fitcircle init DIR`: a commented `fitcircle.toml` naming every input,
//! setting and column option with its default, and empty CSV templates
//! (English headers, and Chinese ones where the readers accept them), for
//! a bureau to fill in. Never overwrites a file.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Result;
use fitcircle::config::Settings;
use fitcircle::input::table::ACCEPTED_COLUMNS;
use fitcircle::model::Category;

/// Each template: file name, then the fields of its header row.
const TEMPLATES: &[(&str, &[&str])] = &[
    (
        "facilities",
        &[
            "id",
            "name",
            "category",
            "status",
            "area_m2",
            "floor_area_m2",
            "opening_hours",
            "open_to_public",
            "subtype",
            "lon",
            "lat",
        ],
    ),
    (
        "communities",
        &[
            "id",
            "name",
            "population",
            "households",
            "build_year",
            "lon",
            "lat",
        ],
    ),
    ("units", &["id", "name", "wkt"]),
];

pub fn run(dir: &Path) -> Result<()> {
    let mut files: Vec<(PathBuf, Vec<u8>)> =
        vec![(dir.join("fitcircle.toml"), config_text().into_bytes())];
    for (name, fields) in TEMPLATES {
        files.push((
            dir.join(format!("{name}.csv")),
            header(fields, 0).into_bytes(),
        ));
        if let Some(zh) = chinese_header(fields) {
            files.push((dir.join(format!("{name}.zh.csv")), zh.into_bytes()));
        }
    }
    let refs: Vec<(PathBuf, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.clone(), b.as_slice()))
        .collect();
    super::files::write_new(&refs)?;
    let mut out = std::io::stdout().lock();
    for (p, _) in &files {
        writeln!(out, "wrote {}", p.display())?;
    }
    let cfg = dir.join("fitcircle.toml");
    writeln!(
        out,
        "next: fill in the CSV files (one row per facility, community, unit), add a street \
         network if you have one, then\n  fitcircle check --config {0}\n  fitcircle analyze \
         --config {0} --out {1}",
        cfg.display(),
        dir.join("out").display()
    )?;
    Ok(())
}

/// The accepted names of `field` ([`ACCEPTED_COLUMNS`]).
fn accepted(field: &str) -> &'static [&'static str] {
    ACCEPTED_COLUMNS
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, names)| *names)
        .unwrap_or(&[])
}

/// A header row: each field's `which`-th accepted name (the field itself
/// for 0), comma-separated, with a line end.
fn header(fields: &[&str], which: usize) -> String {
    let names: Vec<&str> = fields
        .iter()
        .map(|f| if which == 0 { *f } else { accepted(f)[which] })
        .collect();
    names.join(",") + "\n"
}

/// The header row with each field's Chinese name, when every field has one.
fn chinese_header(fields: &[&str]) -> Option<String> {
    let names: Option<Vec<&str>> = fields
        .iter()
        .map(|f| accepted(f).iter().copied().find(|n| !n.is_ascii()))
        .collect();
    names.map(|n| n.join(",") + "\n")
}

/// The commented config: every input, setting and column option.
fn config_text() -> String {
    let d = Settings::default();
    let categories: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
    let categories = categories
        .chunks(5)
        .map(|c| c.join(", "))
        .collect::<Vec<_>>()
        .join(",\n#   ");
    let mut t = String::new();
    let _ = write!(
        t,
        r#"# fitcircle study configuration. Paths are relative to this file.
# Check it with   fitcircle check --config fitcircle.toml
# Run it with     fitcircle analyze --config fitcircle.toml --out out
# A line starting with # is a comment; remove the # to use a setting.

name = "my-study"
title = "My study: sports facilities within a 15-minute walk"
# Lines kept with every output (data sources and licences).
attribution = ["Facilities and communities: <your bureau>, <year>"]
# Notes printed with every run.
notes = []

# The street network: OpenStreetMap (.osm.pbf or .osm), or street
# centrelines (LineStrings in .gpkg, .shp, .fgb or .geojson). Without one,
# distances are straight lines x settings.detour_factor (approximate).
# [network]
# path = "city.osm.pbf"
# For centrelines: their CRS when the file does not state it, the layer of
# a GeoPackage with several, joining lines where they cross without a
# shared vertex (never bridges or tunnels), more not-walkable road classes.
# crs = "gcj02"
# layer = "roads"
# join_crossings = false
# not_walkable = ["城市快速路主路"]

# Facilities: any number of [[facilities]] blocks (CSV, GeoJSON, or an
# OSM file whose sports facilities are read from their tags).
[[facilities]]
path = "facilities.csv"
# CRS of the coordinates: "wgs84" (GPS, OSM), "gcj02" (AMap/Gaode,
# Tencent), "bd09" (Baidu) or an EPSG code ("EPSG:4527": CGCS2000
# Gauss-Kruger zone 39; "EPSG:4490", "EPSG:32650", "EPSG:3857", ...).
# A .gpkg, .shp (.prj), .fgb or GeoJSON with a "crs" member states its own.
crs = "wgs84"
# Values: category one of {categories};
# status "existing" (default) or "planned"; area_m2 / floor_area_m2 in m2;
# opening_hours in OSM syntax ("Mo-Su 06:00-22:00"); open_to_public yes/no
# (school venues); lon/lat in degrees (or a wkt column instead).
# Category for every row when the file has no category column:
# category = "football_pitch"
# Make one facility per unit of this column (e.g. schools per hexagon).
# count_column = "schools"
# Keep only the rows whose column equals a value.
# filter = {{ column = "district", equals = "Xicheng" }}
# A note carried into outputs for these records.
# note = "surveyed 2024"
"#,
        categories = categories
    );
    t.push_str(&columns_comment());
    let _ = write!(
        t,
        r#"
# Residential communities (points or polygons) or population cells.
[communities]
path = "communities.csv"
crs = "wgs84"
# How residents reach the street: "boundary" (entrances / the polygon's
# edge; the default) or "centroid" (the centre).
access = "centroid"
# columns = {{ ... }}  (as for facilities)

# Administrative units (polygons, e.g. subdistricts): CSV with a WKT
# column, GeoJSON, or an OSM file (then admin_level, 8 is usually a
# municipality). Without [units] the results are for the whole area.
# [units]
# path = "units.csv"
# crs = "wgs84"
# admin_level = 8

# Health facilities for measure 35 (CSV or GeoJSON, any number of blocks):
# a kind column (category / 类别: 社区卫生服务中心, 医院, 康复中心,
# 健康促进中心) and a location.
# [[health]]
# path = "health.csv"
# crs = "wgs84"

# Culture stations for measure 36 (CSV or GeoJSON): a with_sports column
# (文体结合: yes/no, or a kind 文体站) and a location.
# [[culture]]
# path = "culture.csv"
# crs = "wgs84"

# When the communities have no population: spread a total evenly.
# [population]
# spread_total = 100000
# spread = "even"
# source = "7th national census 2020"

# Policy targets; the bundled seeds/targets.toml when unset.
# targets = "targets.toml"

[settings]
# Walking time limit, minutes.
minutes = {minutes:?}
# Walking speed, km/h.
speed_kmh = {speed:?}
# Nearest distances are searched and reported up to this many times the limit.
report_factor = {report:?}
# Maximum straight distance from an item to the street network, metres.
max_snap_m = {snap:?}
# Network components with fewer nodes are islands, left out.
min_component_nodes = {comp}
# People per household when only households are known.
household_size = {hh:?}
# No-network mode: walking distance = straight line x this factor.
detour_factor = {detour:?}
# Isochrone polygons: buffer around reached street pieces, metres.
isochrone_buffer_m = {buffer:?}
# Catchment method for per-capita supply: "2sfca", "e2sfca" or "gaussian".
method = "{method}"
# A facility counts in a time window when open at least this long in it, minutes.
min_open_minutes = {open}
# Measure 13: every community needs a community-level facility within this walk, minutes.
community_level_minutes = {community:?}
# Measure 35: a sports facility within this walk of a health facility is co-located, metres.
health_walk_m = {health:?}

# Time windows (opening_hours syntax); without any, the defaults are
# weekday daytime, weekday evening and weekend.
# [[windows]]
# name = "weekday_evening"
# hours = "Mo-Fr 17:00-22:00"
"#,
        minutes = d.minutes,
        speed = d.speed_kmh,
        report = d.report_factor,
        snap = d.max_snap_m,
        comp = d.min_component_nodes,
        hh = d.household_size,
        detour = d.detour_factor,
        buffer = d.isochrone_buffer_m,
        method = d.method.as_str(),
        open = d.min_open_minutes,
        community = d.community_level_minutes,
        health = d.health_walk_m,
    );
    t
}

/// The `columns = { ... }` option, commented, with every field and the
/// names detected without it.
fn columns_comment() -> String {
    let mut t = String::from(
        "# Column names are detected (case-insensitive) among the names below;\n\
         # name a column only when yours differs, e.g.\n\
         # columns = { lon = \"longitude\", lat = \"latitude\", id = \"code\" }\n",
    );
    for (field, names) in ACCEPTED_COLUMNS {
        let _ = writeln!(t, "#   {field:<21} {}", names.join(", "));
    }
    t
}
