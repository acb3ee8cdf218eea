//! `fitcircle batch`: each city into DIR/<city>/ as `analyze` writes it,
//! DIR/summary.csv from the cities' own summary.csv, a failing city
//! reported while the others go on (exit 2), complete cities skipped on a
//! rerun until an input changes.

use std::path::Path;
use std::process::Command;

fn fitcircle(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_fitcircle"))
        .args(args)
        .output()
        .unwrap()
}

/// The rows of a CSV (byte-order mark dropped) as string vectors.
fn rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    text.lines()
        .map(|l| l.split(',').map(String::from).collect())
        .collect()
}

#[test]
fn batch_runs_skips_and_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let figures = d.join("figures.csv");
    std::fs::write(&figures, "id,value\n29,5.3\n").unwrap();
    std::fs::write(
        d.join("cities.csv"),
        "name,network,facilities,communities,units,settings\n\
         hel15,,,,,--bundle helsinki\n\
         broken,missing.osm.pbf,missing.csv,missing.csv,,\n\
         hel10,,,,,--bundle helsinki --minutes 10 --figures figures.csv\n",
    )
    .unwrap();
    // --figures is relative to the current folder, like every flag.
    let manifest = d.join("cities.csv");
    let out = d.join("out");
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_fitcircle"))
            .args(["batch", manifest.to_str().unwrap(), "--out"])
            .arg(&out)
            .current_dir(d)
            .output()
            .unwrap()
    };
    let first = run();
    let err = String::from_utf8_lossy(&first.stderr);
    assert_eq!(first.status.code(), Some(2), "{err}");
    assert!(
        err.contains("broken: FAILED") && err.contains("missing.osm.pbf"),
        "{err}"
    );
    // Each city as `analyze` writes it: compare with a run of the CLI.
    let direct = d.join("direct");
    let o = fitcircle(&["analyze", "--bundle", "helsinki", "--quiet", "--out"]);
    assert!(!o.status.success()); // --out needs a value
    let o = Command::new(env!("CARGO_BIN_EXE_fitcircle"))
        .args(["analyze", "--bundle", "helsinki", "--quiet", "--out"])
        .arg(&direct)
        .output()
        .unwrap();
    assert!(o.status.success());
    for f in [
        "communities.geojson",
        "summary.csv",
        "outputs.json",
        "report.html",
    ] {
        assert_eq!(
            std::fs::read(out.join("hel15").join(f)).unwrap(),
            std::fs::read(direct.join(f)).unwrap(),
            "{f}"
        );
    }
    // summary.csv: the whole area's rows of each city's summary.csv.
    let summary = rows(&out.join("summary.csv"));
    assert_eq!(summary[0][0], "city");
    for city in ["hel15", "hel10"] {
        let own = rows(&out.join(city).join("summary.csv"));
        let all: Vec<&Vec<String>> = own[1..].iter().filter(|r| r[0] == "all").collect();
        let ours: Vec<&Vec<String>> = summary.iter().filter(|r| r[0] == city).collect();
        assert_eq!(all.len(), ours.len(), "{city}");
        for (a, b) in all.iter().zip(&ours) {
            assert_eq!(b[1], "done");
            // target, facilities, communities, population, covered, share
            assert_eq!(a[2..8], b[2..8], "{city}");
        }
    }
    let hel10 = summary.iter().find(|r| r[0] == "hel10").unwrap();
    assert_eq!(hel10[9], "10", "walk_minutes");
    assert!(summary.iter().any(|r| r[0] == "broken" && r[1] == "failed"));
    // Rerun: both complete cities skipped, the broken one tried again.
    let before = std::fs::metadata(out.join("hel15/outputs.json"))
        .unwrap()
        .modified()
        .unwrap();
    let second = run();
    let err = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2));
    assert!(
        err.contains("hel15: skipped") && err.contains("hel10: skipped"),
        "{err}"
    );
    let after = std::fs::metadata(out.join("hel15/outputs.json"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after);
    let again = rows(&out.join("summary.csv"));
    assert!(again.iter().any(|r| r[0] == "hel15" && r[1] == "skipped"));
    // A changed input runs its city again.
    std::fs::write(&figures, "id,value\n29,6.1\n").unwrap();
    let third = run();
    let err = String::from_utf8_lossy(&third.stderr);
    assert!(
        err.contains("hel15: skipped") && err.contains("hel10: done"),
        "{err}"
    );
}

#[test]
fn a_bad_manifest_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("m.csv");
    for (text, why) in [
        ("name,network,town\na,x,y\n", "unknown column \"town\""),
        ("name,network\n../up,x\n", "plain folder name"),
        ("name,network\na,x\na,y\n", "named twice"),
        (
            "name,settings\na,--out elsewhere\n",
            "--out is not a per-city setting",
        ),
    ] {
        std::fs::write(&m, text).unwrap();
        let o = fitcircle(&["batch", m.to_str().unwrap(), "--out", "unused"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{text}");
        assert!(err.contains(why), "{text}: {err}");
    }
}
