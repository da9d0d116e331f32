//! Embeds the rule catalog (`rules/<category>/<id>.toml`) into the binary, each entry turned
//! into JSON here: parsing the TOML at run time cost about 10 M instructions, a quarter of an
//! audit of a 50-file repository (every audit needs every rule's entry), and serde_json reads
//! the same entries several times faster. The entries keep their TOML schema: the crate
//! deserializes the JSON into the same `RuleMeta`, so unknown fields and bad values are still
//! refused, and a TOML syntax error stops the build with the file's name.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut entries = Vec::new();
    if let Ok(categories) = std::fs::read_dir(&root) {
        for category in categories.flatten() {
            let dir = category.path();
            println!("cargo:rerun-if-changed={}", dir.display());
            let Ok(files) = std::fs::read_dir(&dir) else {
                continue;
            };
            for file in files.flatten() {
                let path = file.path();
                if path.extension().is_some_and(|e| e == "toml") {
                    let rel = format!(
                        "{}/{}",
                        category.file_name().to_string_lossy(),
                        file.file_name().to_string_lossy()
                    );
                    entries.push((rel, path));
                }
            }
        }
    }
    entries.sort();
    let mut out = String::from("pub(crate) static CATALOG_ENTRIES: &[(&str, &str)] = &[\n");
    for (rel, path) in entries {
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("rules/{rel}: cannot read: {e}"));
        let table: toml::Table =
            toml::from_str(&text).unwrap_or_else(|e| panic!("rules/{rel}: invalid TOML: {e}"));
        let json = serde_json::to_string(&table).expect("a TOML table is valid JSON");
        writeln!(out, "    ({rel:?}, {json:?}),").expect("writing to a String cannot fail");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("catalog.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}
