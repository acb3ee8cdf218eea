//! A 50,000-node synthetic city through the whole `analyze` pipeline, as the
//! scaling benchmark runs it (`benches/scale.sh`), small enough for CI:
//! PBF in, every output written, nearest distances of a sample of
//! communities recomputed with a plain Dijkstra (`--check-sample`), and
//! the outputs byte-identical with one and two worker threads.

mod common;

use common::{features, read_csv_rows, read_json, run_fitcircle, run_ok, temp_dir};

#[test]
fn synthetic_50k_city_end_to_end_checked_and_deterministic() {
    let dir = temp_dir();
    let d = dir.path();
    run_ok(
        d,
        &[
            "synth",
            "--nodes",
            "50000",
            "--seed",
            "3",
            "--out",
            "city.osm.pbf",
        ],
    );
    let run = |threads: &str, out: &str, extra: &[&str]| {
        let mut args = vec![
            "analyze",
            "--network",
            "city.osm.pbf",
            "--facilities",
            "city.osm.pbf",
            "--communities",
            "city.osm.pbf",
            "--skip-isochrones",
            "--check-sample",
            "400",
            "--threads",
            threads,
            "--out",
            out,
        ];
        args.extend_from_slice(extra);
        let o = run_fitcircle(d, &args);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "analyze failed: {err}");
        err
    };
    let err2 = run("2", "out2", &[]);
    let err1 = run("1", "out1", &[]);
    let err_cov = run("2", "cov", &["--coverage-only"]);
    for err in [&err1, &err2, &err_cov] {
        assert!(
            err.contains("check: 400 communities") && err.contains(", 0 mismatches"),
            "{err}"
        );
    }
    let summary = read_csv_rows(&d.join("out2/summary.csv"));
    assert!(!summary.is_empty());
    let mut names: Vec<_> = std::fs::read_dir(d.join("out2"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(names.len() >= 10, "{names:?}");
    for name in &names {
        let a = std::fs::read(d.join("out1").join(name)).unwrap();
        let b = std::fs::read(d.join("out2").join(name)).unwrap();
        assert!(a == b, "{name:?} differs between 1 and 2 threads");
    }

    // --coverage-only: the same nearest distances and covered flags, no
    // counts or catchment fields, no report page.
    let full = read_json(&d.join("out2/communities.geojson"));
    let cov = read_json(&d.join("cov/communities.geojson"));
    let (full, cov) = (features(&full), features(&cov));
    assert_eq!(full.len(), cov.len());
    for (a, b) in full.iter().zip(cov) {
        let (pa, pb) = (&a["properties"], &b["properties"]);
        assert_eq!(pa["id"], pb["id"]);
        for key in [
            "any_m",
            "any_min",
            "any_covered",
            "school_venue_m",
            "park_m",
        ] {
            assert_eq!(pa[key], pb[key], "{key} of {}", pa["id"]);
        }
        assert!(pa.get("any_count").is_some() && pb.get("any_count").is_none());
        assert!(pb.get("sfca_total_m2pp").is_none() && pb.get("tier_5min_met").is_none());
    }
    let full_summary = read_csv_rows(&d.join("out2/summary.csv"));
    let cov_summary = read_csv_rows(&d.join("cov/summary.csv"));
    assert_eq!(full_summary, cov_summary);
    assert!(d.join("cov/map.png").is_file());
    assert!(!d.join("cov/report.html").exists());
    assert!(!d.join("cov/units.csv").exists());
}
