//! Where bundles come from: the ones compiled into the binary
//! ([`fitcircle::bundled`]) and folders of user bundles (`--bundle-dir`,
//! `FITCIRCLE_BUNDLE_DIR`), each bundle a folder holding a
//! `fitcircle.toml`. A name found in two places is reported and never
//! chosen silently. `fitcircle bundles` lists them and `--extract` writes
//! one out.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use fitcircle::bundled;
use fitcircle::config::Config;

/// The environment variable naming folders of user bundles (separated as
/// in `PATH`).
pub const ENV_DIRS: &str = "FITCIRCLE_BUNDLE_DIR";

/// One bundle and where it is.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub name: String,
    /// `None`: compiled in; else the bundle's folder.
    pub folder: Option<PathBuf>,
}

impl Bundle {
    /// Its config: `bundle:<name>/fitcircle.toml` or `<folder>/fitcircle.toml`.
    pub fn config(&self) -> PathBuf {
        match &self.folder {
            None => bundled::config_path(&self.name),
            Some(f) => f.join("fitcircle.toml"),
        }
    }

    /// "built-in" or the folder.
    pub fn place(&self) -> String {
        match &self.folder {
            None => "built-in".into(),
            Some(f) => f.display().to_string(),
        }
    }
}

/// Every bundle: the compiled-in ones, then those in each user folder
/// (`--bundle-dir` flags in order, then `FITCIRCLE_BUNDLE_DIR`). A flag's
/// folder that cannot be read is an error; the variable's, a warning.
pub fn all(flag_dirs: &[PathBuf], warnings: &mut Vec<String>) -> Result<Vec<Bundle>> {
    let mut out: Vec<Bundle> = bundled::names()
        .into_iter()
        .map(|name| Bundle {
            name: name.to_string(),
            folder: None,
        })
        .collect();
    for dir in flag_dirs {
        out.extend(in_folder(dir).with_context(|| format!("--bundle-dir {}", dir.display()))?);
    }
    if let Some(v) = std::env::var_os(ENV_DIRS) {
        for dir in std::env::split_paths(&v).filter(|d| !d.as_os_str().is_empty()) {
            match in_folder(&dir) {
                Ok(b) => out.extend(b),
                Err(e) => warnings.push(format!("{ENV_DIRS}: {}: {e:#}", dir.display())),
            }
        }
    }
    Ok(out)
}

/// The bundles in `dir`: its sub-folders holding a `fitcircle.toml`.
fn in_folder(dir: &Path) -> Result<Vec<Bundle>> {
    let rd = std::fs::read_dir(dir).context("cannot read this folder of bundles")?;
    let mut v: Vec<Bundle> = rd
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("fitcircle.toml").is_file())
        .map(|e| Bundle {
            name: e.file_name().to_string_lossy().into_owned(),
            folder: Some(e.path()),
        })
        .collect();
    v.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(v)
}

/// The one bundle named `name`; an error naming every place when there
/// are several, or the available names when there is none.
pub fn find(name: &str, flag_dirs: &[PathBuf], warnings: &mut Vec<String>) -> Result<Bundle> {
    let all = all(flag_dirs, warnings)?;
    let mut same: Vec<&Bundle> = all.iter().filter(|b| b.name == name).collect();
    match same.len() {
        1 => Ok(same.remove(0).clone()),
        0 => {
            let mut names: Vec<&str> = all.iter().map(|b| b.name.as_str()).collect();
            names.sort();
            names.dedup();
            bail!(
                "no bundle named {name:?} (available: {}); add a folder of bundles with \
                 --bundle-dir DIR or {ENV_DIRS}",
                names.join(", ")
            )
        }
        _ => bail!(
            "bundle {name:?} is in {} places: {}; rename one, or give the one you mean with \
             --config {}",
            same.len(),
            same.iter()
                .map(|b| b.place())
                .collect::<Vec<_>>()
                .join(", "),
            same.last().expect("two or more").config().display()
        ),
    }
}

/// `fitcircle bundles`: each bundle's name, title and (for user bundles)
/// folder; a warning on stderr for each name found in several places.
pub fn list(flag_dirs: &[PathBuf]) -> Result<()> {
    let mut warnings = Vec::new();
    let all = all(flag_dirs, &mut warnings)?;
    let mut out = std::io::stdout().lock();
    for b in &all {
        let cfg = Config::read(&b.config())?;
        match &b.folder {
            None => writeln!(out, "{:<14} {}", b.name, cfg.title)?,
            Some(f) => writeln!(out, "{:<14} {} [{}]", b.name, cfg.title, f.display())?,
        }
    }
    let mut places: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for b in &all {
        places.entry(&b.name).or_default().push(b.place());
    }
    for (name, places) in places.into_iter().filter(|(_, p)| p.len() > 1) {
        warnings.push(format!(
            "bundle {name:?} is in {} places ({}); --bundle {name} refuses to choose",
            places.len(),
            places.join(", ")
        ));
    }
    super::print::warnings(false, &warnings);
    Ok(())
}

/// `fitcircle bundles --extract NAME DIR`: write the bundle's files into
/// `DIR` (created if needed), refusing before writing anything when any of
/// them exists.
pub fn extract(name: &str, dir: &Path, flag_dirs: &[PathBuf]) -> Result<()> {
    let mut warnings = Vec::new();
    let bundle = find(name, flag_dirs, &mut warnings)?;
    super::print::warnings(false, &warnings);
    let files: Vec<(String, Vec<u8>)> = match &bundle.folder {
        None => bundled::bundle_files(name)
            .into_iter()
            .map(|f| (f.name.to_string(), f.bytes.to_vec()))
            .collect(),
        Some(folder) => {
            let mut v = Vec::new();
            for e in std::fs::read_dir(folder)? {
                let p = e?.path();
                if p.is_file() {
                    let bytes =
                        std::fs::read(&p).with_context(|| format!("reading {}", p.display()))?;
                    v.push((
                        p.file_name().expect("a file").to_string_lossy().into(),
                        bytes,
                    ));
                }
            }
            v.sort();
            v
        }
    };
    let paths: Vec<(PathBuf, &[u8])> = files
        .iter()
        .map(|(n, b)| (dir.join(n), b.as_slice()))
        .collect();
    super::files::write_new(&paths)?;
    let mut out = std::io::stdout().lock();
    for (p, _) in &paths {
        writeln!(out, "wrote {}", p.display())?;
    }
    writeln!(
        out,
        "run it with: fitcircle analyze --config {}",
        dir.join("fitcircle.toml").display()
    )?;
    Ok(())
}
