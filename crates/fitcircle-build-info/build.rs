//! Sets `FITCIRCLE_GIT_COMMIT` for the crate. No dependencies.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    git_commit(&root);
}

/// Set `FITCIRCLE_GIT_COMMIT` to `git rev-parse --short=12 HEAD` (or
/// "unknown"), rerunning when HEAD or the branch it names moves.
fn git_commit(root: &std::path::Path) {
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
