//! All-or-nothing output sets: a run writes every file into a staging
//! folder inside `--out`, then moves them into place and writes
//! [`MANIFEST`] (`outputs.json`) last. A reader that finds `outputs.json`
//! finds a complete run, and the files it lists are that run's.
//!
//! The steps of [`Staging`]:
//!
//! 1. [`Staging::begin`]: create `--out` if missing, remove what a killed
//!    run left there (temporary files and staging folders of this tool,
//!    `atomic::remove_stale`), create `--out/.fitcircle-staging-<random>/`.
//! 2. The run writes its files into [`Staging::dir`] (each one atomically).
//!    An error here leaves `--out` as it was: the staging folder is removed
//!    when the [`Staging`] is dropped, and the previous run's files and
//!    `outputs.json` are untouched.
//! 3. [`Staging::commit`]: remove `outputs.json` (so a half-moved set is
//!    never described as complete), rename each staged file into `--out`
//!    (each rename replaces one file at once), remove the files that the
//!    previous `outputs.json` listed and this run did not write, write the
//!    new `outputs.json` (file names, sizes, XXH3 64-bit checksums, tool
//!    version, subcommand), remove the staging folder.
//!
//! A kill during step 3 leaves `--out` without `outputs.json`: some files
//! of the new run, some of the old, none described as complete; the next
//! run starts over. Files in `--out` that no `outputs.json` listed (a
//! user's own notes, say) are never removed, nor is anything outside
//! `--out` or in its subfolders. One run at a time per `--out` folder.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::atomic::{self, STAGING_PREFIX};
use crate::{Error, Result};

/// The name of the list of a run's outputs, written last.
pub const MANIFEST: &str = "outputs.json";

/// `outputs.json`: what one run wrote into its output folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// "fitcircle".
    pub tool: String,
    /// The tool's version.
    pub version: String,
    /// The subcommand of the run (`analyze`, `sites`).
    pub command: String,
    /// How `checksum` is computed.
    pub checksum: String,
    /// Every file the run wrote, by name.
    pub files: Vec<ManifestFile>,
    /// Files an earlier run of another subcommand wrote into the same
    /// folder and this run did not replace: kept, and listed with the
    /// subcommand that wrote them (`analyze` then `sites` into one folder
    /// keeps both sets). Absent when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kept: Vec<KeptFile>,
}

/// A file of another subcommand's run, kept in the folder ([`Manifest::kept`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptFile {
    /// The subcommand that wrote it.
    pub command: String,
    /// The file as that run listed it.
    #[serde(flatten)]
    pub file: ManifestFile,
}

/// One file of a [`Manifest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// File name in the output folder (no folder part).
    pub name: String,
    /// Size in bytes.
    pub bytes: u64,
    /// XXH3 64-bit hash of the contents (seed 0), 16 hexadecimal digits.
    pub xxh3_64: String,
}

/// What [`Manifest::checksum`] says.
pub const CHECKSUM: &str = "XXH3 64-bit (seed 0) of the file's bytes, hexadecimal";

/// Size and XXH3 64-bit hash of a file, read in pieces.
fn measure(path: &Path) -> std::io::Result<(u64, u64)> {
    let mut f = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf)?;
        if k == 0 {
            return Ok((n, h.digest()));
        }
        n += k as u64;
        h.update(&buf[..k]);
    }
}

/// A plain file name that may be moved or removed in the output folder:
/// one path component, not `outputs.json`, not a temporary name.
pub fn is_plain_name(name: &str) -> bool {
    let mut parts = Path::new(name).components();
    matches!(parts.next(), Some(Component::Normal(n)) if n == name)
        && parts.next().is_none()
        && !name.contains(['/', '\\', '\0'])
        && name != MANIFEST
        && !atomic::is_temporary_name(name)
}

/// Read `dir/outputs.json`; `None` when missing or not a manifest.
pub fn read_manifest(dir: &Path) -> Option<Manifest> {
    let text = std::fs::read(dir.join(MANIFEST)).ok()?;
    serde_json::from_slice(&text).ok()
}

/// Sync a folder's entries (renames, removals) to disk; best effort, as
/// some file systems refuse it.
fn sync_dir(dir: &Path) {
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// A run's staging folder inside its output folder; see the module docs.
/// Dropped without [`Staging::commit`], it removes the staging folder and
/// leaves the output folder as it was.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    dir: tempfile::TempDir,
}

impl Staging {
    /// Create `out` if missing, remove stale temporary files and staging
    /// folders from it, and create a new staging folder inside it.
    pub fn begin(out: &Path) -> Result<Staging> {
        let werr = |source| Error::Write {
            path: out.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(out).map_err(werr)?;
        atomic::remove_stale(out)?;
        let dir = tempfile::Builder::new()
            .prefix(STAGING_PREFIX)
            .rand_bytes(12)
            .tempdir_in(out)
            .map_err(werr)?;
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
        })
    }

    /// The folder to write the run's files into.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The output folder.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// The name of `p` when it is a plain file directly in the staging
    /// folder.
    fn staged_name(&self, p: &Path) -> Result<String> {
        let bad = || Error::Write {
            path: p.to_path_buf(),
            source: std::io::Error::other(format!(
                "not a file of the staging folder {}",
                self.dir().display()
            )),
        };
        if p.parent() != Some(self.dir()) {
            return Err(bad());
        }
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(bad)?
            .to_string();
        if is_plain_name(&name) {
            Ok(name)
        } else {
            Err(bad())
        }
    }

    /// Move the files `written` (paths in [`Staging::dir`], as the writers
    /// return them) into the output folder, remove the previous run's files
    /// that this run did not write, and write `outputs.json` last, naming
    /// `command`. Returns the final paths, in the order of `written`.
    pub fn commit(self, written: &[PathBuf], command: &str) -> Result<Vec<PathBuf>> {
        let names = written
            .iter()
            .map(|p| self.staged_name(p))
            .collect::<Result<Vec<String>>>()?;
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        // Sizes and checksums of the staged files, before anything moves.
        let mut files = sorted
            .par_iter()
            .map(|name| {
                let p = self.dir().join(name);
                let (bytes, h) = measure(&p).map_err(|source| Error::Write { path: p, source })?;
                Ok(ManifestFile {
                    name: name.clone(),
                    bytes,
                    xxh3_64: format!("{h:016x}"),
                })
            })
            .collect::<Result<Vec<ManifestFile>>>()?;
        files.sort_by(|a, b| a.name.cmp(&b.name));
        let previous = read_manifest(&self.out);
        let manifest_path = self.out.join(MANIFEST);
        match std::fs::remove_file(&manifest_path) {
            Ok(()) => sync_dir(&self.out),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(Error::Write {
                    path: manifest_path,
                    source,
                });
            }
        }
        for name in &sorted {
            let to = self.out.join(name);
            std::fs::rename(self.dir().join(name), &to)
                .map_err(|source| Error::Write { path: to, source })?;
        }
        let mut kept = Vec::new();
        for (old_command, old) in earlier_files(previous.as_ref()) {
            if !is_plain_name(&old.name) || sorted.binary_search(&old.name).is_ok() {
                continue;
            }
            let p = self.out.join(&old.name);
            if old_command != command {
                // Another subcommand's output: kept while it is there.
                if std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_file()) {
                    kept.push(KeptFile {
                        command: old_command.to_string(),
                        file: old.clone(),
                    });
                }
                continue;
            }
            // A file or a symbolic link (removed, not followed); never a folder.
            let is_dir = std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_dir());
            if is_dir {
                continue;
            }
            match std::fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => return Err(Error::Write { path: p, source }),
            }
        }
        let manifest = Manifest {
            tool: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            command: command.to_string(),
            checksum: CHECKSUM.to_string(),
            files,
            kept,
        };
        atomic::write_file(&manifest_path, &|w| {
            serde_json::to_writer_pretty(&mut *w, &manifest)?;
            w.write_all(b"\n")
        })?;
        sync_dir(&self.out);
        let out = self.out.clone();
        // The staging folder is empty now; a failure to remove it is left
        // to the next run's clean-up.
        let _ = self.dir.close();
        Ok(names.iter().map(|n| out.join(n)).collect())
    }
}

/// The files an earlier `outputs.json` describes, each with the
/// subcommand that wrote it: its own run's and those it kept.
fn earlier_files(previous: Option<&Manifest>) -> Vec<(&str, &ManifestFile)> {
    let Some(m) = previous else {
        return Vec::new();
    };
    m.files
        .iter()
        .map(|f| (m.command.as_str(), f))
        .chain(m.kept.iter().map(|k| (k.command.as_str(), &k.file)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_in(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn stage(s: &Staging, name: &str, bytes: &[u8]) -> PathBuf {
        let p = s.dir().join(name);
        atomic::write_file(&p, &|w| w.write_all(bytes)).unwrap();
        p
    }

    #[test]
    fn xxh3_known_value() {
        // XXH3-64 of the empty input, seed 0 (the reference value).
        assert_eq!(xxhash_rust::xxh3::xxh3_64(b""), 0x2d06_8005_38d3_94c2);
    }

    #[test]
    fn plain_names() {
        assert!(is_plain_name("summary.csv"));
        for bad in [
            "",
            ".",
            "..",
            "../x",
            "a/b",
            "/etc/passwd",
            "outputs.json",
            ".fitcircle-tmp-x",
        ] {
            assert!(!is_plain_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn commit_moves_files_and_writes_the_manifest_last() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let s = Staging::begin(&out).unwrap();
        let staged = s.dir().to_path_buf();
        assert!(staged.starts_with(&out));
        let a = stage(&s, "a.csv", b"one");
        let b = stage(&s, "b.geojson", b"{}");
        // Nothing in the output folder but the staging folder yet.
        assert_eq!(names_in(&out).len(), 1);
        let done = s.commit(&[b.clone(), a.clone()], "analyze").unwrap();
        assert_eq!(done, [out.join("b.geojson"), out.join("a.csv")]);
        assert_eq!(names_in(&out), ["a.csv", "b.geojson", "outputs.json"]);
        assert!(!staged.exists());
        let m = read_manifest(&out).unwrap();
        assert_eq!(m.command, "analyze");
        assert_eq!(m.version, env!("CARGO_PKG_VERSION"));
        let listed: Vec<(&str, u64)> = m.files.iter().map(|f| (f.name.as_str(), f.bytes)).collect();
        assert_eq!(listed, [("a.csv", 3), ("b.geojson", 2)]);
        assert_eq!(
            m.files[0].xxh3_64,
            format!("{:016x}", xxhash_rust::xxh3::xxh3_64(b"one"))
        );
    }

    #[test]
    fn a_later_run_removes_what_it_no_longer_writes_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let s = Staging::begin(&out).unwrap();
        let files = [stage(&s, "a.csv", b"1"), stage(&s, "graph.csv", b"2")];
        s.commit(&files, "analyze").unwrap();
        std::fs::write(out.join("my-notes.txt"), b"mine").unwrap();
        let s = Staging::begin(&out).unwrap();
        let files = [stage(&s, "a.csv", b"3")];
        s.commit(&files, "analyze").unwrap();
        assert_eq!(names_in(&out), ["a.csv", "my-notes.txt", "outputs.json"]);
        assert_eq!(std::fs::read(out.join("a.csv")).unwrap(), b"3");
    }

    #[test]
    fn another_subcommands_files_are_kept_and_listed() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let s = Staging::begin(&out).unwrap();
        let files = [stage(&s, "summary.csv", b"1"), stage(&s, "map.png", b"2")];
        s.commit(&files, "analyze").unwrap();
        let s = Staging::begin(&out).unwrap();
        let f = [stage(&s, "sites.csv", b"3")];
        s.commit(&f, "sites").unwrap();
        assert_eq!(
            names_in(&out),
            ["map.png", "outputs.json", "sites.csv", "summary.csv"]
        );
        let m = read_manifest(&out).unwrap();
        assert_eq!(m.command, "sites");
        let kept: Vec<(&str, &str)> = m
            .kept
            .iter()
            .map(|k| (k.command.as_str(), k.file.name.as_str()))
            .collect();
        assert_eq!(kept, [("analyze", "map.png"), ("analyze", "summary.csv")]);
        // A new analysis without the map removes its own old map, keeps
        // the sites and carries them in its list.
        let s = Staging::begin(&out).unwrap();
        let f = [stage(&s, "summary.csv", b"4")];
        s.commit(&f, "analyze").unwrap();
        assert_eq!(names_in(&out), ["outputs.json", "sites.csv", "summary.csv"]);
        let m = read_manifest(&out).unwrap();
        assert_eq!(m.kept.len(), 1);
        assert_eq!(
            (m.kept[0].command.as_str(), m.kept[0].file.name.as_str()),
            ("sites", "sites.csv")
        );
    }

    #[test]
    fn a_failed_run_leaves_the_previous_set_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let s = Staging::begin(&out).unwrap();
        let files = [stage(&s, "a.csv", b"1")];
        s.commit(&files, "analyze").unwrap();
        let before = std::fs::read(out.join(MANIFEST)).unwrap();
        {
            let s = Staging::begin(&out).unwrap();
            stage(&s, "a.csv", b"half");
            // Dropped without commit: an error during writing.
        }
        assert_eq!(names_in(&out), ["a.csv", "outputs.json"]);
        assert_eq!(std::fs::read(out.join("a.csv")).unwrap(), b"1");
        assert_eq!(std::fs::read(out.join(MANIFEST)).unwrap(), before);
    }

    #[test]
    fn a_hostile_manifest_cannot_remove_files_outside() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(tmp.path().join("victim.txt"), b"keep").unwrap();
        std::fs::create_dir(out.join("sub")).unwrap();
        let m = r#"{"tool":"fitcircle","version":"0","command":"analyze","checksum":"",
            "files":[{"name":"../victim.txt","bytes":0,"xxh3_64":""},
                     {"name":"sub","bytes":0,"xxh3_64":""},
                     {"name":"/etc/hostname","bytes":0,"xxh3_64":""}]}"#;
        std::fs::write(out.join(MANIFEST), m).unwrap();
        let s = Staging::begin(&out).unwrap();
        let files = [stage(&s, "a.csv", b"1")];
        s.commit(&files, "sites").unwrap();
        assert_eq!(
            std::fs::read(tmp.path().join("victim.txt")).unwrap(),
            b"keep"
        );
        assert!(out.join("sub").is_dir());
        assert_eq!(read_manifest(&out).unwrap().command, "sites");
    }

    #[test]
    fn begin_removes_a_killed_runs_leftovers() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        std::fs::create_dir_all(out.join(".fitcircle-staging-dead")).unwrap();
        std::fs::write(out.join(".fitcircle-staging-dead/a.csv"), b"x").unwrap();
        std::fs::write(out.join(".fitcircle-tmp-dead"), b"x").unwrap();
        let s = Staging::begin(&out).unwrap();
        let mut names = names_in(&out);
        names.retain(|n| !s.dir().ends_with(n));
        assert!(names.is_empty(), "{names:?}");
    }

    #[test]
    fn files_outside_the_staging_folder_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let s = Staging::begin(&out).unwrap();
        let stray = tmp.path().join("elsewhere.csv");
        std::fs::write(&stray, b"x").unwrap();
        assert!(s.commit(std::slice::from_ref(&stray), "analyze").is_err());
        assert!(stray.is_file());
        assert!(!out.join(MANIFEST).exists());
    }
}
