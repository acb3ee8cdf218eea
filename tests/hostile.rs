//! Hostile inputs and hostile output folders, through the real binary: the
//! promises of the README's "Guarantees" section. Each test builds its own
//! small inputs (from the hand-made network of `tests/fixtures/tiny/`) in
//! a fresh temporary folder and checks, besides its own point, that the
//! run ends (a watchdog kills it after [`TIMEOUT`]), never panics, and
//! leaves every input byte for byte as it was.
//!
//! 1. Population or area totals that overflow to infinity: exit 2 naming
//!    the file and the column, no output, no endless chart loop.
//! 2. `--out` that is, holds or contains an input's folder (also through a
//!    symbolic link): refused with exit 2 before anything is read or written.
//! 3. Symbolic links and leftovers planted in `--out`: never followed,
//!    leftovers of this tool removed, the user's own files kept.
//! 4. All-or-nothing output sets: `outputs.json` lists exactly the run's
//!    files (sizes and checksums), files of an earlier run are removed, a
//!    failing run either leaves the previous set whole or leaves no
//!    `outputs.json`.
//! 5. CSV formula injection: text cells starting with `=`, `+`, `-`, `@`
//!    get a `'` in every CSV; numbers (negative longitudes) stay numbers;
//!    `--csv-formulas keep` writes the text as is.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Longest a run of the tiny fixture may take before it counts as hung
/// (it takes well under a second).
const TIMEOUT: Duration = Duration::from_secs(120);

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn context(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    #[track_caller]
    fn assert_ok(&self) {
        assert_eq!(self.code, Some(0), "{}", self.context());
        assert!(!self.stderr.contains("panicked"), "{}", self.context());
    }

    /// Exit 2, an `error: ` line, no panic, and every one of `parts`.
    #[track_caller]
    fn assert_fails_naming(&self, parts: &[&str]) {
        let ctx = self.context();
        assert_eq!(self.code, Some(2), "exit code; {ctx}");
        assert!(!self.stderr.contains("panicked"), "panic; {ctx}");
        assert!(self.stderr.starts_with("error: "), "{ctx}");
        for p in parts {
            assert!(
                self.stderr.contains(p),
                "stderr should mention {p:?}; {ctx}"
            );
        }
    }
}

/// Run `fitcircle ARGS` in `cwd`, killing it after [`TIMEOUT`] (then the
/// test fails: the run hung). Output goes to files outside `cwd`.
fn run(cwd: &Path, args: &[&str]) -> Run {
    let logs = common::temp_dir();
    let out_path = logs.path().join("stdout");
    let err_path = logs.path().join("stderr");
    let mut child = Command::new(env!("CARGO_BIN_EXE_fitcircle"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out_path).unwrap())
        .stderr(fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("start fitcircle");
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "fitcircle {args:?} still running after {TIMEOUT:?}: it hung\nstderr:\n{}",
                fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code(),
        stdout: fs::read_to_string(&out_path).unwrap(),
        stderr: fs::read_to_string(&err_path).unwrap(),
    }
}

/// Every regular file under `dir` (recursively) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            let t = e.file_type().unwrap();
            if t.is_dir() {
                stack.push(p);
            } else if t.is_file() {
                let bytes = fs::read(&p).unwrap();
                out.insert(p, bytes);
            }
        }
    }
    out
}

/// The names in `dir` (hidden ones too), sorted; empty when missing.
fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Copy the tiny fixture's settings, network, facilities and communities
/// into `dir` (created).
fn tiny_data(dir: &Path) {
    fs::create_dir_all(dir).unwrap();
    for name in [
        "fitcircle.toml",
        "network.osm",
        "facilities.csv",
        "communities.csv",
    ] {
        fs::copy(common::fixture("tiny").join(name), dir.join(name)).unwrap();
    }
}

/// `analyze` on the tiny data in `data` (its own file names unless
/// `communities` / `facilities` say otherwise), into `out`.
fn tiny_args(data: &Path, communities: &str, facilities: &str, out: &Path) -> Vec<String> {
    let p = |n: &str| data.join(n).to_string_lossy().into_owned();
    vec![
        "analyze".into(),
        "--config".into(),
        p("fitcircle.toml"),
        "--network".into(),
        p("network.osm"),
        "--facilities".into(),
        p(facilities),
        "--communities".into(),
        p(communities),
        "--minutes".into(),
        "1.2".into(),
        "--speed".into(),
        "6".into(),
        "--quiet".into(),
        "--out".into(),
        out.to_string_lossy().into_owned(),
    ]
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// XXH3 64-bit, as outputs.json records it.
fn xxh3(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// Check `out/outputs.json` against the folder: it lists exactly the
/// files of the folder but `outputs.json` and `others`, with their sizes
/// and checksums. Returns the names listed.
#[track_caller]
fn check_manifest(out: &Path, command: &str, others: &[&str]) -> Vec<String> {
    let m = common::read_json(&out.join("outputs.json"));
    assert_eq!(m["tool"], "fitcircle");
    assert_eq!(m["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(m["command"], command);
    let mut listed = Vec::new();
    for f in m["files"].as_array().unwrap() {
        let name = f["name"].as_str().unwrap().to_string();
        let bytes = fs::read(out.join(&name)).unwrap();
        assert_eq!(f["bytes"].as_u64(), Some(bytes.len() as u64), "{name}");
        assert_eq!(f["xxh3_64"], format!("{:016x}", xxh3(&bytes)), "{name}");
        listed.push(name);
    }
    let mut present = names_in(out);
    present.retain(|n| n != "outputs.json" && !others.contains(&n.as_str()));
    assert_eq!(listed, present, "outputs.json against the folder's files");
    listed
}

// 1. Totals that overflow: a clear error, never a hang.
#[test]
fn overflowing_totals_fail_naming_file_and_column() {
    let tmp = common::temp_dir();
    let data = tmp.path().join("data");
    tiny_data(&data);
    fs::write(
        data.join("households.csv"),
        "id,name,households,lon,lat\nC1,A,1e308,24.9410,60.1700\nC2,B,100,24.9420,60.1700\n",
    )
    .unwrap();
    fs::write(
        data.join("huge.csv"),
        "id,name,population,lon,lat\nC1,A,1e308,24.9410,60.1700\nC2,B,1e308,24.9420,60.1700\n",
    )
    .unwrap();
    fs::write(
        data.join("big_pitches.csv"),
        "id,name,category,area_m2,lon,lat\n\
         F1,W,football_pitch,1e308,24.9400,60.1700\nF2,N,football_pitch,1e308,24.9420,60.1710\n",
    )
    .unwrap();
    let before = snapshot(tmp.path());
    let out = tmp.path().join("out");
    for (communities, facilities, file, column, largest) in [
        (
            "households.csv",
            "facilities.csv",
            "households.csv",
            "households",
            "C1 (1e308 households)",
        ),
        (
            "huge.csv",
            "facilities.csv",
            "huge.csv",
            "population",
            "C1 (1e308 people)",
        ),
        (
            "communities.csv",
            "big_pitches.csv",
            "big_pitches.csv",
            "area_m2",
            "F1 (1e308 m2)",
        ),
    ] {
        let args = tiny_args(&data, communities, facilities, &out);
        let r = run(tmp.path(), &strs(&args));
        r.assert_fails_naming(&[file, column]);
        // Refused by the check before output (src/output/validate.rs),
        // unless the loader already refused the value itself.
        if r.stderr.contains("overflows to infinity") {
            r.assert_fails_naming(&[&format!("{file}: {column}: "), largest]);
        }
        assert!(names_in(&out).is_empty(), "{:?}", names_in(&out));
    }
    // `sites` checks the same figures.
    let mut args = tiny_args(&data, "huge.csv", "facilities.csv", &out);
    args[0] = "sites".into();
    args.extend(["--category".into(), "football_pitch".into()]);
    run(tmp.path(), &strs(&args)).assert_fails_naming(&["huge.csv", "population"]);
    assert!(names_in(&out).is_empty());
    assert_eq!(snapshot(tmp.path()), before, "inputs changed or files left");
}

// 2. --out at an input: refused before anything is read or written.
#[test]
fn out_folder_at_an_input_is_refused() {
    let tmp = common::temp_dir();
    let data = tmp.path().join("data");
    tiny_data(&data);
    fs::write(data.join("plots.csv"), "id,lon,lat\nP1,24.9440,60.1700\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&data, tmp.path().join("link")).unwrap();
    let before = snapshot(tmp.path());
    let cases: Vec<(PathBuf, &str)> = vec![
        // The folder holding the inputs.
        (data.clone(), "this folder holds the network input"),
        // The same through `..`.
        (data.join("sub/.."), "this folder holds the network input"),
        // A folder containing the inputs' folder.
        (
            tmp.path().to_path_buf(),
            "contains the folder of the network input",
        ),
        // An input file itself.
        (
            data.join("communities.csv"),
            "this is the communities input",
        ),
    ];
    for (out, relation) in &cases {
        let args = tiny_args(&data, "communities.csv", "facilities.csv", out);
        let r = run(tmp.path(), &strs(&args));
        r.assert_fails_naming(&[
            "--out",
            &out.display().to_string(),
            relation,
            "choose an output folder apart from the input files",
        ]);
        assert_eq!(snapshot(tmp.path()), before, "out {}", out.display());
    }
    // Through a symbolic link to the data folder.
    #[cfg(unix)]
    {
        let args = tiny_args(
            &data,
            "communities.csv",
            "facilities.csv",
            &tmp.path().join("link"),
        );
        run(tmp.path(), &strs(&args)).assert_fails_naming(&["link", "network.osm"]);
    }
    // Relative paths: `--out .` run inside the data folder.
    let rel = [
        "analyze",
        "--config",
        "fitcircle.toml",
        "--network",
        "network.osm",
        "--facilities",
        "facilities.csv",
        "--communities",
        "communities.csv",
        "--out",
        ".",
    ];
    run(&data, &rel).assert_fails_naming(&["--out .", "network.osm"]);
    // `sites`: its --candidates file counts as an input too.
    let cand = tmp.path().join("cand");
    fs::create_dir(&cand).unwrap();
    fs::copy(data.join("plots.csv"), cand.join("plots.csv")).unwrap();
    let mut args = tiny_args(&data, "communities.csv", "facilities.csv", &cand);
    args[0] = "sites".into();
    args.extend([
        "--category".into(),
        "football_pitch".into(),
        "--candidates".into(),
        cand.join("plots.csv").to_string_lossy().into_owned(),
    ]);
    run(tmp.path(), &strs(&args)).assert_fails_naming(&["candidates input", "plots.csv"]);
    assert_eq!(names_in(&cand), ["plots.csv"]);
    fs::remove_dir_all(&cand).unwrap();
    assert_eq!(snapshot(tmp.path()), before, "inputs changed or files left");
    // A new folder inside the data folder is fine: a run writes only
    // directly into --out.
    let inside = data.join("results");
    let args = tiny_args(&data, "communities.csv", "facilities.csv", &inside);
    run(tmp.path(), &strs(&args)).assert_ok();
    check_manifest(&inside, "analyze", &[]);
    for (p, bytes) in &before {
        assert_eq!(&fs::read(p).unwrap(), bytes, "{} changed", p.display());
    }
}

// 3. Links and leftovers planted in --out.
#[cfg(unix)]
#[test]
fn planted_links_are_replaced_and_leftovers_removed() {
    use std::os::unix::fs::symlink;
    let tmp = common::temp_dir();
    let data = tmp.path().join("data");
    tiny_data(&data);
    let victims = tmp.path().join("victims");
    fs::create_dir(&victims).unwrap();
    for v in ["summary.txt", "temp.txt", "manifest.txt"] {
        fs::write(victims.join(v), format!("{v} must stay\n")).unwrap();
    }
    fs::create_dir(victims.join("dir")).unwrap();
    fs::write(victims.join("dir/keep.txt"), "keep\n").unwrap();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    // A link where an output goes, links at temporary names, a link as the
    // previous outputs.json, a killed run's staging folder and temporary
    // files, a link to a folder named like a staging folder, and a file of
    // the user's.
    symlink(victims.join("summary.txt"), out.join("summary.csv")).unwrap();
    symlink(victims.join("temp.txt"), out.join(".fitcircle-tmp-planted")).unwrap();
    symlink(victims.join("manifest.txt"), out.join("outputs.json")).unwrap();
    symlink(victims.join("dir"), out.join(".fitcircle-staging-link")).unwrap();
    fs::create_dir(out.join(".fitcircle-staging-dead")).unwrap();
    fs::write(out.join(".fitcircle-staging-dead/summary.csv"), "half\n").unwrap();
    fs::write(out.join(".summary.csv.tmp-99999"), "half\n").unwrap();
    fs::write(out.join("notes.txt"), "mine\n").unwrap();
    let before = snapshot(&data);
    let victims_before = snapshot(&victims);

    let args = tiny_args(&data, "communities.csv", "facilities.csv", &out);
    run(tmp.path(), &strs(&args)).assert_ok();

    assert_eq!(
        snapshot(&victims),
        victims_before,
        "a file outside --out changed"
    );
    assert_eq!(snapshot(&data), before, "an input changed");
    let meta = fs::symlink_metadata(out.join("summary.csv")).unwrap();
    assert!(meta.is_file(), "summary.csv is still a link");
    assert!(common::read_text(&out.join("summary.csv")).contains("covered_population"));
    let names = names_in(&out);
    let left: Vec<&String> = names.iter().filter(|n| n.starts_with('.')).collect();
    assert!(left.is_empty(), "leftovers in --out: {left:?}");
    check_manifest(&out, "analyze", &["notes.txt"]);
    assert_eq!(common::read_text(&out.join("notes.txt")), "mine\n");
}

// 4. The output set is all or nothing.
#[test]
fn output_set_is_all_or_nothing() {
    let tmp = common::temp_dir();
    let data = tmp.path().join("data");
    tiny_data(&data);
    let inputs = snapshot(&data);
    let out = tmp.path().join("out");
    let args = tiny_args(&data, "communities.csv", "facilities.csv", &out);

    // A run with the graph export, then one without: the graph files of
    // the first are removed, the user's file is kept.
    let mut with_graph = args.clone();
    with_graph.push("--export-graph".into());
    run(tmp.path(), &strs(&with_graph)).assert_ok();
    let first = check_manifest(&out, "analyze", &[]);
    assert!(first.contains(&"graph_edges.csv".to_string()), "{first:?}");
    fs::write(out.join("notes.txt"), "mine\n").unwrap();
    run(tmp.path(), &strs(&args)).assert_ok();
    let second = check_manifest(&out, "analyze", &["notes.txt"]);
    assert!(!out.join("graph_edges.csv").exists());
    assert!(!out.join("graph_nodes.csv").exists());
    assert_eq!(first.len(), second.len() + 2, "{first:?} then {second:?}");
    let complete = snapshot(&out);

    // A bad input: the previous set stays whole, outputs.json included.
    let bad = tiny_args(&data, "missing.csv", "facilities.csv", &out);
    run(tmp.path(), &strs(&bad)).assert_fails_naming(&["missing.csv"]);
    assert_eq!(snapshot(&out), complete, "a failed run changed --out");
    assert_eq!(names_in(&out).len(), second.len() + 2);

    // A failure while moving the files into place (report.html is a
    // folder now): exit 2 naming the file, and no outputs.json, so the
    // half-replaced set is not described as complete; no leftovers.
    fs::remove_file(out.join("report.html")).unwrap();
    fs::create_dir(out.join("report.html")).unwrap();
    fs::write(out.join("report.html/keep.txt"), "keep\n").unwrap();
    run(tmp.path(), &strs(&args)).assert_fails_naming(&["report.html", "cannot write"]);
    let names = names_in(&out);
    assert!(!names.contains(&"outputs.json".to_string()), "{names:?}");
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
    assert_eq!(
        common::read_text(&out.join("report.html/keep.txt")),
        "keep\n"
    );

    // The repair: clear the way and run again; the set is whole and the
    // same as before.
    fs::remove_dir_all(out.join("report.html")).unwrap();
    run(tmp.path(), &strs(&args)).assert_ok();
    check_manifest(&out, "analyze", &["notes.txt"]);
    assert_eq!(snapshot(&out), complete);
    assert_eq!(snapshot(&data), inputs, "an input changed");
}

/// The tiny fixture mirrored to the western hemisphere (negative
/// longitudes), with names and ids a spreadsheet would run as formulas.
fn hostile_names(dir: &Path) {
    tiny_data(dir);
    let net = common::read_text(&dir.join("network.osm")).replace("lon=\"24.", "lon=\"-24.");
    fs::write(dir.join("network.osm"), net).unwrap();
    let fac = common::read_text(&dir.join("facilities.csv")).replace(",24.", ",-24.");
    fs::write(dir.join("facilities.csv"), fac).unwrap();
    fs::write(
        dir.join("communities.csv"),
        "id,name,population,lon,lat\n\
         C1,\"=HYPERLINK(\"\"http://example.invalid\"\",\"\"x\"\")\",100,-24.9410,60.1700\n\
         +C2,On junction 3,200,-24.9420,60.1700\n\
         C3,-2+3,300,-24.9420,60.1705\n\
         C4,\tTabbed,400,-24.9440,60.17045\n\
         -C5,@SUM(A1),500,-24.9420,60.1760\n",
    )
    .unwrap();
    fs::write(
        dir.join("units.csv"),
        "id,name,wkt\n=U1,=cmd|' /C calc'!A0,\"POLYGON((-24.95 60.16,-24.93 60.16,-24.93 60.18,\
         -24.95 60.18,-24.95 60.16))\"\n",
    )
    .unwrap();
    fs::write(
        dir.join("plots.csv"),
        "id,lon,lat\n=SITE1,-24.9440,60.1700\n",
    )
    .unwrap();
}

/// Every cell of every CSV in `dir`, by file.
fn csv_cells(dir: &Path) -> BTreeMap<String, Vec<String>> {
    let mut all = BTreeMap::new();
    for name in names_in(dir).into_iter().filter(|n| n.ends_with(".csv")) {
        let text = common::read_text(&dir.join(&name));
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        let cells = rdr
            .records()
            .flat_map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
            .collect();
        all.insert(name, cells);
    }
    all
}

fn is_number(s: &str) -> bool {
    s.parse::<f64>().is_ok() && s.bytes().all(|b| b"0123456789+-.eE".contains(&b))
}

// 5. CSV formula injection.
#[test]
fn csv_formula_cells_are_neutralised() {
    let tmp = common::temp_dir();
    let data = tmp.path().join("data");
    hostile_names(&data);
    let inputs = snapshot(&data);
    let out = tmp.path().join("out");
    let mut args = tiny_args(&data, "communities.csv", "facilities.csv", &out);
    args.extend([
        "--units".into(),
        data.join("units.csv").to_string_lossy().into_owned(),
        "--export-graph".into(),
    ]);
    run(tmp.path(), &strs(&args)).assert_ok();
    let sites_out = tmp.path().join("sites");
    let mut sites = tiny_args(&data, "communities.csv", "facilities.csv", &sites_out);
    sites[0] = "sites".into();
    sites.extend([
        "--category".into(),
        "football_pitch".into(),
        "--count".into(),
        "1".into(),
        "--candidates".into(),
        data.join("plots.csv").to_string_lossy().into_owned(),
    ]);
    run(tmp.path(), &strs(&sites)).assert_ok();

    let mut cells = csv_cells(&out);
    cells.extend(csv_cells(&sites_out));
    for name in [
        "summary.csv",
        "units.csv",
        "unreachable.csv",
        "gaps.csv",
        "scorecard.csv",
        "graph_nodes.csv",
        "graph_edges.csv",
        "sites.csv",
    ] {
        assert!(cells.contains_key(name), "{name} not written");
    }
    // No cell of any CSV starts like a formula unless it is a number.
    for (name, list) in &cells {
        for c in list {
            let risky = c.starts_with(['=', '+', '-', '@', '\t', '\r']);
            assert!(!risky || is_number(c), "{name}: formula cell {c:?}");
        }
    }
    let has = |name: &str, cell: &str| cells[name].iter().any(|c| c == cell);
    assert!(has("unreachable.csv", "'-C5"));
    assert!(has("unreachable.csv", "'@SUM(A1)"));
    assert!(has("summary.csv", "'=cmd|' /C calc'!A0"));
    assert!(has("units.csv", "'=U1"));
    assert!(has("sites.csv", "'=SITE1"));
    // Negative longitudes stay numbers.
    let negative = cells["graph_nodes.csv"]
        .iter()
        .filter(|c| c.starts_with("-24.9"))
        .count();
    assert!(negative >= 7, "negative longitudes: {negative}");
    assert!(cells["sites.csv"].iter().any(|c| c.starts_with("-24.944")));
    // The GeoJSON keeps the names as given (only CSV cells are changed).
    let com = common::read_text(&out.join("communities.geojson"));
    assert!(com.contains(r#""=HYPERLINK(\"http://example.invalid\",\"x\")""#));

    // --csv-formulas keep: the cells as given.
    let kept = tmp.path().join("kept");
    let mut keep = args.clone();
    let i = keep.iter().position(|a| a == "--out").unwrap();
    keep[i + 1] = kept.to_string_lossy().into_owned();
    keep.extend(["--csv-formulas".into(), "keep".into()]);
    run(tmp.path(), &strs(&keep)).assert_ok();
    let cells = csv_cells(&kept);
    assert!(cells["unreachable.csv"].iter().any(|c| c == "@SUM(A1)"));
    assert!(
        cells["summary.csv"]
            .iter()
            .any(|c| c == "=cmd|' /C calc'!A0")
    );
    assert_eq!(snapshot(&data), inputs, "an input changed");
}

/// Numbers on the command line have bounds: each out-of-bounds value exits
/// 2 naming the flag, at once (no thread storm, no endless stream, no
/// "every resident is covered" from a zero spacing), and writes nothing.
#[test]
fn flags_outside_their_bounds_are_refused() {
    let dir = common::temp_dir();
    let cwd = dir.path();
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["analyze", "--threads", "20000"],
            &["--threads", "1 to 1024"],
        ),
        (&["analyze", "--threads", "0"], &["--threads", "1 to 1024"]),
        (
            &["analyze", "--minutes", "-5"],
            &["minutes must be between 0 and 240"],
        ),
        (
            &["analyze", "--speed", "1e9"],
            &["speed_kmh must be between"],
        ),
        (
            &["sites", "--category", "fitness_station", "--spacing", "0"],
            &["--spacing 0", "at least 10 metres"],
        ),
        (
            &["sites", "--category", "fitness_station", "--spacing", "-5"],
            &["--spacing -5", "at least 10 metres"],
        ),
        (
            &[
                "sites",
                "--category",
                "fitness_station",
                "--spacing",
                "0.01",
            ],
            &["--spacing 0.01", "at least 10 metres"],
        ),
        (
            &["synth", "--nodes", "100000000000", "--out", "city.osm.pbf"],
            &["100000000000", "at most 20000000"],
        ),
    ];
    for (args, parts) in cases {
        let mut all: Vec<&str> = args.to_vec();
        if all[0] != "synth" {
            all.extend(["--out", "out"]);
        }
        run(cwd, &all).assert_fails_naming(parts);
        assert!(
            names_in(cwd).is_empty(),
            "{args:?} wrote {:?}",
            names_in(cwd)
        );
    }
}

/// An error about a file never prints the file's contents: a `--config`
/// that is a symbolic link to some other file (a secret, say) is refused
/// with the line and column only.
#[test]
fn config_errors_do_not_echo_the_file() {
    let dir = common::temp_dir();
    let secret = dir.path().join("secret.txt");
    fs::write(&secret, "api-token-5f1e = = x\n").unwrap();
    let link = dir.path().join("fitcircle.toml");
    std::os::unix::fs::symlink(&secret, &link).unwrap();
    let before = snapshot(dir.path());
    let r = run(
        dir.path(),
        &["analyze", "--config", "fitcircle.toml", "--out", "out"],
    );
    r.assert_fails_naming(&["fitcircle.toml", "line 1, column", "expected"]);
    assert!(!r.stderr.contains("api-token"), "{}", r.context());
    assert_eq!(snapshot(dir.path()), before);
}
