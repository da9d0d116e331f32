//! OpenTelemetry Collector configurations: components and the pipelines that wire them.

use crate::parse::FileId;
use crate::parse::span::Span;
use crate::parse::yaml::Node;

#[derive(Debug, Clone)]
pub struct Collector {
    pub file: FileId,
    /// Declared components per section (`receivers`, `processors`, `exporters`, `connectors`,
    /// `extensions`), with spans.
    pub declared: Vec<(String, String, Span)>,
    pub pipelines: Vec<Pipeline>,
}

#[derive(Debug, Clone)]
pub struct Pipeline {
    /// `traces`, `metrics/internal`, ...
    pub name: String,
    pub span: Span,
    /// (section, component id, span) references.
    pub uses: Vec<(String, String, Span)>,
}

impl Pipeline {
    pub fn signal(&self) -> &str {
        self.name.split('/').next().unwrap_or("")
    }

    pub fn components(&self, section: &str) -> impl Iterator<Item = &str> {
        self.uses
            .iter()
            .filter(move |(s, _, _)| s == section)
            .map(|(_, c, _)| c.as_str())
    }
}

const SECTIONS: &[&str] = &[
    "receivers",
    "processors",
    "exporters",
    "connectors",
    "extensions",
];

impl Collector {
    pub fn from_document(file: FileId, doc: &Node) -> Collector {
        let mut declared = Vec::new();
        for section in SECTIONS {
            for (name, key, _) in doc
                .get(section)
                .map(Node::string_entries)
                .into_iter()
                .flatten()
            {
                declared.push((section.to_string(), name.to_string(), key.span));
            }
        }
        let pipelines = doc
            .path(&["service", "pipelines"])
            .map(Node::string_entries)
            .into_iter()
            .flatten()
            .map(|(name, key, body)| {
                let mut uses = Vec::new();
                for section in ["receivers", "processors", "exporters"] {
                    for item in body.get(section).map(Node::items).unwrap_or(&[]) {
                        if let Some(c) = item.as_str() {
                            uses.push((section.to_string(), c.to_string(), item.span));
                        }
                    }
                }
                Pipeline {
                    name: name.to_string(),
                    span: key.span,
                    uses,
                }
            })
            .collect();
        Collector {
            file,
            declared,
            pipelines,
        }
    }

    /// Whether `id` is declared in `section` (connectors may stand in for receivers/exporters).
    pub fn declares(&self, section: &str, id: &str) -> bool {
        self.declared.iter().any(|(s, c, _)| {
            c == id && (s == section || s == "connectors" && section != "processors")
        })
    }
}
