//! `fitcircle init DIR`: a commented `fitcircle.toml` naming every input,
//! setting and column option with its default, and empty CSV templates
//! (English headers, and Chinese ones where the readers accept them), for
//! a bureau to fill in. Never overwrites a file.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Result;
use fitcircle::config::Settings;
use fitcircle::input::columns::{self, InputKind};
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
        files.push((dir.join(format!("{name}.csv")), header(fields).into_bytes()));
        if let Some(zh) = chinese_header(fields, kind_of(name)) {
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

/// The kind of input a template is for.
fn kind_of(template: &str) -> InputKind {
    match template {
        "facilities" => InputKind::Facilities,
        "communities" => InputKind::Communities,
        _ => InputKind::Units,
    }
}

/// The accepted headers of `field` in an input of `kind` (the column
/// table, `seeds/columns.toml`), in the order they are tried.
fn accepted(field: &str, kind: InputKind) -> Vec<&'static str> {
    columns::field_def(field).map_or_else(Vec::new, |d| d.accepted(kind))
}

/// A header row: each field's name, comma-separated, with a line end.
fn header(fields: &[&str]) -> String {
    fields.join(",") + "\n"
}

/// The header row with each field's first Chinese header for `kind`, when
/// every field has one.
fn chinese_header(fields: &[&str], kind: InputKind) -> Option<String> {
    let names: Option<Vec<&str>> = fields
        .iter()
        .map(|f| accepted(f, kind).into_iter().find(|n| !n.is_ascii()))
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
# Or spread each unit's population (a population column of the units file,
# e.g. 常住人口) over its communities: "households" (by their households)
# or "even". Communities with their own population keep it.
# from_units = "households"

# Headers added to the accepted ones of a field, for every input (tried
# first; --column FIELD=HEADER on the command line does the same).
# [columns]
# area_m2 = ["用地面积（㎡）"]
# name = "场馆"

# Facility type names added to seeds/categories.toml: category, or
# category/subtype.
# [categories]
# "健身广场" = "fitness_station"
# "笼式篮球场" = "basketball_court/cage"

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
# Travel-time surface: side of a grid cell, metres (outlines accurate to about one cell).
isochrone_cell_m = {cell:?}
# Walking bands drawn in isochrones.geojson, minutes; empty: the targets'
# life-circle tiers up to `minutes` (5, 10, 15 with the bundled targets).
isochrone_bands = []
# Write the travel-time surface of each target as travel_time_<target>.tif.
travel_time_tif = {tif}
# Keep the walking minutes to the nearest facility at both ends of every
# street (network.geojson, --network-geojson).
street_minutes = {street}
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
        cell = d.isochrone_cell_m,
        tif = d.travel_time_tif,
        street = d.street_minutes,
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
        "# Column names are detected among the names below (case, spaces, full-width\n\
         # characters and a unit in brackets such as 占地面积（㎡） do not matter);\n\
         # name a column only when yours differs, e.g.\n\
         # columns = { lon = \"longitude\", lat = \"latitude\", id = \"code\" }\n",
    );
    for def in columns::fields() {
        let _ = writeln!(t, "#   {:<21} {}", def.field, def.all_headers().join(", "));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field of [`Settings`], from serde's own list (the error for an
    /// unknown field names them all), so a new setting cannot be left out.
    fn settings_fields() -> Vec<String> {
        let err = toml::from_str::<Settings>("no_such_setting = 1")
            .expect_err("unknown fields are refused")
            .to_string();
        let list = err.split("expected one of").nth(1).expect("the field list");
        list.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn the_template_sets_every_setting_to_its_default() {
        let text = config_text();
        let fields = settings_fields();
        assert!(fields.len() >= 16, "{fields:?}");
        for f in &fields {
            let line = format!("\n{f} = ");
            assert!(text.contains(&line), "the template lacks setting {f}");
        }
        let table: toml::Table = toml::from_str(&text).expect("the template parses");
        let settings: Settings = table["settings"].clone().try_into().expect("settings");
        assert_eq!(settings, Settings::default());
    }
}
