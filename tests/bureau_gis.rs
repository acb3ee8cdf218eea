//! A district bureau's GIS files (tests/fixtures/bureau/, made with
//! ogr2ogr by `make_fixtures.py`; README.md there draws the data): street
//! centrelines in GCJ-02 as a walking network, subdistricts as a Shapefile
//! in CGCS2000 Gauss-Kruger zone 39 (ESRI .prj, GBK text with a .cpg) and as
//! a GeoPackage in the zone's central-meridian CRS without the zone number,
//! communities as GeoJSON in Web Mercator with a `crs` member, a venue as
//! FlatGeobuf in UTM 50N, and fitcircle's own .fgb and .gpkg read back.
//!
//! Coordinates: the fixtures were designed in WGS-84 and projected by GDAL
//! (PROJ); reading them must give the design coordinates back. Walking
//! distances: computed independently with pyproj's `Geod(ellps="WGS84")`
//! over the design coordinates (README.md).

mod common;

use std::path::{Path, PathBuf};

use common::*;
use fitcircle::config::InputSpec;
use fitcircle::crs::InputCrs;
use fitcircle::input::table::read_table;
use geo::{CoordsIter, Geometry};

fn bureau(name: &str) -> PathBuf {
    fixture("bureau").join(name)
}

fn config() -> String {
    bureau("fitcircle.toml").to_string_lossy().into_owned()
}

/// Walking metres to the nearest facility per community id.
fn walks(out: &Path) -> Vec<(String, Option<f64>)> {
    let fc = read_json(&out.join("communities.geojson"));
    let mut v: Vec<(String, Option<f64>)> = features(&fc)
        .iter()
        .map(|f| {
            let p = props(f);
            (p["id"].as_str().unwrap().to_string(), p["any_m"].as_f64())
        })
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

// pyproj 3.7.2, Geod(ellps="WGS84").inv summed over the pieces of each
// walk (README.md): c1 -> v1 675.1259 m, c2 -> v1 811.6846 m (down the
// bridge to 南街, never onto 西长安街 under it: that would be 418.6046 m),
// c3 -> v1 393.0776 m (the 高速公路 left out: through it c1 would be
// 504.1105 m).
const C1: f64 = 675.1259;
const C2: f64 = 811.6846;
const C3: f64 = 393.0776;

fn assert_walks(got: &[(String, Option<f64>)], want: &[(&str, Option<f64>)]) {
    assert_eq!(got.len(), want.len(), "{got:?}");
    for ((id, m), (wid, wm)) in got.iter().zip(want) {
        assert_eq!(id, wid);
        match (m, wm) {
            // communities.geojson rounds metres to 0.1.
            (Some(m), Some(w)) => assert!((m - w).abs() <= 0.051, "{id}: {m} m, want {w} m"),
            (None, None) => {}
            _ => panic!("{id}: {m:?}, want {wm:?}"),
        }
    }
}

#[test]
fn gcj02_centrelines_give_the_hand_computed_walks() {
    let tmp = temp_dir();
    let out = run_fitcircle(
        tmp.path(),
        &[
            "analyze",
            "--config",
            &config(),
            "--out",
            "out",
            "--lang",
            "en",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_walks(
        &walks(&tmp.path().join("out")),
        &[("c1", Some(C1)), ("c2", Some(C2)), ("c3", Some(C3))],
    );
    assert!(
        stderr.contains("1 lines left out as not walkable (高速公路 1)"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "1 lines are marked one-way (column \"单行\"); walkers use them in both directions"
        ),
        "{stderr}"
    );
    // Units from the Gauss-Kruger Shapefile: the communities lie west of
    // 116.3615 (月坛街道), the venue east of it (金融街街道).
    let fc = read_json(&tmp.path().join("out/communities.geojson"));
    for f in features(&fc) {
        assert_eq!(props(f)["unit"], "月坛街道");
    }
    let fc = read_json(&tmp.path().join("out/facilities.geojson"));
    assert_eq!(props(&features(&fc)[0])["unit"], "金融街街道");
}

/// The same lines as a Shapefile (GBK with a .cpg, .prj WGS 84) and as
/// GeoJSON without a `crs` member give the same walks.
#[test]
fn the_same_lines_as_shapefile_and_geojson_give_the_same_walks() {
    for file in ["roads_gcj02.shp", "roads_gcj02.geojson"] {
        let tmp = temp_dir();
        let net = bureau(file);
        run_ok(
            tmp.path(),
            &[
                "analyze",
                "--config",
                &config(),
                "--network",
                net.to_str().unwrap(),
                "--network-crs",
                "gcj02",
                "--join-crossings",
                "--out",
                "out",
                "--quiet",
            ],
        );
        assert_walks(
            &walks(&tmp.path().join("out")),
            &[("c1", Some(C1)), ("c2", Some(C2)), ("c3", Some(C3))],
        );
    }
}

/// Without `join_crossings` lines meet only at shared vertices: 丁街 does
/// not meet 西长安街, so c1 and c2 (south) cannot reach the venue (north).
#[test]
fn without_join_crossings_lines_meet_only_at_shared_vertices() {
    let tmp = temp_dir();
    let net = bureau("roads_gcj02.gpkg");
    run_ok(
        tmp.path(),
        &[
            "analyze",
            "--config",
            &config(),
            "--network",
            net.to_str().unwrap(),
            "--network-crs",
            "gcj02",
            "--out",
            "out",
            "--quiet",
        ],
    );
    assert_walks(
        &walks(&tmp.path().join("out")),
        &[("c1", None), ("c2", None), ("c3", Some(C3))],
    );
}

/// The design corners of the two subdistricts (make_fixtures.py).
const CORNERS: [[(f64, f64); 4]; 2] = [
    [
        (116.3590, 39.9080),
        (116.3615, 39.9080),
        (116.3615, 39.9130),
        (116.3590, 39.9130),
    ],
    [
        (116.3615, 39.9080),
        (116.3650, 39.9080),
        (116.3650, 39.9130),
        (116.3615, 39.9130),
    ],
];

fn assert_units(spec: &InputSpec, crs: &str) {
    let t = read_table(spec).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(t.crs, crs);
    assert_eq!(t.records.len(), 2);
    for (r, (corners, name)) in t
        .records
        .iter()
        .zip(CORNERS.iter().zip(["月坛街道", "金融街街道"]))
    {
        let got = r.get(Some(&"名称".to_string()));
        assert_eq!(got, Some(name), "{:?}", r.fields);
        let g = r.geometry.as_ref().unwrap();
        assert!(matches!(
            g,
            Geometry::Polygon(_) | Geometry::MultiPolygon(_)
        ));
        for c in g.coords_iter() {
            // GDAL's forward projection, our inverse: within 1e-8 degrees
            // (about 1 mm) of a design corner.
            let hit = corners
                .iter()
                .any(|k| (c.x - k.0).abs() < 1e-8 && (c.y - k.1).abs() < 1e-8);
            assert!(
                hit,
                "{name}: ({}, {}) is no corner of {corners:?}",
                c.x, c.y
            );
        }
    }
}

#[test]
fn gauss_kruger_subdistricts_read_back_to_their_design_corners() {
    // Shapefile, EPSG:4527 (zone 39 in x), ESRI .prj without an EPSG code.
    let shp = InputSpec::from_path(bureau("subdistricts_gk39.shp"));
    assert_units(&shp, "CGCS2000_3_Degree_GK_Zone_39");
    // GeoPackage, EPSG:4548 (central meridian 117E, no zone number).
    let gpkg = InputSpec::from_path(bureau("subdistricts_cm117.gpkg"));
    assert_units(&gpkg, "EPSG:4548");
}

/// A Shapefile copied without its .cpg (GBK text is detected, with a
/// warning) and without its .prj (an error saying how to give the CRS;
/// then `crs = "EPSG:4527"` reads it).
#[test]
fn shapefile_without_cpg_or_prj() {
    let tmp = temp_dir();
    for ext in ["shp", "shx", "dbf", "prj"] {
        std::fs::copy(
            bureau(&format!("subdistricts_gk39.{ext}")),
            tmp.path().join(format!("units.{ext}")),
        )
        .unwrap();
    }
    let spec = InputSpec::from_path(tmp.path().join("units.shp"));
    let t = read_table(&spec).unwrap();
    assert_eq!(
        t.records[0].get(Some(&"名称".to_string())),
        Some("月坛街道")
    );
    assert!(
        t.warnings
            .iter()
            .any(|w| w.contains("no .cpg beside it") && w.contains("GBK")),
        "{:?}",
        t.warnings
    );
    std::fs::remove_file(tmp.path().join("units.prj")).unwrap();
    let m = read_table(&spec).unwrap_err().to_string();
    assert!(m.contains("units.shp, feature 1: coordinate ("), "{m}");
    assert!(m.contains("--crs EPSG:xxxx"), "{m}");
    let mut with_crs = spec.clone();
    with_crs.crs = Some("EPSG:4527".parse::<InputCrs>().unwrap());
    let t = read_table(&with_crs).unwrap();
    assert_eq!(t.crs, "EPSG:4527");
    let c = t.records[0]
        .geometry
        .as_ref()
        .unwrap()
        .coords_iter()
        .next()
        .unwrap();
    assert!(
        (c.x - 116.3590).abs() < 1e-8 && (c.y - 39.9080).abs() < 1e-8,
        "{c:?}"
    );
}

#[test]
fn geojson_crs_member_and_utm_flatgeobuf() {
    let t = read_table(&InputSpec::from_path(bureau("communities_3857.geojson"))).unwrap();
    assert_eq!(t.crs, "EPSG:3857");
    let want = [
        (116.3600, 39.9090),
        (116.3610, 39.9110),
        (116.3600, 39.9100),
    ];
    for (r, w) in t.records.iter().zip(want) {
        let c = r.geometry.as_ref().unwrap().coords_iter().next().unwrap();
        // Written to 0.1 mm in Web Mercator: within 1e-8 degrees.
        assert!(
            (c.x - w.0).abs() < 1e-8 && (c.y - w.1).abs() < 1e-8,
            "{c:?}"
        );
    }
    let t = read_table(&InputSpec::from_path(bureau("venues_utm50.fgb"))).unwrap();
    assert_eq!(t.crs, "EPSG:32650");
    let c = t.records[0]
        .geometry
        .as_ref()
        .unwrap()
        .coords_iter()
        .next()
        .unwrap();
    assert!(
        (c.x - 116.3620).abs() < 1e-8 && (c.y - 39.9120).abs() < 1e-8,
        "{c:?}"
    );
    assert_eq!(
        t.records[0].get(Some(&"name".to_string())),
        Some("南北街健身场")
    );
}

/// fitcircle reads its own outputs: facilities.fgb as facilities, and a
/// layer of fitcircle.gpkg (several layers: the config must name one).
#[test]
fn fitcircle_reads_its_own_fgb_and_gpkg() {
    let tmp = temp_dir();
    run_ok(
        tmp.path(),
        &[
            "analyze",
            "--config",
            &config(),
            "--out",
            "out",
            "--quiet",
            "--format",
            "fgb,gpkg",
        ],
    );
    let first = read_json(&tmp.path().join("out/facilities.geojson"));
    run_ok(
        tmp.path(),
        &[
            "analyze",
            "--config",
            &config(),
            "--facilities",
            "out/facilities.fgb",
            "--out",
            "again",
            "--quiet",
        ],
    );
    let again = read_json(&tmp.path().join("again/facilities.geojson"));
    let key = |fc: &serde_json::Value| -> Vec<String> {
        features(fc)
            .iter()
            .map(|f| {
                let p = props(f);
                format!(
                    "{} {} {} {} {}",
                    p["id"], p["name"], p["category"], p["area_m2"], f["geometry"]
                )
            })
            .collect()
    };
    assert_eq!(key(&first), key(&again));
    assert_walks(
        &walks(&tmp.path().join("again")),
        &[("c1", Some(C1)), ("c2", Some(C2)), ("c3", Some(C3))],
    );
    // The GeoPackage has a layer per GeoJSON: name one.
    let gpkg = tmp.path().join("out/fitcircle.gpkg");
    let m = read_table(&InputSpec::from_path(gpkg.clone()))
        .unwrap_err()
        .to_string();
    assert!(m.contains("layers (\"communities\", \"facilities\""), "{m}");
    assert!(m.contains("layer = "), "{m}");
    let mut spec = InputSpec::from_path(gpkg);
    spec.layer = Some("communities".into());
    let t = read_table(&spec).unwrap();
    assert_eq!(t.crs, "wgs84");
    assert_eq!(t.records.len(), 3);
    spec.layer = Some("roads".into());
    let m = read_table(&spec).unwrap_err().to_string();
    assert!(m.contains("no layer \"roads\""), "{m}");
}

#[test]
fn unknown_epsg_codes_and_polygons_as_streets_are_refused() {
    let tmp = temp_dir();
    let out = run_fitcircle(
        tmp.path(),
        &[
            "analyze",
            "--config",
            &config(),
            "--crs",
            "EPSG:99999",
            "--out",
            "out",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("EPSG:99999 is not in the EPSG definitions"),
        "{stderr}"
    );
    let units = bureau("subdistricts_cm117.gpkg");
    let out = run_fitcircle(
        tmp.path(),
        &[
            "analyze",
            "--config",
            &config(),
            "--network",
            units.to_str().unwrap(),
            "--out",
            "out",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("layer \"subdistricts\", feature 1: a street network needs lines"),
        "{stderr}"
    );
}
