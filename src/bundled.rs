//! The bundled data sets, compiled in (feature `bundles`, on with the
//! `cli` feature): each `data/<name>/` folder of the source tree, files
//! unchanged (SOURCES.md and licences included), so a copied binary runs
//! its examples from any folder. Bottom layer: no imports from the crate.
//!
//! A bundled file has the path `bundle:<name>/<file>`, e.g.
//! `bundle:helsinki/fitcircle.toml`; [`crate::config::Config::read`] and
//! the input readers read such paths from here, and messages name them so.
//! Not compressed: the OSM extracts (1.6 of the 1.8 MB) are zlib blocks
//! already, and gzip -9 takes the whole set only from 1.80 to 1.66 MB.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/bundles.rs"));

/// How a bundled file's path starts.
pub const PREFIX: &str = "bundle:";

/// One bundled file.
#[derive(Debug, Clone, Copy)]
pub struct BundledFile {
    /// The bundle's name (its folder under `data/`), e.g. `helsinki`.
    pub bundle: &'static str,
    /// The file's name in the folder, e.g. `fitcircle.toml`.
    pub name: &'static str,
    /// The file's bytes.
    pub bytes: &'static [u8],
}

/// Every bundled file, sorted by bundle then name (none without the
/// `bundles` feature).
pub fn files() -> impl Iterator<Item = BundledFile> {
    FILES.iter().map(|&(bundle, name, bytes)| BundledFile {
        bundle,
        name,
        bytes,
    })
}

/// The bundles' names, sorted.
pub fn names() -> Vec<&'static str> {
    let mut v: Vec<&str> = FILES.iter().map(|f| f.0).collect();
    v.dedup();
    v
}

/// The files of bundle `name` (empty when there is no such bundle).
pub fn bundle_files(name: &str) -> Vec<BundledFile> {
    files().filter(|f| f.bundle == name).collect()
}

/// The path of a bundle's config: `bundle:<name>/fitcircle.toml`.
pub fn config_path(name: &str) -> PathBuf {
    PathBuf::from(format!("{PREFIX}{name}/fitcircle.toml"))
}

/// True for a path starting with `bundle:`.
pub fn is_bundled(path: &Path) -> bool {
    path.to_str().is_some_and(|s| s.starts_with(PREFIX))
}

/// The bytes of a `bundle:<name>/<file>` path, if bundled. Either slash
/// separates (a path joined on Windows uses `\`).
pub fn get(path: &Path) -> Option<&'static [u8]> {
    let rest = path.to_str()?.strip_prefix(PREFIX)?;
    let (bundle, name) = rest.split_once(['/', '\\'])?;
    FILES
        .iter()
        .find(|f| f.0 == bundle && f.1 == name)
        .map(|f| f.2)
}

/// Read a file: a bundled one from here, any other from disk. A
/// `bundle:` path that is not bundled is "not found".
pub fn read(path: &Path) -> std::io::Result<Cow<'static, [u8]>> {
    if let Some(bytes) = get(path) {
        return Ok(Cow::Borrowed(bytes));
    }
    if is_bundled(path) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no such bundled file (fitcircle bundles lists the bundles)",
        ));
    }
    std::fs::read(path).map(Cow::Owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "bundles")]
    fn bundled_paths_read_from_memory() {
        assert!(names().contains(&"helsinki"));
        let cfg = config_path("helsinki");
        assert!(get(&cfg).is_some());
        assert!(get(&Path::new("bundle:helsinki").join("SOURCES.md")).is_some());
        assert!(get(Path::new("bundle:helsinki\\fitcircle.toml")).is_some());
        assert_eq!(
            read(Path::new("bundle:nowhere/fitcircle.toml"))
                .unwrap_err()
                .kind(),
            std::io::ErrorKind::NotFound
        );
    }
}
