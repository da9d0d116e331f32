//! Alertmanager: receivers and what they deliver to, and the route tree's receiver references.

use crate::parse::FileId;
use crate::parse::span::Span;
use crate::parse::yaml::Node;

#[derive(Debug, Clone)]
pub struct Alertmanager {
    pub file: FileId,
    pub receivers: Vec<Receiver>,
    /// Every `receiver:` named in the route tree (root first), with its span.
    pub routed: Vec<(String, Span)>,
    pub route: Option<Span>,
    pub inhibit_rules: usize,
    pub templates: Vec<(String, Span)>,
    pub anchor: Span,
}

#[derive(Debug, Clone)]
pub struct Receiver {
    pub name: String,
    pub span: Span,
    /// Integrations configured (`slack_configs`, `pagerduty_configs`, `webhook_configs`...).
    pub integrations: Vec<String>,
}

impl Alertmanager {
    pub fn from_document(file: FileId, doc: &Node) -> Alertmanager {
        let receivers = doc
            .get("receivers")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .map(|r| Receiver {
                name: r
                    .get("name")
                    .and_then(Node::as_str)
                    .unwrap_or("")
                    .to_string(),
                span: r.entry("name").map_or(r.span, |e| e.value.span),
                integrations: r
                    .string_entries()
                    .filter(|(k, _, v)| k.ends_with("_configs") && !v.items().is_empty())
                    .map(|(k, _, _)| k.to_string())
                    .collect(),
            })
            .collect();
        let mut routed = Vec::new();
        // The route tree, without recursion: hostile files may nest deeply.
        let mut stack: Vec<&Node> = doc.get("route").into_iter().collect();
        while let Some(route) = stack.pop() {
            if let Some(r) = route.get("receiver")
                && let Some(name) = r.as_str()
            {
                routed.push((name.to_string(), r.span));
            }
            stack.extend(
                route
                    .get("routes")
                    .map(Node::items)
                    .unwrap_or(&[])
                    .iter()
                    .rev(),
            );
            if routed.len() > 10_000 {
                break;
            }
        }
        Alertmanager {
            file,
            receivers,
            routed,
            route: doc.entry("route").map(|e| e.key.span),
            inhibit_rules: doc.get("inhibit_rules").map_or(0, |n| n.items().len()),
            templates: doc
                .get("templates")
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .filter_map(|t| Some((t.as_str()?.to_string(), t.span)))
                .collect(),
            anchor: doc.entries().first().map_or(doc.span, |e| e.key.span),
        }
    }

    pub fn receiver(&self, name: &str) -> Option<&Receiver> {
        self.receivers.iter().find(|r| r.name == name)
    }
}
