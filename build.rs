//! Build script: the bundled data sets (`data/<name>/`) compiled into the
//! library as `include_bytes!` (feature `bundles`), and the git commit the
//! binary is built from (for `fitcircle --version`; "unknown" outside a git
//! checkout or without git). No dependencies.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    embed_bundles(&root, &out);
    git_commit(&root);
}

/// Write `$OUT_DIR/bundles.rs`: one `(bundle, file, bytes)` row per file
/// of each `data/<bundle>/` folder holding a `fitcircle.toml`, sorted.
/// Without the `bundles` feature the table is empty.
fn embed_bundles(root: &Path, out: &Path) {
    let data = root.join("data");
    println!("cargo:rerun-if-changed={}", data.display());
    let mut rows = Vec::new();
    if std::env::var_os("CARGO_FEATURE_BUNDLES").is_some() {
        for bundle in sorted_entries(&data) {
            if !bundle.join("fitcircle.toml").is_file() {
                continue;
            }
            let name = file_name(&bundle);
            for file in sorted_entries(&bundle) {
                if file.is_file() {
                    rows.push(format!(
                        "    ({:?}, {:?}, include_bytes!({:?})),\n",
                        name,
                        file_name(&file),
                        file.display().to_string()
                    ));
                }
            }
        }
    }
    let code = format!(
        "/// Every bundled file as (bundle, file name, bytes), sorted.\n\
         static FILES: &[(&str, &str, &[u8])] = &[\n{}];\n",
        rows.concat()
    );
    std::fs::write(out.join("bundles.rs"), code).expect("writing bundles.rs");
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.path()).collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .expect("a directory entry has a name")
        .to_string_lossy()
        .into_owned()
}

/// Set `FITCIRCLE_GIT_COMMIT` to `git rev-parse --short=12 HEAD` (or
/// "unknown"), rerunning when HEAD or the branch it names moves.
fn git_commit(root: &Path) {
    let git = |args: &[&str]| -> Option<String> {
        let o = Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .ok()?;
        if !o.status.success() {
            return None;
        }
        let s = String::from_utf8(o.stdout).ok()?.trim().to_string();
        (!s.is_empty()).then_some(s)
    };
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=FITCIRCLE_GIT_COMMIT={commit}");
    if commit == "unknown" {
        return;
    }
    // Only files that exist: cargo reruns a script whose watched file is missing.
    let mut watched = vec!["HEAD".to_string(), "packed-refs".to_string()];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watched.push(branch);
    }
    for name in watched {
        if let Some(p) = git(&["rev-parse", "--git-path", &name]) {
            let p = root.join(p);
            if p.exists() {
                println!("cargo:rerun-if-changed={}", p.display());
            }
        }
    }
}
