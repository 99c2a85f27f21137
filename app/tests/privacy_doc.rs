//! docs/PRIVACY.md (the records of processing) stays true: every table the
//! migrations leave is either described there (a `#### \`table\`` section)
//! or listed under "Tables without personal data", and every column of a
//! described table is named in its section. The failure names the table or
//! the column. The PostgreSQL folder is read (the SQLite one holds the same
//! schema; its full-text index is a virtual table of another shape).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The migrations' statements, in order, without comments.
fn statements(dir: &Path) -> Vec<String> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut current = String::new();
        let (mut quoted, mut dollar) = (false, false);
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if !quoted && !dollar && c == '-' && chars.peek() == Some(&'-') {
                // A comment runs to the end of the line.
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                current.push(' ');
                continue;
            }
            if !quoted && c == '$' && chars.peek() == Some(&'$') {
                chars.next();
                dollar = !dollar;
                current.push_str("$$");
                continue;
            }
            if !dollar && c == '\'' {
                quoted = !quoted;
            }
            if c == ';' && !quoted && !dollar {
                out.push(std::mem::take(&mut current));
            } else {
                current.push(c);
            }
        }
        out.push(current);
    }
    out.into_iter()
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
        .collect()
}

/// Splits the inside of `( … )` at its top-level commas.
fn top_level_items(body: &str) -> Vec<String> {
    let (mut depth, mut quoted) = (0, false);
    let mut items = vec![String::new()];
    for c in body.chars() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                items.push(String::new());
                continue;
            }
            _ => {}
        }
        items.last_mut().unwrap().push(c);
    }
    items
}

fn word(s: &str, n: usize) -> String {
    s.split_whitespace()
        .nth(n)
        .unwrap_or_default()
        .trim_matches('"')
        .to_lowercase()
}

/// The schema the migrations leave: table → columns.
fn schema(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut tables: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for s in statements(dir) {
        let lower = s.to_lowercase();
        let rest = |prefix: &str| {
            lower
                .strip_prefix(prefix)
                .map(|r| r.replace("if not exists ", "").replace("if exists ", ""))
        };
        if let Some(r) = rest("create table ") {
            let name = r.split(['(', ' ']).next().unwrap().to_string();
            let open = s.find('(').unwrap();
            let close = s.rfind(')').unwrap();
            let columns = top_level_items(&s[open + 1..close])
                .into_iter()
                .map(|item| word(&item, 0))
                .filter(|w| {
                    !w.is_empty()
                        && !["primary", "unique", "check", "foreign", "constraint"]
                            .contains(&w.as_str())
                })
                .collect();
            tables.insert(name, columns);
        } else if let Some(r) = rest("drop table ") {
            tables.remove(&word(&r, 0));
        } else if let Some(r) = rest("alter table ") {
            let name = word(&r, 0);
            let action = r.split_whitespace().skip(1).collect::<Vec<_>>().join(" ");
            if let Some(a) = action.strip_prefix("add column ") {
                tables.entry(name).or_default().insert(word(a, 0));
            } else if let Some(a) = action.strip_prefix("drop column ") {
                tables.entry(name).or_default().remove(&word(a, 0));
            } else if let Some(a) = action.strip_prefix("rename column ") {
                let cols = tables.entry(name).or_default();
                cols.remove(&word(a, 0));
                cols.insert(word(a, 2));
            } else if let Some(a) = action.strip_prefix("rename to ") {
                let columns = tables.remove(&name).unwrap_or_default();
                tables.insert(word(a, 0), columns);
            }
        }
    }
    tables
}

/// The document's sections: table → its text; and the tables it lists as
/// holding no personal data.
fn document(text: &str) -> (BTreeMap<String, String>, BTreeSet<String>) {
    let mut sections: BTreeMap<String, String> = BTreeMap::new();
    let mut without = BTreeSet::new();
    let mut current: Option<String> = None;
    let mut in_without = false;
    for line in text.lines() {
        if line.starts_with('#') {
            in_without = line.trim_start_matches('#').trim() == "Tables without personal data";
            current = line
                .strip_prefix("#### `")
                .and_then(|r| r.strip_suffix('`'))
                .map(str::to_string);
            if let Some(name) = &current {
                sections.insert(name.clone(), String::new());
            }
            continue;
        }
        if let Some(name) = &current {
            let section = sections.get_mut(name).unwrap();
            section.push_str(line);
            section.push('\n');
        }
        if in_without {
            without.extend(line.split('`').skip(1).step_by(2).map(str::to_string));
        }
    }
    (sections, without)
}

#[test]
fn the_records_of_processing_name_every_personal_column() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let tables = schema(&root.join("migrations/postgres"));
    assert!(tables.contains_key("households") && tables.contains_key("retention_runs"));
    assert!(
        tables["role_grants"].contains("role"),
        "{:?}",
        tables["role_grants"]
    );
    let text = std::fs::read_to_string(root.join("docs/PRIVACY.md")).unwrap();
    let (sections, without) = document(&text);
    let mut missing = Vec::new();
    for (table, columns) in &tables {
        match sections.get(table) {
            Some(section) => {
                for column in columns {
                    if !section.contains(&format!("`{column}`")) {
                        missing.push(format!("column {table}.{column} is not named in its section"));
                    }
                }
            }
            None if without.contains(table) => {}
            None => missing.push(format!(
                "table {table} is neither described nor listed under \"Tables without personal data\""
            )),
        }
    }
    for table in sections.keys().chain(without.iter()) {
        if !tables.contains_key(table) {
            missing.push(format!(
                "docs/PRIVACY.md names {table}, which no migration leaves"
            ));
        }
    }
    assert!(
        missing.is_empty(),
        "docs/PRIVACY.md is out of date:\n{}",
        missing.join("\n")
    );
}
