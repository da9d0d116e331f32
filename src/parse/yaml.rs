//! The shared YAML layer: saphyr's event parser turned into an owned tree with byte spans,
//! merge keys applied, duplicate keys recorded, and budgets that keep hostile input bounded.

use compact_str::CompactString;
use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

use super::span::Span;
use super::yaml_input::SmallWindowInput;

/// Aliases may expand to at most this many nodes per file: an alias bomb becomes an error, not an OOM.
pub const ALIAS_NODE_BUDGET: usize = 10_000;
/// Deeper nesting is refused: every later consumer may then recurse safely.
pub const MAX_DEPTH: usize = 256;
/// Anchored nodes are copied when defined, so their copies count too: anchors nested around one
/// large sequence would otherwise copy it once per level.
pub const ANCHOR_NODE_BUDGET: usize = 100_000;
/// At most this many duplicate keys are recorded per file: each becomes a finding, and a file
/// of nothing but repeated keys would make a report hundreds of times its size.
pub const MAX_DUPLICATE_KEYS: usize = 100;
/// Mappings up to this size look for duplicate keys by comparing them pairwise, which costs less
/// than hashing every key (most mappings in manifests have a handful of entries).
const SMALL_MAP: usize = 12;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    /// Most keys and values are short: kept inline (up to 24 bytes), they cost no allocation.
    pub text: CompactString,
    /// Plain (unquoted) scalars are the only ones that resolve to null, booleans and numbers.
    pub plain: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

/// A key that appears twice in one mapping; the later one wins, as in most YAML tools.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateKey {
    pub key: String,
    pub span: Span,
    pub first: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub message: String,
    /// Byte offset into the source.
    pub offset: usize,
}

#[derive(Debug, Clone, Default)]
pub struct YamlStream {
    pub documents: Vec<Node>,
    pub duplicate_keys: Vec<DuplicateKey>,
}

static NULL: Node = Node {
    span: Span { start: 0, end: 0 },
    value: Value::Seq(Vec::new()),
};

impl Node {
    fn null(span: Span) -> Node {
        Node {
            span,
            value: Value::Scalar(Scalar {
                text: CompactString::const_new(""),
                plain: true,
            }),
        }
    }

    /// The value under `key` when this is a mapping with a string-like key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .rev()
                .find(|e| e.key.as_scalar_str() == Some(key)),
            _ => None,
        }
    }

    /// Follows mapping keys and sequence indices; `None` as soon as one step is missing.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        let mut node = self;
        for key in keys {
            node = match &node.value {
                Value::Seq(items) => items.get(key.parse::<usize>().ok()?)?,
                _ => node.get(key)?,
            };
        }
        Some(node)
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar(s) if s.plain && matches!(s.text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// Any scalar's text, except null.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) if !self.is_null() => Some(&s.text),
            _ => None,
        }
    }

    fn as_scalar_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Scalar(s) if s.plain => match s.text.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// Plain integers; quoted numbers are strings in YAML.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.value {
            Value::Scalar(s) if s.plain => s.text.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    /// Items of a sequence, or nothing.
    pub fn items(&self) -> &[Node] {
        self.as_seq().unwrap_or(&[])
    }

    /// Entries of a mapping, or nothing.
    pub fn entries(&self) -> &[Entry] {
        self.as_map().unwrap_or(&[])
    }

    /// Entries with string keys, last duplicate winning, in document order.
    pub fn string_entries(&self) -> impl Iterator<Item = (&str, &Node, &Node)> {
        self.entries()
            .iter()
            .filter_map(|e| Some((e.key.as_scalar_str()?, &e.key, &e.value)))
    }

    /// A placeholder that answers every lookup with nothing.
    pub fn empty() -> &'static Node {
        &NULL
    }
}

/// Parses a (possibly multi-document) YAML stream.
///
/// Indentation inside flow collections and quoted scalars is not checked, as libyaml and Go's
/// yaml do not check it (`vendor/README.md`): a flow closer at its parent key's column is
/// common in real compose files and manifests.
pub fn parse(text: &str) -> Result<YamlStream, YamlError> {
    let offsets = CharOffsets::new(text);
    let mut builder = Builder {
        stack: Vec::new(),
        items: Vec::new(),
        entries: Vec::new(),
        anchors: HashMap::new(),
        alias_nodes: 0,
        anchored_nodes: 0,
        stream: YamlStream::default(),
    };
    let mut parser = Parser::new(SmallWindowInput::new(text));
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| scan_error(&offsets, &e))?;
        let span = Span::new(
            offsets.byte(span.start.index()),
            offsets.byte(span.end.index()),
        );
        builder.on_event(event, span)?;
    }
    Ok(builder.stream)
}

fn scan_error(offsets: &CharOffsets, e: &ScanError) -> YamlError {
    let message = match e.info() {
        "recursion limit exceeded" => {
            "nesting too deep (recursion limit exceeded); file skipped".to_string()
        }
        info => info.to_string(),
    };
    YamlError {
        message,
        offset: offsets.byte(e.marker().index()),
    }
}

/// saphyr's markers count characters; spans must be bytes.
struct CharOffsets {
    /// `None` for ASCII text, where characters and bytes coincide.
    table: Option<Vec<usize>>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        let table = (!text.is_ascii()).then(|| {
            let mut v: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
            v.push(text.len());
            v
        });
        CharOffsets {
            table,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.table {
            None => char_index.min(self.len),
            Some(t) => t.get(char_index).copied().unwrap_or(self.len),
        }
    }
}

/// `nodes` counts the collection and everything in it so far. A collection's children wait on
/// the builder's shared scratch stacks from `first` on, so each collection is allocated once,
/// at its exact size, when it closes (instead of growing, and keeping up to half its capacity
/// unused, which for a corpus of manifests was most of the tree's memory).
enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        first: usize,
        nodes: usize,
    },
    Map {
        start: usize,
        anchor: usize,
        first: usize,
        pending_key: Option<Node>,
        nodes: usize,
    },
}

struct Builder {
    stack: Vec<Frame>,
    /// Items of the open sequences, innermost last.
    items: Vec<Node>,
    /// Entries of the open mappings, innermost last.
    entries: Vec<Entry>,
    /// Each anchored node with its node count; `None` when it is too large for any alias to it
    /// to fit in the alias budget, so it was not copied.
    anchors: HashMap<usize, Option<(Node, usize)>>,
    alias_nodes: usize,
    anchored_nodes: usize,
    stream: YamlStream,
}

impl Builder {
    fn on_event(&mut self, event: Event<'_>, span: Span) -> Result<(), YamlError> {
        match event {
            Event::Scalar(text, style, anchor, _tag) => {
                let node = Node {
                    span,
                    value: Value::Scalar(Scalar {
                        text: match text {
                            Cow::Borrowed(s) => CompactString::from(s),
                            Cow::Owned(s) => CompactString::from(s),
                        },
                        plain: style == ScalarStyle::Plain,
                    }),
                };
                self.remember(anchor, &node, 1)?;
                self.push_node(node, 1)?;
            }
            Event::SequenceStart(anchor, _) => {
                self.open(span)?;
                self.stack.push(Frame::Seq {
                    start: span.start,
                    anchor,
                    first: self.items.len(),
                    nodes: 1,
                });
            }
            Event::MappingStart(anchor, _) => {
                self.open(span)?;
                self.stack.push(Frame::Map {
                    start: span.start,
                    anchor,
                    first: self.entries.len(),
                    pending_key: None,
                    nodes: 1,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let (node, anchor, nodes) = match frame {
                    Frame::Seq {
                        start,
                        anchor,
                        first,
                        nodes,
                    } => {
                        let items: Vec<Node> = self.items.drain(first..).collect();
                        let end = items.last().map_or(span.end, |n| n.span.end).max(span.end);
                        (
                            Node {
                                span: Span::new(start, end),
                                value: Value::Seq(items),
                            },
                            anchor,
                            nodes,
                        )
                    }
                    Frame::Map {
                        start,
                        anchor,
                        first,
                        nodes,
                        ..
                    } => {
                        let mut entries: Vec<Entry> = self.entries.drain(first..).collect();
                        let end = entries
                            .last()
                            .map_or(span.end, |e| e.value.span.end)
                            .max(span.end);
                        self.apply_merge(&mut entries)?;
                        self.record_duplicates(&entries);
                        (
                            Node {
                                span: Span::new(start, end),
                                value: Value::Map(entries),
                            },
                            anchor,
                            nodes,
                        )
                    }
                };
                self.remember(anchor, &node, nodes)?;
                self.push_node(node, nodes)?;
            }
            Event::Alias(id) => {
                let (node, nodes) = match self.anchors.get(&id) {
                    Some(Some((node, nodes))) => (node.clone(), *nodes),
                    Some(None) => (Node::null(span), ALIAS_NODE_BUDGET + 1),
                    None => (Node::null(span), 1),
                };
                self.alias_nodes += nodes;
                if self.alias_nodes > ALIAS_NODE_BUDGET {
                    return Err(YamlError {
                        message: format!(
                            "aliases expand to more than {ALIAS_NODE_BUDGET} nodes (possible alias bomb); file skipped"
                        ),
                        offset: span.start,
                    });
                }
                self.push_node(node, nodes)?;
            }
            Event::DocumentStart(_) => {
                self.stack.clear();
                self.items.clear();
                self.entries.clear();
            }
            Event::DocumentEnd => {
                self.anchors.clear();
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
        Ok(())
    }

    fn open(&self, span: Span) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError {
                message: format!("nesting deeper than {MAX_DEPTH} levels; file skipped"),
                offset: span.start,
            });
        }
        Ok(())
    }

    /// Keeps a copy of an anchored node of `nodes` nodes for the aliases that may follow.
    fn remember(&mut self, anchor: usize, node: &Node, nodes: usize) -> Result<(), YamlError> {
        if anchor == 0 {
            return Ok(());
        }
        if nodes > ALIAS_NODE_BUDGET {
            self.anchors.insert(anchor, None);
            return Ok(());
        }
        self.anchored_nodes += nodes;
        if self.anchored_nodes > ANCHOR_NODE_BUDGET {
            return Err(YamlError {
                message: format!(
                    "anchors copy more than {ANCHOR_NODE_BUDGET} nodes (possible alias bomb); file skipped"
                ),
                offset: node.span.start,
            });
        }
        self.anchors.insert(anchor, Some((node.clone(), nodes)));
        Ok(())
    }

    fn push_node(&mut self, node: Node, nodes: usize) -> Result<(), YamlError> {
        match self.stack.last_mut() {
            None => self.stream.documents.push(node),
            Some(Frame::Seq { nodes: n, .. }) => {
                *n += nodes;
                self.items.push(node)
            }
            Some(Frame::Map {
                pending_key,
                nodes: n,
                ..
            }) => {
                *n += nodes;
                match pending_key.take() {
                    None => *pending_key = Some(node),
                    Some(key) => self.entries.push(Entry { key, value: node }),
                }
            }
        }
        Ok(())
    }

    /// `<<: *anchor` and `<<: [*a, *b]`: copy entries whose keys the mapping does not set itself.
    fn apply_merge(&mut self, entries: &mut Vec<Entry>) -> Result<(), YamlError> {
        let is_merge =
            |e: &Entry| matches!(&e.key.value, Value::Scalar(s) if s.plain && s.text == "<<");
        if !entries.iter().any(is_merge) {
            return Ok(());
        }
        let (merges, mut own): (Vec<Entry>, Vec<Entry>) = std::mem::take(entries)
            .into_iter()
            .partition(|e| is_merge(e));
        let mut inherited = Vec::new();
        for merge in merges {
            let sources = match merge.value.value {
                Value::Seq(items) => items,
                other => vec![Node {
                    span: merge.value.span,
                    value: other,
                }],
            };
            for source in sources {
                if let Value::Map(src_entries) = source.value {
                    for e in src_entries {
                        let key = e.key.as_scalar_str();
                        let taken = |list: &[Entry]| {
                            list.iter()
                                .any(|o| o.key.as_scalar_str() == key && key.is_some())
                        };
                        if !taken(&own) && !taken(&inherited) {
                            inherited.push(e);
                        }
                    }
                }
            }
        }
        own.extend(inherited);
        *entries = own;
        Ok(())
    }

    fn record_duplicates(&mut self, entries: &[Entry]) {
        if entries.len() < 2 || self.stream.duplicate_keys.len() >= MAX_DUPLICATE_KEYS {
            return;
        }
        let small = entries.len() <= SMALL_MAP;
        let mut seen: HashMap<&str, Span> =
            HashMap::with_capacity(if small { 0 } else { entries.len() });
        for (i, e) in entries.iter().enumerate() {
            let Value::Scalar(s) = &e.key.value else {
                continue;
            };
            // The nearest earlier use of the key: compared pairwise in small mappings, hashed in
            // large ones.
            let previous = if small {
                entries[..i].iter().rev().find_map(|o| match &o.key.value {
                    Value::Scalar(k) if k.text == s.text => Some(o.key.span),
                    _ => None,
                })
            } else {
                seen.insert(&s.text, e.key.span)
            };
            // Merged-in entries can share keys with anchors elsewhere; only report keys written
            // twice in this very mapping, which appear in order.
            if let Some(first) = previous
                && first.start < e.key.span.start
            {
                self.stream.duplicate_keys.push(DuplicateKey {
                    key: s.text.to_string(),
                    span: e.key.span,
                    first,
                });
                if self.stream.duplicate_keys.len() >= MAX_DUPLICATE_KEYS {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of<'a>(src: &'a str, node: &Node) -> &'a str {
        &src[node.span.start..node.span.end]
    }

    #[test]
    fn spans_are_bytes_even_after_multibyte_text() {
        let src = "# café ✓\nkind: Service\n---\nspec:\n  image: \"nginx:latest\"\n";
        let stream = parse(src).unwrap();
        assert_eq!(stream.documents.len(), 2);
        let image = stream.documents[1].path(&["spec", "image"]).unwrap();
        assert_eq!(text_of(src, image), "\"nginx:latest\"");
        assert_eq!(image.as_str(), Some("nginx:latest"));
    }

    #[test]
    fn merge_keys_are_applied_and_own_keys_win() {
        let src = "base: &b\n  x: 1\n  y: 2\nderived:\n  <<: *b\n  y: 3\n";
        let stream = parse(src).unwrap();
        let d = stream.documents[0].get("derived").unwrap();
        assert_eq!(d.get("x").unwrap().as_i64(), Some(1));
        assert_eq!(d.get("y").unwrap().as_i64(), Some(3));
        assert!(d.get("<<").is_none());
        assert!(stream.duplicate_keys.is_empty());
    }

    #[test]
    fn merge_of_a_list_takes_the_first_definition() {
        let src = "a: &a {x: 1}\nb: &b {x: 2, z: 3}\nc:\n  <<: [*a, *b]\n";
        let c = parse(src).unwrap().documents[0].get("c").unwrap().clone();
        assert_eq!(c.get("x").unwrap().as_i64(), Some(1));
        assert_eq!(c.get("z").unwrap().as_i64(), Some(3));
    }

    #[test]
    fn duplicate_keys_are_recorded_with_both_places() {
        let src = "a: 1\nb: 2\na: 3\n";
        let stream = parse(src).unwrap();
        assert_eq!(stream.duplicate_keys.len(), 1);
        let dup = &stream.duplicate_keys[0];
        assert_eq!(dup.key, "a");
        assert_eq!(dup.span.start, 10);
        assert_eq!(dup.first.start, 0);
        assert_eq!(stream.documents[0].get("a").unwrap().as_i64(), Some(3));
    }

    #[test]
    fn small_and_large_mappings_report_duplicates_alike() {
        // Each repeat points at the nearest earlier use, whether the mapping is compared
        // pairwise (small) or hashed (large).
        for size in [3, SMALL_MAP, SMALL_MAP + 1, 3 * SMALL_MAP] {
            let mut src = String::new();
            for i in 0..size - 2 {
                src.push_str(&format!("k{i}: {i}\n"));
            }
            src.push_str("k0: again\nk0: thrice\n");
            let stream = parse(&src).unwrap();
            let found: Vec<(&str, usize, usize)> = stream
                .duplicate_keys
                .iter()
                .map(|d| (d.key.as_str(), d.span.start, d.first.start))
                .collect();
            let second = src.find("k0: again").unwrap();
            let third = src.find("k0: thrice").unwrap();
            assert_eq!(
                found,
                [("k0", second, 0), ("k0", third, second)],
                "mapping of {size} entries"
            );
        }
    }

    #[test]
    fn alias_bomb_is_an_error() {
        let mut src = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] {
            src.push_str(&format!(
                "{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
            prev = name;
        }
        let err = parse(&src).unwrap_err();
        assert!(err.message.contains("alias"), "{}", err.message);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let src = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let err = parse(&src).unwrap_err();
        assert!(err.message.contains("nesting"), "{}", err.message);
    }

    #[test]
    fn syntax_errors_carry_a_byte_offset() {
        let src = "a: 1\nb: [1, 2\nc: 3\n";
        let err = parse(src).unwrap_err();
        assert!(err.offset > 0 && err.offset <= src.len());
    }

    #[test]
    fn flow_closer_at_parent_indentation_is_accepted() {
        let src = "svc:\n  command: [\n    \"a\",\n    \"b\"\n  ]\n  image: x\n";
        let stream = parse(src).unwrap();
        let cmd = stream.documents[0].path(&["svc", "command"]).unwrap();
        assert_eq!(cmd.items().len(), 2);
        let image = stream.documents[0].path(&["svc", "image"]).unwrap();
        assert_eq!(text_of(src, image), "x");
    }

    #[test]
    fn every_flow_closer_at_parent_indentation_is_accepted() {
        let stage =
            |n: usize| format!("- name: s{n}\n  json: {{\n    \"id\": {n}\n  }}\n  ok: true\n");
        let src: String = (0..5).map(stage).collect();
        let stream = parse(&src).unwrap();
        let stages = stream.documents[0].items();
        assert_eq!(stages.len(), 5);
        let id = stages[4].path(&["json", "id"]).unwrap();
        assert_eq!(text_of(&src, id), "4");
        assert_eq!(text_of(&src, stages[4].get("ok").unwrap()), "true");
    }

    #[test]
    fn a_real_error_after_under_indented_flow_content_is_reported_where_it_is() {
        let src = "a: {\n  \"x\": 1\n}\nb: [\n  2\n]\nc: \"unterminated\n";
        let err = parse(src).unwrap_err();
        assert!(err.offset >= src.find("c:").unwrap(), "{err:?}");
    }

    #[test]
    fn a_directive_ends_the_document_before_it_as_in_libyaml() {
        let src = "a: 1\n%TAG ! tag:example.com,2002:\n--- !shape\nb: 2\n%YAML 1.1\n---\nc: 3\n";
        let stream = parse(src).unwrap();
        assert_eq!(stream.documents.len(), 3);
        let values: Vec<Option<&str>> = ["a", "b", "c"]
            .iter()
            .zip(&stream.documents)
            .map(|(key, doc)| doc.get(key).and_then(Node::as_str))
            .collect();
        assert_eq!(values, [Some("1"), Some("2"), Some("3")]);
        // A directive still needs the `---` that starts its document.
        assert!(parse("a: 1\n%YAML 1.1\nb: 2\n").is_err());
    }

    #[test]
    fn quoted_scalars_and_flow_items_may_continue_at_any_indentation() {
        let src = "steps:\n  - run: \"make \\\n  test\"\n    label: 'a\n  b'\n    json: [\n    {\"id\": 1},\n  2\n    ]\n";
        let stream = parse(src).unwrap();
        let step = &stream.documents[0].get("steps").unwrap().items()[0];
        assert_eq!(step.get("run").unwrap().as_str(), Some("make test"));
        assert_eq!(step.get("label").unwrap().as_str(), Some("a b"));
        assert_eq!(step.get("json").unwrap().items().len(), 2);
        // A tab may indent a continuation line too.
        let tabbed = parse("a:\n  b: \"x\n\ty\"\n  c: 1\n").unwrap();
        let a = tabbed.documents[0].get("a").unwrap();
        assert_eq!(a.get("b").unwrap().as_str(), Some("x y"));
        assert_eq!(a.get("c").unwrap().as_str(), Some("1"));
    }

    #[test]
    fn scalars_resolve_like_yaml_core_schema() {
        let src = "a: true\nb: \"true\"\nc: 3\nd: '3'\ne: ~\nf:\n";
        let doc = &parse(src).unwrap().documents[0];
        assert_eq!(doc.get("a").unwrap().as_bool(), Some(true));
        assert_eq!(doc.get("b").unwrap().as_bool(), None);
        assert_eq!(doc.get("c").unwrap().as_i64(), Some(3));
        assert_eq!(doc.get("d").unwrap().as_i64(), None);
        assert!(doc.get("e").unwrap().is_null());
        assert!(doc.get("f").unwrap().is_null());
    }
}
