//! Declared column types of the GeoJSON outputs' properties, for the typed
//! formats derived from them (FlatGeobuf; see [`super::derived`]).
//!
//! A column's type is decided by its name, never by the values of one run:
//! `football_pitch_m` is a Double even in a run where no community reaches a
//! pitch (every value null), so runs merged in a GIS compare numbers as
//! numbers. The rules follow the naming of the writers (`*_m` metres,
//! `*_covered` flags, `*_count` counts); a test checks every property the
//! golden runs write is declared and fits its declared type.

/// A column's type, as FlatGeobuf and GeoPackage know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColumnKind {
    /// true / false.
    Bool,
    /// 64-bit integer.
    Long,
    /// 64-bit float.
    Double,
    /// UTF-8 text.
    Text,
}

/// Exact names of integer columns.
const LONG: &[&str] = &[
    "access_points",
    "build_year",
    "communities",
    "communities_within_limit",
    "component",
    "component_nodes",
    "edge",
    "equipment_generation",
    "from",
    "new_communities",
    "new_communities_below_target",
    "newly_covered_communities",
    "rank",
    "to",
    "way_id",
];

/// Exact names of flag columns.
const BOOL: &[&str] = &[
    "backward",
    "counted",
    "forward",
    "meets_per_capita_target",
    "new_community",
    "new_meets_target",
    "planned_as_built",
    "reachable",
];

/// Exact names of number columns whose names follow no suffix rule.
const DOUBLE: &[&str] = &[
    "cumulative_new_population",
    "covered_population_after",
    "minutes",
    "people",
    "population",
];

/// Exact names of text columns that a suffix rule would misread.
const TEXT: &[&str] = &[
    "unit",
    "subject_id",
    "facility_id",
    "site_id",
    "id",
    "population_source",
];

/// The declared type of the property `name`; `None` for a name no rule
/// covers (the writer then falls back to the values).
pub(crate) fn declared(name: &str) -> Option<ColumnKind> {
    if TEXT.contains(&name) {
        return Some(ColumnKind::Text);
    }
    if LONG.contains(&name) || name.ends_with("_count") {
        return Some(ColumnKind::Long);
    }
    if BOOL.contains(&name)
        || name.ends_with("_covered")
        || name.ends_with("_met")
        || name.starts_with("open_")
    {
        return Some(ColumnKind::Bool);
    }
    let number_suffix = [
        "_m",
        "_min",
        "_m2",
        "_m2pp",
        "_km2",
        "_share",
        "_population",
        "_km",
    ];
    if DOUBLE.contains(&name)
        || number_suffix.iter().any(|s| name.ends_with(s))
        || name.starts_with("covered_share")
        || name.starts_with("population_")
        || name.starts_with("gini_")
        || name.starts_with("share_")
        || name.starts_with("minutes_")
    {
        return Some(ColumnKind::Double);
    }
    let text_prefix = ["explanation_", "lead", "tier_", "sfca_method"];
    let text_exact = [
        "area_source",
        "category",
        "community_names",
        "distance_method",
        "free_or_discount",
        "indicator",
        "kind",
        "level",
        "level_source",
        "name",
        "note",
        "opening_hours",
        "school_id",
        "season",
        "site_name",
        "space",
        "status",
        "subtype",
        "suited_for",
        "target",
        "unreachable_reason",
    ];
    if text_exact.contains(&name) || text_prefix.iter().any(|p| name.starts_with(p)) {
        return Some(ColumnKind::Text);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn suffix_rules() {
        assert_eq!(declared("football_pitch_m"), Some(ColumnKind::Double));
        assert_eq!(declared("minutes_any_from"), Some(ColumnKind::Double));
        assert_eq!(declared("football_pitch_min"), Some(ColumnKind::Double));
        assert_eq!(declared("football_pitch_covered"), Some(ColumnKind::Bool));
        assert_eq!(declared("football_pitch_count"), Some(ColumnKind::Long));
        assert_eq!(declared("tier_5min_met"), Some(ColumnKind::Bool));
        assert_eq!(declared("tier_5min_missing"), Some(ColumnKind::Text));
        assert_eq!(declared("tier_5min_share"), Some(ColumnKind::Double));
        assert_eq!(
            declared("window_weekend_covered_share"),
            Some(ColumnKind::Double)
        );
        assert_eq!(declared("open_to_public"), Some(ColumnKind::Bool));
        assert_eq!(declared("something_new"), None);
    }

    /// Every property of the golden outputs is declared, and every non-null
    /// value fits the declared type.
    #[test]
    fn golden_properties_are_declared() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
        let mut seen = 0;
        for case in std::fs::read_dir(&root).expect("golden folder") {
            let dir = case.expect("entry").path().join("expected");
            let Ok(files) = std::fs::read_dir(&dir) else {
                continue;
            };
            for f in files {
                let p = f.expect("entry").path();
                if !p.to_string_lossy().ends_with(".geojson") {
                    continue;
                }
                let v: Value =
                    serde_json::from_slice(&std::fs::read(&p).expect("read")).expect("json");
                for feat in v["features"].as_array().expect("features") {
                    let Some(props) = feat["properties"].as_object() else {
                        continue;
                    };
                    for (k, v) in props {
                        seen += 1;
                        let kind = declared(k)
                            .unwrap_or_else(|| panic!("{}: {k} has no declared type", p.display()));
                        let fits = match (kind, v) {
                            (_, Value::Null) => true,
                            (ColumnKind::Bool, Value::Bool(_)) => true,
                            (ColumnKind::Long, Value::Number(n)) => n.is_i64(),
                            (ColumnKind::Double, Value::Number(_)) => true,
                            (ColumnKind::Text, Value::String(_)) => true,
                            _ => false,
                        };
                        assert!(fits, "{}: {k} = {v} is not {kind:?}", p.display());
                    }
                }
            }
        }
        assert!(seen > 1000, "only {seen} properties checked");
    }
}
