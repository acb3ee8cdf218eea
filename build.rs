//! Build script: the bundled data sets (`data/<name>/`) compiled into the
//! library as `include_bytes!` (feature `bundles`). No dependencies. (The
//! git commit for `fitcircle --version` comes from crates/fitcircle-build-info,
//! so a new commit does not recompile the library.)

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    embed_bundles(&root, &out);
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
            // A file added to or removed from a bundle changes its folder.
            println!("cargo:rerun-if-changed={}", bundle.display());
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
