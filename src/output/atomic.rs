//! Atomic file writes: a temporary file in the same folder, then rename.
//!
//! The temporary file is created exclusively (`O_EXCL`) under a random
//! name starting with [`TEMP_PREFIX`] (`tempfile`), so a file or symbolic
//! link planted at a predictable name cannot make a run write outside its
//! folder; the rename then replaces `path` itself (a symbolic link at
//! `path` is replaced, never followed). [`remove_stale`] removes what a
//! killed run left behind.

use std::io::{BufWriter, Write};
use std::path::Path;

use crate::{Error, Result};

/// Start of the name of every temporary file this tool writes.
pub(crate) const TEMP_PREFIX: &str = ".fitcircle-tmp-";

/// Start of the name of the staging folder of a run
/// ([`crate::output::staging`]).
pub(crate) const STAGING_PREFIX: &str = ".fitcircle-staging-";

/// The folder `path` lies in (`.` for a bare file name).
fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A new, exclusively created temporary file in `dir`, with the
/// permissions an ordinary `File::create` would give (0666 less the umask)
/// rather than `tempfile`'s 0600.
pub(crate) fn temp_file_in(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut b = tempfile::Builder::new();
    b.prefix(TEMP_PREFIX).rand_bytes(12);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    b.tempfile_in(dir)
}

/// Write `path` through `fill`; the file appears only when complete (and
/// flushed to disk). On any error nothing is left: neither `path` (an
/// older file there stays as it was) nor the temporary file.
pub fn write_file(path: &Path, fill: &dyn Fn(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let werr = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let tmp = temp_file_in(parent_of(path)).map_err(werr)?;
    // Dropping `tmp` on an error removes the temporary file.
    let tmp = (|| -> std::io::Result<tempfile::NamedTempFile> {
        let mut w = BufWriter::with_capacity(1 << 16, tmp);
        fill(&mut w)?;
        let tmp = w.into_inner().map_err(|e| e.into_error())?;
        tmp.as_file().sync_all()?;
        Ok(tmp)
    })()
    .map_err(werr)?;
    tmp.persist(path).map_err(|e| werr(e.error))?;
    Ok(())
}

/// Whether `name` is a temporary file or staging folder of this tool:
/// [`TEMP_PREFIX`], [`STAGING_PREFIX`], or the `.NAME.tmp-PID` files of
/// versions before 0.2.
pub(crate) fn is_temporary_name(name: &str) -> bool {
    if name.starts_with(TEMP_PREFIX) || name.starts_with(STAGING_PREFIX) {
        return true;
    }
    name.starts_with('.')
        && name.rsplit_once(".tmp-").is_some_and(|(stem, pid)| {
            stem.len() > 1 && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
        })
}

/// Remove the temporary files and staging folders of this tool from
/// `dir` (not from its subfolders): what a killed or crashed run left.
/// Symbolic links are removed, never followed. Returns the names removed.
/// Two runs must not write into one folder at the same time: the second
/// would remove the first's staging folder.
pub(crate) fn remove_stale(dir: &Path) -> Result<Vec<String>> {
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(Error::Write {
                path: dir.to_path_buf(),
                source,
            });
        }
    };
    let mut removed = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|source| Error::Write {
            path: dir.to_path_buf(),
            source,
        })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !is_temporary_name(&name) {
            continue;
        }
        let path = entry.path();
        // file_type() does not follow symbolic links.
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        let r = if is_dir {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        match r {
            Ok(()) => removed.push(name),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(Error::Write { path, source }),
        }
    }
    removed.sort();
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names() {
        assert!(is_temporary_name(".fitcircle-tmp-abc123"));
        assert!(is_temporary_name(".fitcircle-staging-xyz"));
        assert!(is_temporary_name(".summary.csv.tmp-4242"));
        assert!(!is_temporary_name("summary.csv"));
        assert!(!is_temporary_name(".summary.csv.tmp-"));
        assert!(!is_temporary_name(".summary.csv.tmp-12a"));
        assert!(!is_temporary_name("x.tmp-12"));
        assert!(!is_temporary_name(".tmp-12"));
        assert!(!is_temporary_name("outputs.json"));
    }

    #[test]
    fn write_then_fail_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        write_file(&p, &|w| w.write_all(b"one")).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        let err = write_file(&p, &|w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("a.txt"), "{err}");
        // The old file is intact and nothing else is there.
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["a.txt"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_at_the_target_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, b"keep").unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let p = out.join("summary.csv");
        std::os::unix::fs::symlink(&victim, &p).unwrap();
        write_file(&p, &|w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        assert!(!std::fs::symlink_metadata(&p).unwrap().is_symlink());
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
    }

    #[cfg(unix)]
    #[test]
    fn stale_files_are_removed_links_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::create_dir(&victim).unwrap();
        std::fs::write(victim.join("keep.txt"), b"keep").unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join(".fitcircle-tmp-old"), b"x").unwrap();
        std::fs::write(out.join(".summary.csv.tmp-77"), b"x").unwrap();
        std::fs::create_dir(out.join(".fitcircle-staging-old")).unwrap();
        std::fs::write(out.join(".fitcircle-staging-old/a.csv"), b"x").unwrap();
        std::os::unix::fs::symlink(&victim, out.join(".fitcircle-staging-link")).unwrap();
        std::fs::write(out.join("notes.txt"), b"mine").unwrap();
        let removed = remove_stale(&out).unwrap();
        assert_eq!(removed.len(), 4, "{removed:?}");
        let names: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["notes.txt"]);
        assert_eq!(std::fs::read(victim.join("keep.txt")).unwrap(), b"keep");
    }
}
