//! Writing new files for `init` and `bundles --extract`: all or none, never
//! over an existing file.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

/// Write each `(path, bytes)`, creating the folders. Refuses, before
/// writing anything, when any of the paths exists; each file is created
/// with `create_new`, so a file appearing meanwhile is not overwritten
/// either.
pub fn write_new(files: &[(PathBuf, &[u8])]) -> Result<()> {
    let existing: Vec<String> = files
        .iter()
        .filter(|(p, _)| std::fs::symlink_metadata(p).is_ok())
        .map(|(p, _)| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        bail!(
            "refusing to overwrite {} (move it away or choose another folder)",
            existing.join(", ")
        );
    }
    for (p, bytes) in files {
        if let Some(parent) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating folder {}", parent.display()))?;
        }
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(p)
            .with_context(|| format!("creating {}", p.display()))?;
        f.write_all(bytes)
            .with_context(|| format!("writing {}", p.display()))?;
    }
    Ok(())
}
