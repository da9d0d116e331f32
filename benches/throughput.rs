//! Parser throughput per input kind and whole audits, over `../shared/corpus`.
//! Run: `cargo bench --bench throughput` (divan prints time per iteration and MB/s).

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use divan::counter::BytesCount;
use shipshape::discover::{self, DiscoverOptions};
use shipshape::kind::FileKind;

fn main() {
    divan::main();
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

/// Every corpus file shipshape recognises, read once: (kind, text).
static FILES: LazyLock<Vec<(FileKind, String)>> = LazyLock::new(|| {
    let found = discover::discover(&corpus(), None).expect("../shared/corpus is readable");
    found
        .candidates
        .into_iter()
        .filter_map(|c| {
            let text = std::fs::read_to_string(&c.full_path).ok()?;
            Some((c.kind, text))
        })
        .collect()
});

fn texts(select: fn(FileKind) -> bool) -> (Vec<&'static str>, usize) {
    let texts: Vec<&'static str> = FILES
        .iter()
        .filter(|(k, _)| select(*k))
        .map(|(_, t)| t.as_str())
        .collect();
    let bytes = texts.iter().map(|t| t.len()).sum();
    (texts, bytes)
}

#[divan::bench(sample_count = 20)]
fn yaml(bencher: divan::Bencher) {
    let (texts, bytes) = texts(FileKind::is_yaml);
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        for t in &texts {
            let _ = divan::black_box(shipshape::parse::yaml::parse(t));
        }
    });
}

/// saphyr's events alone, nothing built: the floor under `yaml`.
#[divan::bench(sample_count = 20)]
fn yaml_events_only(bencher: divan::Bencher) {
    let (texts, bytes) = texts(FileKind::is_yaml);
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        for t in &texts {
            let mut parser = saphyr_parser::Parser::new_from_str(t);
            while let Some(Ok(event)) = parser.next_event() {
                divan::black_box(event);
            }
        }
    });
}

/// The same events through the input `yaml` uses (a smaller look-ahead window, fewer
/// reallocations per plain scalar).
#[divan::bench(sample_count = 20)]
fn yaml_events_small_window(bencher: divan::Bencher) {
    let (texts, bytes) = texts(FileKind::is_yaml);
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        for t in &texts {
            let input = shipshape::parse::yaml_input::SmallWindowInput::new(t);
            let mut parser = saphyr_parser::Parser::new(input);
            while let Some(Ok(event)) = parser.next_event() {
                divan::black_box(event);
            }
        }
    });
}

#[divan::bench(sample_count = 20)]
fn dockerfile(bencher: divan::Bencher) {
    let (texts, bytes) = texts(|k| k == FileKind::Dockerfile);
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        for t in &texts {
            divan::black_box(shipshape::parse::dockerfile::parse(t));
        }
    });
}

#[divan::bench(sample_count = 20)]
fn haproxy(bencher: divan::Bencher) {
    let (texts, bytes) = texts(|k| k == FileKind::Haproxy);
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        for t in &texts {
            divan::black_box(shipshape::parse::haproxy::parse(t));
        }
    });
}

#[divan::bench(sample_count = 20)]
fn nginx(bencher: divan::Bencher) {
    let (texts, bytes) = texts(|k| k == FileKind::Nginx);
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        for t in &texts {
            divan::black_box(shipshape::parse::nginx::parse(t));
        }
    });
}

#[divan::bench(sample_count = 20)]
fn terraform(bencher: divan::Bencher) {
    let (texts, bytes) = texts(|k| matches!(k, FileKind::Terraform | FileKind::TerraformVars));
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        for t in &texts {
            let _ = divan::black_box(shipshape::model::terraform::parse(t, 0));
        }
    });
}

/// The one-line `expr:` of every Prometheus rule file: promql-parser plus our reading of its
/// syntax tree.
#[divan::bench(sample_count = 20)]
fn promql(bencher: divan::Bencher) {
    // Rule files are told apart by content, after discovery: take every YAML file.
    let (files, _) = texts(FileKind::is_yaml);
    let exprs: Vec<&str> = files
        .iter()
        .flat_map(|t| t.lines())
        .filter_map(|l| l.trim_start().strip_prefix("expr:"))
        .map(|e| e.trim().trim_matches(['"', '\'']))
        .filter(|e| !e.is_empty() && *e != "|" && *e != ">")
        .collect();
    let bytes: usize = exprs.iter().map(|e| e.len()).sum();
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        for e in &exprs {
            let _ = divan::black_box(shipshape::model::obs::promql::analyse(e));
        }
    });
}

/// Discover, read and parse everything into the project model (no rules).
#[divan::bench(sample_count = 10)]
fn load_corpus(bencher: divan::Bencher) {
    let bytes: usize = FILES.iter().map(|(_, t)| t.len()).sum();
    bencher
        .counter(BytesCount::new(bytes))
        .bench(|| shipshape::model::Project::load(&corpus(), &DiscoverOptions::default()).unwrap());
}

/// The whole pipeline as `shipshape audit ../shared/corpus` runs it, without rendering.
#[divan::bench(sample_count = 10)]
fn audit_corpus(bencher: divan::Bencher) {
    let bytes: usize = FILES.iter().map(|(_, t)| t.len()).sum();
    let args = shipshape::cli::AuditArgs {
        path: corpus(),
        config: shipshape::cli::ConfigArgs {
            no_config: true,
            ..Default::default()
        },
        ..Default::default()
    };
    bencher
        .counter(BytesCount::new(bytes))
        .bench(|| shipshape::app::build_report(&args).unwrap());
}
