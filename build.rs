//! Embeds the rule catalog (`rules/<category>/<id>.toml`) into the binary.

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
    let mut out = String::from("pub(crate) static CATALOG_FILES: &[(&str, &str)] = &[\n");
    for (rel, path) in entries {
        writeln!(
            out,
            "    ({rel:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .expect("writing to a String cannot fail");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("catalog.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}
