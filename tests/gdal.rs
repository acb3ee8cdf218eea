//! Every GeoJSON and FlatGeobuf file fitcircle writes opens in GDAL: each is
//! read with `ogrinfo -ro -al -so` (the GDAL command-line tool, Debian's
//! `gdal-bin`), which must pick the expected driver (GeoJSON or FlatGeobuf),
//! report the same feature count as the file holds (parsed with serde_json)
//! and give the key fields the expected OGR types (ids String, population
//! and walking minutes Real, counts Integer, flags Boolean). A .fgb must
//! have the same field types as its GeoJSON and the same count of features
//! with a geometry (FlatGeobuf leaves out null geometries: GDAL cannot read
//! them).
//!
//! Runs on the Helsinki bundle (`analyze` with every optional GeoJSON, and
//! `sites`), and on the Xicheng bundle without a street network (straight
//! lines, administrative units, GCJ-02 copies).
//!
//! Skipped, with a note, when `ogrinfo` is not installed, unless the `CI`
//! environment variable is set: then a missing `ogrinfo` fails the test.
//! `.ci/run` installs `gdal-bin`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{manifest_dir, read_json, run_ok, temp_dir};

/// Whether `ogrinfo` runs; panics under CI when it does not.
fn have_ogrinfo(test: &str) -> bool {
    let ok = Command::new("ogrinfo")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var_os("CI").is_some() {
            panic!("{test}: ogrinfo (GDAL) is required in CI; install Debian's gdal-bin");
        }
        eprintln!("SKIPPED {test}: ogrinfo not found (install gdal-bin to run this check)");
    }
    ok
}

/// What `ogrinfo -ro -al -so` says about a one-layer file.
#[derive(Debug)]
struct OgrLayer {
    /// The layer name GDAL reports.
    name: String,
    driver: String,
    geometry: String,
    count: usize,
    /// Field name -> OGR type ("String", "Real", "Integer64", "Integer(Boolean)", ...).
    fields: BTreeMap<String, String>,
}

fn ogrinfo(path: &Path) -> OgrLayer {
    ogrinfo_layer(path, None)
}

/// What `ogrinfo -ro -so` says about `layer` of `path` (with `-al` for the
/// only layer when `layer` is `None`).
fn ogrinfo_layer(path: &Path, layer_name: Option<&str>) -> OgrLayer {
    let mut cmd = Command::new("ogrinfo");
    cmd.args(["-ro", "-so"]);
    match layer_name {
        Some(l) => cmd.arg(path).arg(l),
        None => cmd.arg("-al").arg(path),
    };
    let out = cmd.output().expect("run ogrinfo");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "ogrinfo {} failed:\n{stdout}\n{stderr}",
        path.display()
    );
    assert!(
        !stderr.contains("ERROR") && !stderr.contains("Warning"),
        "ogrinfo {} reported errors or warnings:\n{stderr}",
        path.display()
    );
    let mut layer = OgrLayer {
        name: String::new(),
        driver: String::new(),
        geometry: String::new(),
        count: usize::MAX,
        fields: BTreeMap::new(),
    };
    let mut layers = 0;
    for line in stdout.lines() {
        if let Some(rest) = line.trim().strip_prefix("using driver `") {
            layer.driver = rest.split('\'').next().unwrap_or("").to_string();
        } else if let Some(n) = line.strip_prefix("Layer name: ") {
            layer.name = n.trim().to_string();
            layers += 1;
        } else if let Some(g) = line.strip_prefix("Geometry: ") {
            layer.geometry = g.to_string();
        } else if let Some(n) = line.strip_prefix("Feature Count: ") {
            layer.count = n.trim().parse().expect("a feature count");
        } else if let Some((name, rest)) = line.rsplit_once(": ") {
            // Fields: "population: Real (0.0)", "reachable: Integer(Boolean) (0.0)".
            if let Some((ty, width)) = rest.rsplit_once(' ')
                && width.starts_with('(')
                && width.ends_with(')')
                && !name.starts_with(' ')
                && ty.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            {
                layer.fields.insert(name.to_string(), ty.to_string());
            }
        }
    }
    assert_eq!(
        layers,
        1,
        "{}: one layer expected:\n{stdout}",
        path.display()
    );
    assert_ne!(
        layer.count,
        usize::MAX,
        "{}: no feature count",
        path.display()
    );
    layer
}

/// Integer widths differ between drivers (GeoJSON: Integer, FlatGeobuf: Integer64).
fn normalised(ty: &str) -> &str {
    match ty {
        "Integer64" => "Integer",
        other => other,
    }
}

fn files_with(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read the output folder")
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    v
}

/// Check every GeoJSON in `dir` (and its .fgb, when `fgb`): driver, count,
/// and for FlatGeobuf the same field types as the GeoJSON. Returns the
/// GeoJSON layers by file name.
fn check_folder(dir: &Path, fgb: bool) -> BTreeMap<String, OgrLayer> {
    let mut layers = BTreeMap::new();
    let geojsons = files_with(dir, "geojson");
    assert!(!geojsons.is_empty(), "no GeoJSON in {}", dir.display());
    for path in geojsons {
        let fc = read_json(&path);
        let features = fc["features"].as_array().expect("features");
        let n = features.len();
        let located = features.iter().filter(|f| !f["geometry"].is_null()).count();
        let layer = ogrinfo(&path);
        assert_eq!(layer.driver, "GeoJSON", "{}", path.display());
        assert_eq!(layer.count, n, "{}: feature count", path.display());
        // The layer name is the file stem (`communities_gcj02` for a copy),
        // so the layers load side by side into one database.
        let stem = path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .replace('.', "_");
        assert_eq!(layer.name, stem, "{}: layer name", path.display());
        if fgb {
            let fgb_path = path.with_extension("fgb");
            let f = ogrinfo(&fgb_path);
            assert_eq!(f.driver, "FlatGeobuf", "{}", fgb_path.display());
            assert_eq!(f.count, located, "{}: feature count", fgb_path.display());
            assert_eq!(f.name, stem, "{}: layer name", fgb_path.display());
            for (name, ty) in &layer.fields {
                // GDAL types a GeoJSON column whose values are all null as
                // String; the .fgb keeps the declared type.
                let all_null = features
                    .iter()
                    .all(|f| f["properties"][name.as_str()].is_null());
                if all_null {
                    continue;
                }
                let fty = f
                    .fields
                    .get(name)
                    .unwrap_or_else(|| panic!("{}: no field {name}", fgb_path.display()));
                assert_eq!(
                    normalised(fty),
                    normalised(ty),
                    "{}: type of {name}",
                    fgb_path.display()
                );
            }
            assert_eq!(f.fields.len(), layer.fields.len(), "{}", fgb_path.display());
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        layers.insert(name, layer);
    }
    if fgb {
        assert_eq!(
            files_with(dir, "fgb").len(),
            layers.len(),
            "one .fgb per .geojson in {}",
            dir.display()
        );
    }
    layers
}

/// Check `dir/name`, the GeoPackage of `--format gpkg`, against the
/// GeoJSON files of `dir` (the WGS-84 ones: the `.gcj02` copies are not in
/// it): one layer per file, named by its stem, with every feature (null
/// geometries too), the field types of the file's `.fgb` (declared by
/// name), EPSG:4326 and an R-tree spatial index; GDAL reports no error or
/// warning. Returns the layers by name.
fn check_gpkg(dir: &Path, name: &str) -> BTreeMap<String, OgrLayer> {
    let path = dir.join(name);
    let out = Command::new("ogrinfo")
        .args(["-ro", "-q"])
        .arg(&path)
        .output()
        .expect("run ogrinfo");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.trim().is_empty(),
        "{stdout}\n{stderr}"
    );
    // "1: communities (Point)"
    let names: Vec<String> = stdout
        .lines()
        .filter_map(|l| l.split_once(": ").map(|(_, r)| r))
        .map(|r| r.split(" (").next().unwrap_or(r).trim().to_string())
        .collect();
    let geojsons: Vec<PathBuf> = files_with(dir, "geojson")
        .into_iter()
        .filter(|p| !p.file_stem().unwrap().to_string_lossy().contains('.'))
        .collect();
    let stems: Vec<String> = geojsons
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    let mut want = stems.clone();
    want.sort();
    assert_eq!(
        sorted,
        want,
        "{}: one layer per GeoJSON file",
        path.display()
    );
    let mut layers = BTreeMap::new();
    for (stem, gj) in stems.iter().zip(&geojsons) {
        let fc = read_json(gj);
        let n = fc["features"].as_array().expect("features").len();
        let layer = ogrinfo_layer(&path, Some(stem));
        assert_eq!(layer.driver, "GPKG", "{}", path.display());
        assert_eq!(layer.name, *stem);
        assert_eq!(layer.count, n, "{}: features of {stem}", path.display());
        let fgb = gj.with_extension("fgb");
        if fgb.exists() {
            let f = ogrinfo(&fgb);
            for (field, ty) in &f.fields {
                let got = layer
                    .fields
                    .get(field)
                    .unwrap_or_else(|| panic!("{stem}: no field {field}"));
                assert_eq!(normalised(got), normalised(ty), "{stem}: type of {field}");
            }
        }
        let sql = format!("SELECT HasSpatialIndex('{stem}', 'geom')");
        let out = Command::new("ogrinfo")
            .args(["-ro", "-q"])
            .arg(&path)
            .args(["-sql", &sql])
            .output()
            .expect("run ogrinfo");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("HasSpatialIndex (Integer) = 1"),
            "{stem}: no spatial index:\n{text}"
        );
        layers.insert(stem.clone(), layer);
    }
    layers
}

fn assert_type(layers: &BTreeMap<String, OgrLayer>, file: &str, field: &str, want: &[&str]) {
    let layer = layers
        .get(file)
        .unwrap_or_else(|| panic!("no {file}: {:?}", layers.keys()));
    let got = layer
        .fields
        .get(field)
        .unwrap_or_else(|| panic!("{file}: no field {field}: {:?}", layer.fields));
    assert!(
        want.contains(&got.as_str()),
        "{file}: {field} is {got}, expected one of {want:?}"
    );
}

#[test]
fn helsinki_outputs_open_in_gdal() {
    if !have_ogrinfo("helsinki_outputs_open_in_gdal") {
        return;
    }
    let tmp = temp_dir();
    run_ok(
        tmp.path(),
        &[
            "analyze",
            "--out",
            "out",
            "--quiet",
            "--format",
            "fgb",
            "--network-geojson",
            "--isochrones",
        ],
    );
    let out = tmp.path().join("out");
    let layers = check_folder(&out, true);
    for f in [
        "communities.geojson",
        "facilities.geojson",
        "isochrones.geojson",
        "gaps.geojson",
        "network.geojson",
    ] {
        assert!(layers.contains_key(f), "{f} missing");
    }
    assert_eq!(layers["communities.geojson"].count, 36);
    assert_eq!(layers["facilities.geojson"].count, 42);
    assert_eq!(layers["communities.geojson"].geometry, "Polygon");
    let real = &["Real"];
    let int = &["Integer", "Integer64"];
    assert_type(&layers, "communities.geojson", "id", &["String"]);
    assert_type(&layers, "communities.geojson", "population", real);
    assert_type(&layers, "communities.geojson", "any_min", real);
    assert_type(&layers, "communities.geojson", "any_m", real);
    assert_type(&layers, "communities.geojson", "any_count", int);
    assert_type(
        &layers,
        "communities.geojson",
        "any_covered",
        &["Integer(Boolean)"],
    );
    assert_type(&layers, "facilities.geojson", "id", &["String"]);
    assert_type(&layers, "facilities.geojson", "area_m2", real);
    assert_type(
        &layers,
        "facilities.geojson",
        "population_within_limit",
        real,
    );
    assert_type(&layers, "isochrones.geojson", "area_km2", real);
    assert_type(&layers, "isochrones.geojson", "minutes", real);
    assert_type(&layers, "gaps.geojson", "people", real);
    assert_type(&layers, "network.geojson", "length_m", real);
    assert_type(&layers, "network.geojson", "way_id", int);
}

#[test]
fn xicheng_units_and_gcj02_copies_open_in_gdal() {
    if !have_ogrinfo("xicheng_units_and_gcj02_copies_open_in_gdal") {
        return;
    }
    let tmp = temp_dir();
    let venues = manifest_dir().join("tests/fixtures/xicheng_venues/venues.csv");
    run_ok(
        tmp.path(),
        &[
            "analyze",
            "--bundle",
            "xicheng",
            "--facilities",
            venues.to_str().unwrap(),
            "--facilities-crs",
            "gcj02",
            "--out",
            "out",
            "--quiet",
            "--format",
            "fgb",
            "--output-crs",
            "gcj02",
        ],
    );
    let out = tmp.path().join("out");
    let layers = check_folder(&out, true);
    assert_eq!(layers["communities.geojson"].count, 789);
    assert_eq!(layers["communities.gcj02.geojson"].count, 789);
    assert_eq!(layers["units.geojson"].count, 1);
    assert_eq!(layers["units.gcj02.geojson"].count, 1);
    assert_eq!(layers["units.geojson"].geometry, "Multi Polygon");
    assert_type(&layers, "units.geojson", "population", &["Real"]);
    assert_type(
        &layers,
        "units.geojson",
        "communities",
        &["Integer", "Integer64"],
    );
    assert_type(&layers, "units.gcj02.geojson", "name", &["String"]);
    assert_type(&layers, "communities.geojson", "any_min", &["Real"]);
    assert_type(
        &layers,
        "communities.gcj02.geojson",
        "population",
        &["Real"],
    );
    assert_type(&layers, "communities.geojson", "unit", &["String"]);
}

/// `--format fgb,gpkg` on the Xicheng bundle (units, GCJ-02 copies): one
/// GeoPackage with a layer per WGS-84 GeoJSON file, typed like the .fgb
/// files, every feature (gaps.geojson's district-wide rows without a
/// geometry too), a spatial index each.
#[test]
fn gpkg_output_opens_in_gdal() {
    if !have_ogrinfo("gpkg_output_opens_in_gdal") {
        return;
    }
    let tmp = temp_dir();
    let venues = manifest_dir().join("tests/fixtures/xicheng_venues/venues.csv");
    let venues = venues.to_str().unwrap();
    run_ok(
        tmp.path(),
        &[
            "analyze",
            "--bundle",
            "xicheng",
            "--facilities",
            venues,
            "--facilities-crs",
            "gcj02",
            "--out",
            "out",
            "--quiet",
            "--format",
            "fgb,gpkg",
            "--output-crs",
            "gcj02",
        ],
    );
    let out = tmp.path().join("out");
    check_folder(&out, true);
    let layers = check_gpkg(&out, "fitcircle.gpkg");
    assert_eq!(layers["communities"].count, 789);
    assert_eq!(layers["units"].geometry, "Multi Polygon");
    assert_eq!(
        layers["communities"].fields["any_covered"],
        "Integer(Boolean)"
    );
    assert_eq!(layers["communities"].fields["population"], "Real");
    // The same run again gives the same bytes.
    let first = std::fs::read(out.join("fitcircle.gpkg")).unwrap();
    run_ok(
        tmp.path(),
        &[
            "analyze",
            "--bundle",
            "xicheng",
            "--facilities",
            venues,
            "--facilities-crs",
            "gcj02",
            "--out",
            "out2",
            "--quiet",
            "--format",
            "gpkg",
        ],
    );
    let second = std::fs::read(tmp.path().join("out2/fitcircle.gpkg")).unwrap();
    assert!(first == second, "fitcircle.gpkg differs between two runs");
}

#[test]
fn sites_outputs_open_in_gdal() {
    if !have_ogrinfo("sites_outputs_open_in_gdal") {
        return;
    }
    let tmp = temp_dir();
    run_ok(
        tmp.path(),
        &[
            "sites",
            "--category",
            "fitness_station",
            "--count",
            "3",
            "--out",
            "out",
            "--quiet",
            "--format",
            "fgb,gpkg",
        ],
    );
    let out = tmp.path().join("out");
    let layers = check_folder(&out, true);
    let g = check_gpkg(&out, "sites.gpkg");
    assert_eq!(g["sites"].count, layers["sites.geojson"].count);
    // Up to three sites (fewer when fewer already cover everyone): a point
    // and an isochrone each.
    let n = layers["sites.geojson"].count;
    assert!((2..=6).contains(&n) && n % 2 == 0, "{n} features");
    assert_type(&layers, "sites.geojson", "site_id", &["String"]);
    assert_type(&layers, "sites.geojson", "rank", &["Integer", "Integer64"]);
    assert_type(
        &layers,
        "sites.geojson",
        "newly_covered_population",
        &["Real"],
    );
}

/// FlatGeobuf written by the library from a collection with a null geometry
/// and mixed geometry types (points and polygons, as gaps.geojson can be):
/// GDAL reads the located features in order; the null one is left out.
#[test]
fn fgb_with_null_and_mixed_geometries_opens_in_gdal() {
    if !have_ogrinfo("fgb_with_null_and_mixed_geometries_opens_in_gdal") {
        return;
    }
    let text = r#"{"type":"FeatureCollection","name":"t","features":[
{"type":"Feature","properties":{"id":"a","people":12.5,"n":3,"football_pitch_m":null,"rank":null},"geometry":{"type":"Point","coordinates":[116.4,39.9]}},
{"type":"Feature","properties":{"id":"b","people":null,"n":4},"geometry":null},
{"type":"Feature","properties":{"id":"c","people":2.0,"n":5},"geometry":{"type":"Polygon","coordinates":[[[116.4,39.9],[116.41,39.9],[116.41,39.91],[116.4,39.9]]]}}
]}"#;
    let c = fitcircle::output::derived::parse(text.as_bytes()).expect("parse");
    let tmp = temp_dir();
    let path = tmp.path().join("t.fgb");
    let mut bytes = Vec::new();
    fitcircle::output::derived::write_fgb(&mut bytes, &c, "t", fitcircle::crs::Crs::Wgs84)
        .expect("write fgb");
    std::fs::write(&path, bytes).unwrap();
    let layer = ogrinfo(&path);
    assert_eq!(layer.driver, "FlatGeobuf");
    assert_eq!(layer.count, 2);
    assert_eq!(layer.geometry, "Unknown (any)");
    assert_eq!(layer.fields["id"], "String");
    assert_eq!(layer.fields["people"], "Real");
    assert_eq!(layer.fields["n"], "Integer64");
    // Declared by name, not guessed from values: all null, still numbers.
    assert_eq!(layer.fields["football_pitch_m"], "Real");
    assert_eq!(layer.fields["rank"], "Integer64");
    // The features themselves, in order.
    let out = Command::new("ogrinfo")
        .args(["-ro", "-al", "-q"])
        .arg(&path)
        .output()
        .expect("run ogrinfo");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let ia = text
        .find("id (String) = a")
        .unwrap_or_else(|| panic!("feature a:\n{text}"));
    let ic = text
        .find("id (String) = c")
        .unwrap_or_else(|| panic!("feature c:\n{text}"));
    assert!(ia < ic, "order kept:\n{text}");
    assert!(!text.contains("id (String) = b"), "{text}");
    assert!(!out.stderr.windows(5).any(|w| w == b"ERROR"), "GDAL errors");
    assert!(text.contains("POINT (116.4 39.9)"), "{text}");
    assert!(text.contains("POLYGON ((116.4 39.9"), "{text}");
    assert!(text.contains("people (Real) = 12.5"), "{text}");
}

/// `travel_time_<target>.tif` opens in GDAL as a georeferenced float32
/// GeoTIFF in EPSG:4326 over the study area, nodata NaN, with statistics
/// between 0 and the 15-minute limit (`gdalinfo -stats`).
#[test]
fn travel_time_tif_opens_in_gdal() {
    if !have_ogrinfo("travel_time_tif_opens_in_gdal") {
        return;
    }
    let tmp = temp_dir();
    let out = tmp.path().join("tif");
    run_ok(
        tmp.path(),
        &[
            "analyze",
            "--travel-time-tif",
            "--cell",
            "30",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let path = out.join("travel_time_any.tif");
    let o = Command::new("gdalinfo")
        .args(["-stats", "-json"])
        .arg(&path)
        .output()
        .expect("run gdalinfo");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "gdalinfo failed: {stdout}");
    let info: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(info["driverShortName"], "GTiff");
    let wkt = info["coordinateSystem"]["wkt"].as_str().unwrap_or("");
    assert!(wkt.contains("4326") || wkt.contains("WGS 84"), "{wkt}");
    let band = &info["bands"][0];
    assert_eq!(band["type"], "Float32");
    // NaN nodata: GDAL's JSON says "NaN".
    assert_eq!(band["noDataValue"], "NaN", "{band}");
    let min = band["minimum"].as_f64().unwrap();
    let max = band["maximum"].as_f64().unwrap();
    assert!(
        min >= 0.0 && max <= 15.0 + 1e-3 && max > 5.0,
        "{min}..{max}"
    );
    // Over Helsinki (24.9 E, 60.2 N).
    let corner = &info["cornerCoordinates"]["upperLeft"];
    let (lon, lat) = (corner[0].as_f64().unwrap(), corner[1].as_f64().unwrap());
    assert!(
        (24.0..26.0).contains(&lon) && (59.5..61.0).contains(&lat),
        "{lon} {lat}"
    );
}
