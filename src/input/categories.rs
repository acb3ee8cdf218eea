//! Facility types, subtypes and statuses as written in tables (Chinese,
//! English, variants), from `seeds/categories.toml` (compiled in) and the
//! config's `[categories]`: [`facility_type`], [`subtype`], [`status`], and
//! football sizes from the area ([`football_size`]).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use super::text::fold;
use crate::model::{Category, Status};

/// The type table as shipped (`seeds/categories.toml`).
pub const SEED: &str = include_str!("../../seeds/categories.toml");

/// Names that mean one category (and perhaps a subtype).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    /// The category (snake_case, as [`Category::as_str`]).
    pub category: String,
    /// The subtype the names imply, if any.
    #[serde(default)]
    pub subtype: Option<String>,
    /// The names, in Chinese and English.
    pub names: Vec<String>,
    /// A remark shown in the README.
    #[serde(default)]
    pub note: Option<String>,
}

/// Values of a subtype column read to one spelling.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubtypeDef {
    /// The spelling used in outputs and in `seeds/indicators.toml`.
    pub subtype: String,
    /// The values read as it.
    pub names: Vec<String>,
}

/// A football size class by area.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FootballSize {
    /// The subtype (`5_a_side`, `7_a_side`, `11_a_side`).
    pub subtype: String,
    /// Largest area of the class, m2 (`None`: no limit).
    #[serde(default)]
    pub max_m2: Option<f64>,
}

/// Names that mean one status.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusDef {
    /// `existing`, `planned` or `closed`.
    pub status: String,
    /// The names.
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Seed {
    #[serde(rename = "type")]
    types: Vec<TypeDef>,
    subtype: Vec<SubtypeDef>,
    football: Vec<FootballSize>,
    status: Vec<StatusDef>,
}

/// The parsed table, its names folded for lookup.
struct Table {
    seed: Seed,
    types: Vec<(String, Category, Option<String>)>,
    statuses: Vec<(String, Status)>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let seed: Seed = toml::from_str(SEED).expect("seeds/categories.toml is valid");
    let types = seed
        .types
        .iter()
        .flat_map(|t| {
            let c: Category = t.category.parse().expect("a category of model.rs");
            t.names.iter().map(move |n| (key(n), c, t.subtype.clone()))
        })
        .collect();
    let statuses = seed
        .status
        .iter()
        .flat_map(|s| {
            let st: Status = s.status.parse().expect("a status of model.rs");
            s.names.iter().map(move |n| (key(n), st))
        })
        .collect();
    Table {
        seed,
        types,
        statuses,
    }
});

/// A name for lookup: folded, without spaces, `_` or `-`.
fn key(s: &str) -> String {
    fold(s.trim())
        .chars()
        .filter(|c| !(c.is_whitespace() || *c == '_' || *c == '-'))
        .collect()
}

/// Every type of the table, in its order.
pub fn types() -> &'static [TypeDef] {
    &TABLE.seed.types
}

/// Every status of the table.
pub fn statuses() -> &'static [StatusDef] {
    &TABLE.seed.status
}

/// The football size classes, smallest first.
pub fn football_sizes() -> &'static [FootballSize] {
    &TABLE.seed.football
}

/// `category` or `category/subtype` as the config's `[categories]` gives
/// it, checked.
pub fn parse_config_type(value: &str) -> Result<(Category, Option<String>), String> {
    let (c, sub) = match value.split_once('/') {
        Some((c, s)) => (c, Some(subtype(s))),
        None => (value, None),
    };
    Ok((c.trim().parse::<Category>()?, sub))
}

/// The category and subtype a type name means: the config's
/// `[categories]` (`extra`) first, then the table. The error lists the
/// accepted names and how to add one.
pub fn facility_type(
    name: &str,
    extra: &BTreeMap<String, String>,
) -> Result<(Category, Option<String>), String> {
    let k = key(name);
    if let Some((_, v)) = extra.iter().find(|(n, _)| key(n) == k) {
        return parse_config_type(v);
    }
    if let Some((_, c, s)) = TABLE.types.iter().find(|(n, _, _)| *n == k) {
        return Ok((*c, s.clone()));
    }
    Err(unknown_type(name))
}

fn unknown_type(name: &str) -> String {
    let mut by_category: Vec<(Category, Vec<&str>)> = Vec::new();
    for t in types() {
        let c: Category = t.category.parse().expect("checked at load");
        let names = t.names.iter().map(String::as_str);
        match by_category.iter_mut().find(|(x, _)| *x == c) {
            Some((_, list)) => list.extend(names),
            None => by_category.push((c, names.collect())),
        }
    }
    let lines: Vec<String> = by_category
        .iter()
        .map(|(c, names)| {
            let shown: Vec<&str> = names.iter().copied().filter(|n| *n != c.as_str()).collect();
            format!("{} ({})", c.as_str(), shown.join(", "))
        })
        .collect();
    format!(
        "unknown facility category {name:?}; use one of these categories (or a name read as \
         it, in brackets): {}. To add a name, put it under \
         [categories] in the config (\"{name}\" = \"fitness_station\", or \
         \"category/subtype\") or in seeds/categories.toml",
        lines.join("; ")
    )
}

/// A subtype value read to the table's spelling (`门球` -> `gateball`);
/// values not in the table are kept as written (trimmed).
pub fn subtype(value: &str) -> String {
    let k = key(value);
    TABLE
        .seed
        .subtype
        .iter()
        .find(|s| s.names.iter().any(|n| key(n) == k))
        .map_or_else(|| value.trim().to_string(), |s| s.subtype.clone())
}

/// The status a name means; the error lists the accepted names.
pub fn status(name: &str) -> Result<Status, String> {
    let k = key(name);
    if k.is_empty() {
        return Ok(Status::Existing);
    }
    TABLE
        .statuses
        .iter()
        .find(|(n, _)| *n == k)
        .map(|(_, s)| *s)
        .ok_or_else(|| {
            let lists: Vec<String> = statuses()
                .iter()
                .map(|s| format!("{} ({})", s.status, s.names.join(", ")))
                .collect();
            format!("unknown status {name:?}; accepted: {}", lists.join("; "))
        })
}

/// True when `subtype` is one of the football size classes (or `cage`).
pub fn is_football_size(subtype: &str) -> bool {
    subtype == "cage" || football_sizes().iter().any(|f| f.subtype == subtype)
}

/// The football size class of a pitch of `area_m2` (measured: a column
/// or the polygon, never a category default).
pub fn football_size(area_m2: f64) -> &'static str {
    football_sizes()
        .iter()
        .find(|f| f.max_m2.is_none_or(|m| area_m2 <= m))
        .or(football_sizes().last())
        .map_or("11_a_side", |f| f.subtype.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(name: &str) -> (Category, Option<String>) {
        facility_type(name, &BTreeMap::new()).unwrap()
    }

    #[test]
    fn the_table_loads_and_every_category_has_a_name() {
        assert!(!types().is_empty());
        for c in Category::ALL {
            assert!(
                types().iter().any(|t| t.category == c.as_str()),
                "{c} has no names"
            );
        }
        // No name means two things.
        let mut names: Vec<String> = TABLE.types.iter().map(|(n, _, _)| n.clone()).collect();
        names.sort();
        let n = names.len();
        names.dedup();
        assert_eq!(n, names.len(), "a type name is listed twice");
    }

    #[test]
    fn bureau_types() {
        assert_eq!(t("学校操场").0, Category::SchoolVenue);
        assert_eq!(t("健身路径").0, Category::FitnessStation);
        assert_eq!(t("健身步道").0, Category::Track);
        assert_eq!(
            t("五人制足球场"),
            (Category::FootballPitch, Some("5_a_side".into()))
        );
        assert_eq!(
            t("笼式足球场"),
            (Category::FootballPitch, Some("cage".into()))
        );
        assert_eq!(t("足球场"), (Category::FootballPitch, None));
        assert_eq!(
            t("羽毛球馆"),
            (Category::SportsCentre, Some("badminton".into()))
        );
        assert_eq!(t("门球场"), (Category::OtherPitch, Some("gateball".into())));
        assert_eq!(t("棋牌室").0, Category::CardRoom);
        assert_eq!(t("棋牌").0, Category::CardRoom);
        assert_eq!(t("棋苑").0, Category::ChessGarden);
        assert_eq!(t(" Football Pitch ").0, Category::FootballPitch);
        let e = facility_type("蹦床馆", &BTreeMap::new()).unwrap_err();
        assert!(
            e.starts_with("unknown facility category \"蹦床馆\"; use one of"),
            "{e}"
        );
        assert!(e.contains("school_venue (school, 学校,"), "{e}");
        assert!(e.contains("[categories]"), "{e}");
        let extra =
            BTreeMap::from([("蹦床馆".to_string(), "sports_centre/trampoline".to_string())]);
        assert_eq!(
            facility_type("蹦床馆", &extra).unwrap(),
            (Category::SportsCentre, Some("trampoline".into()))
        );
    }

    #[test]
    fn statuses_and_subtypes() {
        assert_eq!(status("已建成"), Ok(Status::Existing));
        assert_eq!(status("在建"), Ok(Status::Planned));
        assert_eq!(status("规划"), Ok(Status::Planned));
        assert_eq!(status("关闭"), Ok(Status::Closed));
        assert_eq!(status(""), Ok(Status::Existing));
        assert!(status("好").unwrap_err().contains("已建成"));
        assert_eq!(subtype("门球"), "gateball");
        assert_eq!(subtype("五人制"), "5_a_side");
        assert_eq!(subtype(" 花样跳绳 "), "花样跳绳");
    }

    #[test]
    fn football_by_area() {
        assert_eq!(football_size(800.0), "5_a_side");
        assert_eq!(football_size(1300.0), "5_a_side");
        assert_eq!(football_size(2925.0), "7_a_side");
        assert_eq!(football_size(7140.0), "11_a_side");
        assert!(is_football_size("cage") && is_football_size("11_a_side"));
        assert!(!is_football_size("soccer"));
    }
}
