//! The library's shape, checked from its source: modules import each other
//! without cycles (at the level of files), the top-level layers only point
//! down, and no library function runs over 120 lines unless a comment says
//! why. `cargo test --test layers -- --nocapture` prints the layer graph.
//!
//! Imports are read from the text: `crate::a::b` and `super::x` paths
//! (including `use` groups) outside `#[cfg(test)]` blocks, each resolved to
//! the longest module path that is a file under src/. Rough, but it sees
//! every `use` line, and a false edge can only make the check stricter.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Top-level modules from the bottom up: a module may import only modules
/// listed before it (and itself). The binary (`main`, `cli`) is not part of
/// the library and is left out.
const LAYERS: &[&str] = &[
    "error", "bundled", "progress", "timing", "crs", "model", "bounds", "targets", "config",
    "spatial", "graph", "input", "analysis", "output", "pipeline",
];

/// A library function longer than this needs a comment saying why.
const MAX_FN_LINES: usize = 120;
/// The words such a comment starts with, in the lines just above the `fn`.
const LONG_MARK: &str = "Long function:";

fn src_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            src_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Module path of a source file: `src/analysis/study.rs` -> `analysis::study`,
/// `src/graph/mod.rs` -> `graph`, `src/lib.rs` -> ``.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts.join("::")
}

/// The source without `//` comments and without the `#[cfg(test)]` module
/// at the end of the file (test code may reach anywhere).
fn code_of(text: &str) -> String {
    let body = match text.find("#[cfg(test)]\nmod ") {
        Some(i) => &text[..i],
        None => text,
    };
    body.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every path that starts with `crate::` or `super::`, expanded over one
/// level of `{...}` groups, as module path strings relative to the crate.
fn paths_in(module: &str, code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let parent: Vec<&str> = module.split("::").filter(|s| !s.is_empty()).collect();
    let parent = &parent[..parent.len().saturating_sub(1)];
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(i) = code[from..].find(start) {
            let at = from + i;
            from = at + start.len();
            if at > 0 && is_ident(code[..at].chars().last().unwrap()) {
                continue;
            }
            let rest = &code[from..];
            let end = rest
                .find(|c: char| !(is_ident(c) || c == ':'))
                .unwrap_or(rest.len());
            let base = rest[..end].trim_end_matches(':');
            let base = if start == "super::" {
                let mut p: Vec<&str> = parent.to_vec();
                p.extend(base.split("::").filter(|s| !s.is_empty()));
                p.join("::")
            } else {
                base.to_string()
            };
            out.push(base.clone());
            if rest[end..].starts_with('{') {
                let close = rest[end..].find('}').map_or(rest.len(), |c| end + c);
                for item in rest[end + 1..close].split(',') {
                    let item = item.trim().split(" as ").next().unwrap_or("").trim();
                    let item = item.split(['{', ':']).next().unwrap_or("").trim();
                    if !item.is_empty() && item != "self" {
                        out.push(format!("{base}::{item}"));
                    }
                }
            }
        }
    }
    out
}

fn resolve(modules: &BTreeSet<String>, path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split("::").collect();
    (1..=parts.len())
        .rev()
        .map(|k| parts[..k].join("::"))
        .find(|m| modules.contains(m))
}

struct Source {
    modules: BTreeSet<String>,
    files: BTreeMap<String, (PathBuf, String)>,
}

fn library_source() -> Source {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    src_files(&src, &mut files);
    let mut out = Source {
        modules: BTreeSet::new(),
        files: BTreeMap::new(),
    };
    for f in files {
        let m = module_of(&src, &f);
        let test_only = m == "testing" || m.ends_with("_tests");
        if m.is_empty() || m == "cli" || m.starts_with("cli::") || test_only {
            continue; // lib.rs / main.rs, the binary's own modules, test-only modules
        }
        let text = fs::read_to_string(&f).unwrap();
        out.modules.insert(m.clone());
        out.files.insert(m, (f, text));
    }
    out
}

/// File-level import edges: module -> modules it imports.
fn edges(s: &Source) -> BTreeMap<String, BTreeSet<String>> {
    s.files
        .iter()
        .map(|(m, (_, text))| {
            let targets = paths_in(m, &code_of(text))
                .iter()
                .filter_map(|p| resolve(&s.modules, p))
                .filter(|t| t != m)
                .collect();
            (m.clone(), targets)
        })
        .collect()
}

/// Strongly connected components with more than one module (Tarjan).
fn cycles(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        g: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        for w in s.g.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.stack.contains(&w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.found.push(comp);
            }
        }
    }
    let mut s = State {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for v in g.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.found
}

#[test]
fn no_import_cycle_between_modules() {
    let s = library_source();
    let g = edges(&s);
    let found = cycles(&g);
    let explain: Vec<String> = found
        .iter()
        .map(|comp| {
            let lines: Vec<String> = comp
                .iter()
                .map(|a| {
                    let to: Vec<&str> = g[a]
                        .iter()
                        .filter(|b| comp.contains(b))
                        .map(String::as_str)
                        .collect();
                    format!("  {a} -> {}", to.join(", "))
                })
                .collect();
            lines.join("\n")
        })
        .collect();
    assert!(
        found.is_empty(),
        "import cycles:\n{}",
        explain.join("\n--\n")
    );
}

#[test]
fn top_level_layers_point_down() {
    let s = library_source();
    let g = edges(&s);
    let top = |m: &str| m.split("::").next().unwrap().to_string();
    let mut layer_graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut wrong = Vec::new();
    for (a, targets) in &g {
        let ta = top(a);
        let la = LAYERS.iter().position(|l| *l == ta);
        assert!(la.is_some(), "module {a}: add its top level {ta} to LAYERS");
        for b in targets {
            let tb = top(b);
            if tb == ta {
                continue;
            }
            layer_graph
                .entry(ta.clone())
                .or_default()
                .insert(tb.clone());
            let lb = LAYERS.iter().position(|l| *l == tb).unwrap();
            if lb > la.unwrap() {
                wrong.push(format!("{a} imports {b} ({ta} is below {tb})"));
            }
        }
    }
    for (a, bs) in &layer_graph {
        let bs: Vec<&str> = bs.iter().map(String::as_str).collect();
        println!("{a} -> {}", bs.join(", "));
    }
    assert!(
        wrong.is_empty(),
        "imports pointing up:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn long_library_functions_say_why() {
    let s = library_source();
    let mut long = Vec::new();
    for (path, text) in s.files.values() {
        let code = match text.find("#[cfg(test)]\nmod ") {
            Some(i) => &text[..i],
            None => text,
        };
        let lines: Vec<&str> = code.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            let l = lines[i];
            let indent = l.len() - l.trim_start().len();
            let t = l.trim_start();
            let is_fn = [
                "fn ",
                "pub fn ",
                "pub(crate) fn ",
                "pub(super) fn ",
                "const fn ",
            ]
            .iter()
            .any(|p| t.starts_with(p));
            if !is_fn || t.ends_with(';') {
                i += 1;
                continue;
            }
            let close = format!("{}}}", " ".repeat(indent));
            let end = (i + 1..lines.len())
                .find(|&j| lines[j] == close)
                .unwrap_or(lines.len() - 1);
            let n = end - i + 1;
            let above = lines[..i]
                .iter()
                .rev()
                .take_while(|l| {
                    let t = l.trim_start();
                    t.starts_with("//") || t.starts_with("#[")
                })
                .any(|l| l.contains(LONG_MARK));
            if n > MAX_FN_LINES && !above {
                long.push(format!("{}:{} ({n} lines)", path.display(), i + 1));
            }
            i = end + 1;
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_FN_LINES} lines without a `{LONG_MARK}` comment \
         above them saying why (split them, or say why not):\n{}",
        long.join("\n")
    );
}

#[test]
fn the_checks_see_imports() {
    // The reader itself, on a small text: a `use` group, a `super` path and
    // a path in code; comments and the test module are ignored.
    let code = code_of(
        "use crate::graph::{build::Edge, snap};\nuse super::coverage;\n\
         fn f() { crate::output::atomic::write_file(); } // crate::input\n\
         #[cfg(test)]\nmod tests { use crate::cli; }\n",
    );
    let p = paths_in("analysis::study", &code);
    for want in [
        "graph::build",
        "graph::snap",
        "analysis::coverage",
        "output::atomic::write_file",
    ] {
        assert!(p.iter().any(|x| x.starts_with(want)), "{want} in {p:?}");
    }
    assert!(
        !p.iter()
            .any(|x| x.starts_with("input") || x.starts_with("cli"))
    );
}
