//! The documentation against the code it describes: the configuration table lists exactly the
//! variables the configuration reads, and the architecture page names every module. Plain file
//! reads, no server.

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// Every `.rs` file under `dir`, recursively, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn is_variable_name(s: &str) -> bool {
    s.len() >= 2
        && s.starts_with(|c: char| c.is_ascii_uppercase())
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The string literals of `source` that look like environment variable names (`"PORT"`),
/// outside its `#[cfg(test)]` module.
fn variables_read(source: &str) -> BTreeSet<String> {
    let code = source.split("#[cfg(test)]").next().unwrap_or_default();
    let mut names = BTreeSet::new();
    let mut rest = code;
    while let Some(start) = rest.find('"') {
        let escaped = rest[..start].ends_with('\\');
        let after = &rest[start + 1..];
        let Some(end) = after.find('"') else { break };
        let literal = &after[..end];
        if !escaped && is_variable_name(literal) {
            names.insert(literal.to_owned());
            rest = &after[end + 1..];
        } else {
            // The closing quote may open the next literal: resume from it.
            rest = after;
        }
    }
    names
}

/// The configuration's source: `src/config.rs`, and `src/config/` if it grows into a folder.
fn config_variables() -> BTreeSet<String> {
    let mut sources = vec![root().join("src/config.rs")];
    let folder = root().join("src/config");
    if folder.is_dir() {
        sources.extend(rust_files(&folder));
    }
    sources
        .iter()
        .filter(|path| path.exists())
        .flat_map(|path| variables_read(&read(path)))
        .collect()
}

/// The backquoted names in the first column of the table headed `| variable |`.
fn documented_variables(page: &str) -> BTreeSet<String> {
    let mut lines = page
        .lines()
        .skip_while(|line| !line.trim_start().starts_with("| variable |"))
        .skip(2); // the header and its separator
    let mut names = BTreeSet::new();
    while let Some(row) = lines
        .next()
        .filter(|line| line.trim_start().starts_with('|'))
    {
        let first_cell = row.trim_start()[1..].split('|').next().unwrap_or_default();
        for (i, part) in first_cell.split('`').enumerate() {
            if i % 2 == 1 && is_variable_name(part) {
                names.insert(part.to_owned());
            }
        }
    }
    names
}

#[test]
fn the_configuration_table_lists_exactly_the_variables_the_configuration_reads() {
    let read_by_code = config_variables();
    let documented = documented_variables(&read(&root().join("docs/configuration.md")));
    assert!(
        read_by_code.contains("DATABASE_URL"),
        "the scan of src/config.rs found no variables: {read_by_code:?}"
    );
    let undocumented: Vec<_> = read_by_code.difference(&documented).collect();
    let not_read: Vec<_> = documented.difference(&read_by_code).collect();
    assert!(
        undocumented.is_empty() && not_read.is_empty(),
        "docs/configuration.md's table is out of step with src/config.rs:\n  \
         read but without a row: {undocumented:?}\n  a row but never read: {not_read:?}"
    );
}

#[test]
fn the_architecture_page_names_every_module_of_src() {
    let page = read(&root().join("docs/architecture.md"));
    let src = root().join("src");
    let files = rust_files(&src);
    assert!(files.len() > 10, "found only {files:?} under src/");
    let unnamed: Vec<String> = files
        .iter()
        .map(|path| {
            let relative = path.strip_prefix(root()).expect("under the root");
            let name = relative.to_string_lossy().replace('\\', "/");
            // A folder's `mod.rs` is the folder itself.
            match name.strip_suffix("mod.rs") {
                Some(folder) => folder.to_owned(),
                None => name,
            }
        })
        .filter(|name| !page.contains(&format!("`{name}`")))
        .collect();
    assert!(
        unnamed.is_empty(),
        "docs/architecture.md does not name these modules (as `src/…` in backquotes): {unnamed:?}"
    );
}

#[test]
fn the_scans_read_what_they_are_meant_to() {
    let source = r#"env.get("HOST"); env.parse_or("DAILY_QUOTA", 50); invalid("LOG_FORMAT", "expected \"text\" or \"JSON\"");
        #[cfg(test)] mod tests { config(&[("NOT_READ", "x")]); }"#;
    assert_eq!(
        variables_read(source),
        BTreeSet::from(["DAILY_QUOTA", "HOST", "LOG_FORMAT"].map(String::from))
    );
    let page = "intro\n\n| variable | default | meaning |\n|---|---|---|\n\
                | `HOST` / `PORT` | `127.0.0.1` | the `ADDRESS` |\n| `RUST_LOG` | `info` | x |\n\nafter | `NOT_A_ROW` |\n";
    assert_eq!(
        documented_variables(page),
        BTreeSet::from(["HOST", "PORT", "RUST_LOG"].map(String::from))
    );
}
