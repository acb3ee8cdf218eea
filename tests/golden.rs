//! Golden outputs: each folder `tests/golden/<case>/` holds `args.txt` (the
//! command line, one argument a line, paths relative to the repository),
//! `NOTES.md` (what the case covers) and `expected/` (every output file of
//! the run). Text files (GeoJSON, CSV, Markdown) up to 64 KiB are kept
//! whole; the others (report.html, map.png, FlatGeobuf, large GeoJSON) as
//! size and FNV-1a hash in `expected/HASHES.txt`. One test per folder runs the binary and compares
//! every file byte for byte.
//!
//! On a difference the new file is written beside the old one as
//! `<name>.new` (ignored by git) and the test fails naming both, so
//! `diff` shows what changed. `FITCIRCLE_BLESS=1 cargo test --release
//! --test golden` writes the new outputs as the expected ones instead.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const HASHES: &str = "HASHES.txt";
/// The list of a run's files, written last (src/output/staging.rs).
const MANIFEST: &str = "outputs.json";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Text files up to this size are kept whole; larger ones, like the
/// binary files, as size and hash.
const WHOLE_MAX_BYTES: usize = 64 * 1024;

/// Files compared whole (and `outputs.json`, the list of a run's files
/// with their sizes and checksums); the rest by size and hash.
fn keep_whole(name: &str, bytes: &[u8]) -> bool {
    bytes.len() <= WHOLE_MAX_BYTES
        && ([".geojson", ".csv", ".md"]
            .iter()
            .any(|e| name.ends_with(e))
            || name == MANIFEST)
}

/// FNV-1a, 64 bits: enough to notice any change in a file.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn hash_line(name: &str, bytes: &[u8]) -> String {
    format!("{name} {} {:016x}", bytes.len(), fnv1a(bytes))
}

/// Run the case's command into a fresh folder; its files by name.
fn run_case(case: &Path) -> BTreeMap<String, Vec<u8>> {
    let args_text = fs::read_to_string(case.join("args.txt")).expect("args.txt");
    let out = std::env::temp_dir().join(format!(
        "fitcircle-golden-{}-{}",
        case.file_name().unwrap().to_string_lossy(),
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&out);
    let args: Vec<&str> = args_text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let run = Command::new(env!("CARGO_BIN_EXE_fitcircle"))
        .args(&args)
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .current_dir(root())
        .output()
        .expect("run fitcircle");
    assert!(
        run.status.success(),
        "{}: fitcircle {} failed: {}",
        case.display(),
        args.join(" "),
        String::from_utf8_lossy(&run.stderr)
    );
    let mut files = BTreeMap::new();
    for e in fs::read_dir(&out).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        files.insert(name, fs::read(&p).unwrap());
    }
    let _ = fs::remove_dir_all(&out);
    files
}

/// What the expected folder should hold for these outputs.
fn expected_form(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    let mut form = BTreeMap::new();
    let mut hashes = String::new();
    for (name, bytes) in files {
        if keep_whole(name, bytes) {
            form.insert(name.clone(), bytes.clone());
        } else {
            hashes.push_str(&hash_line(name, bytes));
            hashes.push('\n');
        }
    }
    form.insert(HASHES.to_string(), hashes.into_bytes());
    form
}

/// Chinese map labels need a CJK font at run time; without one (and not in
/// CI, where `.ci/run` installs it) map.png of a Chinese case is skipped.
fn skip_map(case: &Path) -> bool {
    let args = fs::read_to_string(case.join("args.txt")).unwrap_or_default();
    let chinese = args
        .lines()
        .any(|l| l.trim() == "zh" || l.trim() == "xicheng");
    let skip = chinese
        && fitcircle::output::map_image::find_cjk_font().is_none()
        && std::env::var_os("CI").is_none();
    if skip {
        eprintln!(
            "note: no CJK font: map.png of {} not compared",
            case.display()
        );
    }
    skip
}

fn check(case_name: &str) {
    let case = root().join("tests/golden").join(case_name);
    let expected_dir = case.join("expected");
    let mut files = run_case(&case);
    let skip = skip_map(&case);
    if skip {
        files.remove("map.png");
    }
    let actual = expected_form(&files);
    if std::env::var_os("FITCIRCLE_BLESS").is_some() {
        let _ = fs::remove_dir_all(&expected_dir);
        fs::create_dir_all(&expected_dir).unwrap();
        for (name, bytes) in &actual {
            fs::write(expected_dir.join(name), bytes).unwrap();
        }
        return;
    }
    let mut problems = Vec::new();
    for (name, bytes) in &actual {
        let old = expected_dir.join(name);
        match fs::read(&old) {
            Ok(b) if &b == bytes => {}
            Ok(b) if skip && name == HASHES && without_map(&b) == without_map(bytes) => {}
            Ok(b)
                if skip
                    && name == MANIFEST
                    && manifest_without_map(&b) == manifest_without_map(bytes) => {}
            Ok(_) => {
                let new = expected_dir.join(format!("{name}.new"));
                fs::write(&new, bytes).unwrap();
                problems.push(format!("{} differs: see {}", old.display(), new.display()));
            }
            Err(_) => problems.push(format!("{name} is new (not in {})", expected_dir.display())),
        }
    }
    for e in fs::read_dir(&expected_dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if !name.ends_with(".new") && !actual.contains_key(&name) {
            problems.push(format!("{name} is no longer written"));
        }
    }
    assert!(
        problems.is_empty(),
        "golden case {case_name}:\n{}\n(FITCIRCLE_BLESS=1 to accept the new outputs)",
        problems.join("\n")
    );
}

/// An outputs.json without its map.png entry (whose checksum depends on
/// the CJK font).
fn manifest_without_map(bytes: &[u8]) -> Option<serde_json::Value> {
    let mut v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    v["files"]
        .as_array_mut()?
        .retain(|f| f["name"] != "map.png");
    Some(v)
}

/// A HASHES.txt without its map.png line.
fn without_map(hashes: &[u8]) -> String {
    String::from_utf8_lossy(hashes)
        .lines()
        .filter(|l| !l.starts_with("map.png "))
        .collect::<Vec<_>>()
        .join("\n")
}

macro_rules! golden {
    ($($test:ident => $case:literal,)*) => {
        $(#[test] fn $test() { check($case); })*

        /// Every folder under tests/golden has a test above.
        #[test]
        fn every_golden_folder_has_a_test() {
            let known = [$($case),*];
            for e in fs::read_dir(root().join("tests/golden")).unwrap() {
                let e = e.unwrap();
                if e.path().is_dir() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    assert!(known.contains(&name.as_str()), "add golden case {name} to tests/golden.rs");
                }
            }
        }
    };
}

golden! {
    tiny => "tiny",
    tiny_coverage_only => "tiny-coverage-only",
    catchment_units => "catchment-units",
    xicheng_venues_zh => "xicheng-venues-zh",
    tiny_sites => "tiny-sites",
}
