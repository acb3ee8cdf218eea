//! The output folder must stay apart from the inputs: a run replaces files
//! in `--out` and removes the files its previous run wrote there, so an
//! `--out` that is an input's folder (or contains it) could overwrite or
//! remove an input. Paths are compared after resolving symbolic links and
//! `..`, for the input as named and for the file a link points to.

use std::path::{Component, Path, PathBuf};

use crate::config::Config;
use crate::{Error, Result};

/// Every input file a config names, with its role ("network",
/// "facilities", ...): network, facilities, communities, units, targets.
pub fn config_inputs(config: &Config) -> Vec<(String, PathBuf)> {
    let mut v = Vec::new();
    if let Some(n) = &config.network {
        v.push(("network".to_string(), n.path.clone()));
    }
    for f in &config.facilities {
        v.push(("facilities".to_string(), f.path.clone()));
    }
    if let Some(c) = &config.communities {
        v.push(("communities".to_string(), c.path.clone()));
    }
    if let Some(u) = &config.units {
        v.push(("units".to_string(), u.path.clone()));
    }
    for h in &config.health {
        v.push(("health".to_string(), h.path.clone()));
    }
    for c in &config.culture {
        v.push(("culture".to_string(), c.path.clone()));
    }
    if let Some(t) = &config.targets {
        v.push(("targets".to_string(), t.clone()));
    }
    v
}

/// `path` made absolute, with every symbolic link and `..` of its existing
/// part resolved; the missing rest is appended as written (`.` dropped,
/// `..` taken lexically: a missing folder cannot be a link).
pub(crate) fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    loop {
        match existing.canonicalize() {
            Ok(mut base) => {
                for c in rest.iter().rev() {
                    match c {
                        Component::ParentDir => {
                            base.pop();
                        }
                        Component::CurDir => {}
                        other => base.push(other.as_os_str()),
                    }
                }
                return Ok(base);
            }
            Err(e) => {
                let (Some(parent), Some(last)) =
                    (existing.parent(), existing.components().next_back())
                else {
                    return Err(e);
                };
                rest.push(last);
                existing = parent;
            }
        }
    }
}

/// The folders an input file lies in: that of the path as named, and that
/// of the file it resolves to (when a symbolic link points elsewhere).
fn input_folders(input: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    let parent = match input.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if let Ok(p) = resolve(parent) {
        v.push(p);
    }
    let real = input.canonicalize().ok();
    if let Some(p) = real.as_deref().and_then(Path::parent) {
        if !v.iter().any(|x| x == p) {
            v.push(p.to_path_buf());
        }
    }
    v
}

/// A folder next to `out` that is certainly not an input's: `out`'s name
/// with `-results`.
fn suggestion(out: &Path) -> String {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "fitcircle".to_string());
    format!("{name}-results")
}

/// Refuse an output folder `out` that is an input file, is the folder of
/// an input, or contains an input's folder (`--out .` with the data in
/// `./data`). An `out` inside an input's folder (the default `out/` next to
/// the data) is fine: a run writes only directly into `out`. Inputs that
/// do not exist are skipped (loading reports them).
pub fn check_apart_from_inputs(out: &Path, inputs: &[(String, PathBuf)]) -> Result<()> {
    let Ok(out_real) = resolve(out) else {
        return Ok(());
    };
    for (role, input) in inputs {
        if !input.exists() {
            continue;
        }
        let err = |relation: &str| Error::OutputOverlapsInput {
            out: out.to_path_buf(),
            role: role.clone(),
            input: input.clone(),
            relation: relation.to_string(),
            suggestion: suggestion(out),
        };
        let input_real = resolve(input).ok();
        if input_real.as_deref() == Some(out_real.as_path())
            || input.canonicalize().ok().as_deref() == Some(out_real.as_path())
        {
            return Err(err("this is"));
        }
        for folder in input_folders(input) {
            if folder == out_real {
                return Err(err("this folder holds"));
            }
            if folder.starts_with(&out_real) {
                return Err(err("this folder contains the folder of"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(v: &[(&str, &Path)]) -> Vec<(String, PathBuf)> {
        v.iter()
            .map(|(r, p)| (r.to_string(), p.to_path_buf()))
            .collect()
    }

    #[test]
    fn resolve_keeps_missing_tails() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().canonicalize().unwrap();
        assert_eq!(
            resolve(&tmp.path().join("a/b/../c")).unwrap(),
            base.join("a/c")
        );
        assert_eq!(resolve(&tmp.path().join("./x/.")).unwrap(), base.join("x"));
    }

    #[test]
    fn out_equal_to_containing_or_inside() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let csv = data.join("homes.csv");
        std::fs::write(&csv, b"id\n").unwrap();
        let list = inputs(&[("communities", &csv)]);
        let e = check_apart_from_inputs(&data, &list)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("holds the communities input") && e.contains("homes.csv"),
            "{e}"
        );
        let e = check_apart_from_inputs(tmp.path(), &list)
            .unwrap_err()
            .to_string();
        assert!(e.contains("contains the folder of"), "{e}");
        let e = check_apart_from_inputs(&data.join("x/.."), &list)
            .unwrap_err()
            .to_string();
        assert!(e.contains("holds"), "{e}");
        let e = check_apart_from_inputs(&csv, &list)
            .unwrap_err()
            .to_string();
        assert!(e.contains("this is the communities input"), "{e}");
        // Inside the data folder, or beside it: fine.
        check_apart_from_inputs(&data.join("out"), &list).unwrap();
        check_apart_from_inputs(&tmp.path().join("out"), &list).unwrap();
        // A missing input is left to the loader.
        let missing = inputs(&[("units", &data.join("nope/units.csv"))]);
        check_apart_from_inputs(&data.join("nope"), &missing).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_seen_through() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let csv = data.join("homes.csv");
        std::fs::write(&csv, b"id\n").unwrap();
        // --out is a link to the data folder.
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&data, &link).unwrap();
        let list = inputs(&[("communities", &csv)]);
        assert!(check_apart_from_inputs(&link, &list).is_err());
        // The input is named through a link that lives in another folder.
        let other = tmp.path().join("other");
        std::fs::create_dir(&other).unwrap();
        let named = other.join("homes.csv");
        std::os::unix::fs::symlink(&csv, &named).unwrap();
        let list = inputs(&[("communities", &named)]);
        assert!(check_apart_from_inputs(&data, &list).is_err());
        assert!(check_apart_from_inputs(&other, &list).is_err());
    }
}
