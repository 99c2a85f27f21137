//! The house's floors (docs/ARCHITECTURE.md): a module may use the modules on
//! the floors below its own; the core's and the reference floor's modules may
//! use each other (without circles); sibling domains never use each other
//! except through a named interface listed here; nothing uses a floor above.
//! This test reads every `crate::…` path in `app/src` (comments left out) and
//! fails with the list of imports that break a rule.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The floors, lowest first. Every top-level module of `app/src` is on one.
const FLOORS: &[(&str, &[&str])] = &[
    (
        "core",
        &[
            "text",
            "checks",
            "time",
            "ids",
            "error",
            "database",
            "state",
            "paths",
            "i18n",
            "ui",
            "audit",
            "photos",
            "nafath",
            "messaging",
            "answer",
            "phone",
            "jobs",
            "cache",
        ],
    ),
    ("reference", &["places", "assistance", "associations"]),
    ("identity", &["identity"]),
    ("registry", &["registry"]),
    (
        "domains",
        &[
            "coverage",
            "applications",
            "marketplace",
            "training",
            "network",
            "imports",
            "privacy",
            "data_protection",
            "continuity",
            "reporting",
            "financing",
            "search",
        ],
    ),
    ("top", &["layout", "home", "demo", "lib"]),
];

/// Floors whose modules may use each other (always without circles).
const SHARED_FLOORS: &[&str] = &["core", "reference", "top"];

/// The narrow interfaces one sibling domain offers another: (user, path prefix).
const INTERFACES: &[(&str, &str)] = &[
    // A new application line is routed by the approved coverage.
    ("applications", "coverage::routing"),
    // An import records the benefits an association gave before the platform.
    ("imports", "applications::benefits"),
    // Financing reads a bank's statement (CSV or XLSX) as imports reads files.
    ("financing", "imports::file"),
    // "My data" (PDPL): what each domain holds about one household, read
    // only, and what an approved deletion changes there.
    ("privacy", "applications::subject"),
    ("privacy", "marketplace::subject"),
    ("privacy", "training::subject"),
    ("privacy", "financing::subject"),
];

/// Macros exported at the crate root (`crate::name!`), and the module that defines each.
const MACROS: &[(&str, &str)] = &[("db_failure", "database")];

fn floor_of(module: &str) -> Option<(usize, &'static str)> {
    FLOORS
        .iter()
        .enumerate()
        .find(|(_, (_, modules))| modules.contains(&module))
        .map(|(i, (name, _))| (i, *name))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source without `//` comments (doc links name modules without using them).
fn code_of(source: &str) -> String {
    source
        .lines()
        .map(|line| match line.find("//") {
            // Keep `//` inside a string such as "https://…".
            Some(i) if line[..i].matches('"').count() % 2 == 0 => &line[..i],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::a::b…` path, and the members of `crate::{a, b::c}` groups.
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for member in group[..end].split(',') {
                let member = member.trim();
                if !member.is_empty() {
                    out.push(member.replace(' ', ""));
                }
            }
        } else {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(rest.len());
            out.push(rest[..end].trim_end_matches(':').to_string());
        }
    }
    out
}

#[test]
fn every_import_respects_the_floors() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut problems = BTreeSet::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let relative = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .to_string();
        let from = relative
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        let Some((from_floor, from_floor_name)) = floor_of(&from) else {
            problems.insert(format!(
                "{relative}: module `{from}` is on no floor (add it to FLOORS)"
            ));
            continue;
        };
        let code = code_of(&std::fs::read_to_string(file).unwrap());
        for path in crate_paths(&code) {
            let first = path.split("::").next().unwrap_or_default();
            let to = MACROS
                .iter()
                .find(|(name, _)| *name == first)
                .map_or(first, |(_, module)| *module)
                .to_string();
            if to == from || to.is_empty() {
                continue;
            }
            let Some((to_floor, _)) = floor_of(&to) else {
                problems.insert(format!("{relative}: uses `crate::{path}`, on no floor"));
                continue;
            };
            edges.entry(from.clone()).or_default().insert(to.clone());
            let allowed = to_floor < from_floor
                || (to_floor == from_floor && SHARED_FLOORS.contains(&from_floor_name))
                || INTERFACES
                    .iter()
                    .any(|(user, prefix)| *user == from && path.starts_with(prefix));
            if !allowed {
                let why = if to_floor > from_floor {
                    "a floor above"
                } else {
                    "a sibling domain (only through a named interface)"
                };
                problems.insert(format!("{relative}: uses `crate::{path}`, {why}"));
            }
        }
    }
    // No circles, even among modules of one shared floor.
    for start in edges.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((node, trail)) = stack.pop() {
            for next in edges.get(&node).into_iter().flatten() {
                if next == start {
                    let mut circle = trail.clone();
                    circle.push(next.clone());
                    let mut members = circle.clone();
                    members.sort();
                    members.dedup();
                    problems.insert(format!("circle: {}", circle.join(" → ")));
                } else if seen.insert(next.clone()) {
                    let mut trail = trail.clone();
                    trail.push(next.clone());
                    stack.push((next.clone(), trail));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "imports that break the floors (docs/ARCHITECTURE.md):\n  {}",
        problems.into_iter().collect::<Vec<_>>().join("\n  ")
    );
}

#[test]
fn the_reader_finds_paths_and_groups() {
    let code = code_of(
        "use crate::{error::AppError, text};\nlet x = crate::paths::MARKET_PAGE; // crate::layout\n\
         let url = \"https://example.com\"; crate::time::format_date(1)",
    );
    assert_eq!(
        crate_paths(&code),
        [
            "error::AppError",
            "text",
            "paths::MARKET_PAGE",
            "time::format_date"
        ]
    );
}
