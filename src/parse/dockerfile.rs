//! Dockerfile parser: a linear, panic-free pass yielding instructions, comments and spanned issues.

use crate::parse::span::Span;

const KEYWORDS: &str = concat!(
    "FROM RUN CMD LABEL MAINTAINER EXPOSE ENV ADD COPY ENTRYPOINT VOLUME USER WORKDIR ARG ONBUILD ",
    "STOPSIGNAL HEALTHCHECK SHELL"
);
const DIRECTIVES: &[&str] = &["syntax", "escape", "check"];
/// Bounds `${a:-${b:-...}}` nesting so hostile input cannot exhaust the stack.
const MAX_EXPAND_DEPTH: usize = 16;
/// Problems recorded per file, each a finding: past this, one more says the rest are not listed,
/// so a large text file named `Dockerfile` cannot turn into millions of findings.
pub const MAX_ISSUES: usize = 100;

#[derive(Debug, Clone, PartialEq)]
pub struct Dockerfile {
    pub directives: Vec<Directive>,
    pub escape: char,
    pub instructions: Vec<Instruction>,
    /// Every comment line, including parser directive lines and comments inside continuations.
    pub comments: Vec<Comment>,
    pub errors: Vec<ParseIssue>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub name: String,
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseIssue {
    pub message: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Instruction {
    pub keyword: String,
    pub keyword_span: Span,
    pub span: Span,
    pub flags: Vec<Flag>,
    pub args: Args,
    pub args_span: Span,
    pub heredocs: Vec<Heredoc>,
    /// The escape character in effect, so word splitting matches the file's own rules.
    pub escape: char,
    /// Maps offsets in the argument text (the `Shell` string or the `Exec` JSON) to the source.
    pub args_map: SourceMap,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Args {
    Exec(Vec<String>),
    Shell(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    pub delimiter: String,
    pub strip_tabs: bool,
    pub quoted: bool,
    /// Body lines, each terminated by `\n` as BuildKit delivers them.
    pub body: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stage<'a> {
    pub index: usize,
    pub from: &'a Instruction,
    pub image: String,
    pub image_span: Span,
    pub alias: Option<String>,
    pub platform: Option<String>,
    pub instructions: &'a [Instruction],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    pub key: String,
    pub value: Option<String>,
    pub span: Span,
}

/// Continuations make a logical line discontiguous in the source; this maps it back piece by piece.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceMap {
    pieces: Vec<Piece>,
    /// Where an empty map points, so empty arguments still get a sensible position.
    anchor: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    logical: usize,
    source: usize,
    len: usize,
}

impl SourceMap {
    fn push(&mut self, logical: usize, source: usize, len: usize) {
        if len > 0 {
            self.pieces.push(Piece {
                logical,
                source,
                len,
            });
        }
    }

    fn end_of_last(&self) -> usize {
        self.pieces.last().map_or(self.anchor, |p| p.source + p.len)
    }

    /// Source offset of the logical byte at `pos` (a range start).
    pub fn offset(&self, pos: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.logical + p.len <= pos);
        match self.pieces.get(i) {
            Some(p) => p.source + pos.saturating_sub(p.logical),
            None => self.end_of_last(),
        }
    }

    /// Source offset just past the logical byte before `pos`, so ends never jump to the next line.
    fn end_offset(&self, pos: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.logical + p.len < pos);
        match self.pieces.get(i) {
            Some(p) => p.source + pos.saturating_sub(p.logical).min(p.len),
            None => self.end_of_last(),
        }
    }

    /// The source span of the logical range `start..end`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        if start >= end {
            Span::empty(self.offset(start))
        } else {
            Span::new(self.offset(start), self.end_offset(end))
        }
    }

    fn sub(&self, from: usize, to: usize) -> SourceMap {
        let mut out = SourceMap {
            pieces: Vec::new(),
            anchor: self.offset(from),
        };
        for p in &self.pieces {
            let start = p.logical.max(from);
            let end = (p.logical + p.len).min(to);
            if start < end {
                out.push(start - from, p.source + (start - p.logical), end - start);
            }
        }
        out
    }
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\u{b}' | '\u{c}')
}

fn trim_blank(s: &str) -> &str {
    s.trim_matches(is_blank)
}

/// A shell word: unquoted text plus the byte range of its raw form.
struct Word {
    text: String,
    start: usize,
    end: usize,
}

/// Splits like BuildKit's shell lexer, no expansion; `split = false` unquotes the whole string.
fn scan_words(s: &str, escape: char, split: bool) -> Vec<Word> {
    let mut words = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if is_blank(c) {
            chars.next();
            continue;
        }
        let (mut text, mut end, mut quote) = (String::new(), start, None);
        while let Some(&(i, c)) = chars.peek() {
            if split && quote.is_none() && is_blank(c) {
                break;
            }
            chars.next();
            end = i + c.len_utf8();
            if Some(c) == quote {
                quote = None;
            } else if quote == Some('\'') {
                text.push(c);
            } else if c == escape {
                match chars.peek() {
                    Some(&(j, n)) if quote.is_none() || n == '"' || n == escape => {
                        chars.next();
                        end = j + n.len_utf8();
                        text.push(n);
                    }
                    _ => text.push(c),
                }
            } else if quote.is_none() && (c == '"' || c == '\'') {
                quote = Some(c);
            } else {
                text.push(c);
            }
        }
        words.push(Word { text, start, end });
    }
    words
}

fn unquote(s: &str, escape: char) -> String {
    scan_words(s, escape, false)
        .into_iter()
        .next()
        .map_or_else(String::new, |w| w.text)
}

/// Recognises `<<[-]["']WORD["']` (optionally fd-prefixed) as (delimiter, strip_tabs, quoted).
fn heredoc_token(raw: &str) -> Option<(String, bool, bool)> {
    let rest = raw
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .strip_prefix("<<")?;
    let (strip_tabs, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'');
    let rest = quote.and_then(|q| rest.strip_prefix(q)).unwrap_or(rest);
    let len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let word = rest.get(..len)?;
    if !word.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return None;
    }
    if let Some(q) = quote
        && !rest.get(len..)?.starts_with(q)
    {
        return None;
    }
    Some((word.to_string(), strip_tabs, quote.is_some()))
}

/// Matches BuildKit's `#[ \t]*name[ \t]*=[ \t]*value` directive syntax.
fn parse_directive(line: &str) -> Option<(String, String)> {
    let rest = line
        .trim_start_matches(is_blank)
        .strip_prefix('#')?
        .trim_start_matches([' ', '\t']);
    let len = rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    let name = rest.get(..len)?;
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let value = rest
        .get(len..)?
        .trim_start_matches([' ', '\t'])
        .strip_prefix('=')?;
    let value = trim_blank(value);
    (!value.is_empty()).then(|| (name.to_ascii_lowercase(), value.to_string()))
}

/// Only flags bracketed JSON with quoted ends, so `RUN [ "$a" = b ]` style tests stay silent.
fn looks_like_json(s: &str) -> bool {
    let inner = s.strip_prefix('[').and_then(|r| r.strip_suffix(']'));
    inner.map(trim_blank).is_some_and(|i| {
        i.starts_with(['"', '\''])
            && i.ends_with(['"', '\'', ','])
            && ![" = ", " == ", " != "].iter().any(|op| i.contains(op))
    })
}

struct Parser<'t> {
    text: &'t str,
    /// Content range of each physical line, without `\n` or a trailing `\r`.
    lines: Vec<(usize, usize)>,
    escape: char,
    df: Dockerfile,
}

pub fn parse(text: &str) -> Dockerfile {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = Vec::with_capacity(text.len() / 32 + 1);
    let mut pos = bom;
    for line in text.get(bom..).unwrap_or("").split_inclusive('\n') {
        let content = line.strip_suffix('\n').unwrap_or(line);
        let content = content.strip_suffix('\r').unwrap_or(content);
        lines.push((pos, pos + content.len()));
        pos += line.len();
    }
    let mut p = Parser {
        text,
        lines,
        escape: '\\',
        df: Dockerfile {
            directives: Vec::new(),
            escape: '\\',
            instructions: Vec::new(),
            comments: Vec::new(),
            errors: Vec::new(),
        },
    };
    let mut i = p.directives();
    while let Some((start, line)) = p.line(i) {
        let trimmed = line.trim_start_matches(is_blank);
        if trimmed.is_empty() {
            i += 1;
        } else if trimmed.starts_with('#') {
            p.comment(start, line);
            i += 1;
        } else {
            i = p.instruction(i);
        }
    }
    p.df.escape = p.escape;
    p.df
}

impl<'t> Parser<'t> {
    fn line(&self, i: usize) -> Option<(usize, &'t str)> {
        let &(start, end) = self.lines.get(i)?;
        Some((start, self.text.get(start..end)?))
    }

    fn issue(&mut self, message: String, span: Span) {
        let message = match self.df.errors.len() {
            n if n < MAX_ISSUES => message,
            n if n == MAX_ISSUES => {
                format!("more than {MAX_ISSUES} problems in this file; the others are not listed")
            }
            _ => return,
        };
        self.df.errors.push(ParseIssue { message, span });
    }

    fn comment(&mut self, start: usize, line: &str) {
        let Some(hash) = line.find('#') else { return };
        let text = trim_blank(line.get(hash + 1..).unwrap_or("")).to_string();
        let end = start + line.trim_end_matches(is_blank).len();
        let span = Span::new(start + hash, end);
        self.df.comments.push(Comment { text, span });
    }

    /// Consumes leading directive lines; the first non-directive line ends the section for good.
    fn directives(&mut self) -> usize {
        let mut i = 0;
        while let Some((start, line)) = self.line(i) {
            let Some((name, value)) = parse_directive(line) else {
                break;
            };
            if !DIRECTIVES.contains(&name.as_str()) {
                break;
            }
            let hash = start + line.find('#').unwrap_or(0);
            let span = Span::new(hash, start + line.trim_end_matches(is_blank).len());
            self.comment(start, line);
            i += 1;
            // BuildKit rejects repeats; keeping only the first keeps `escape` unambiguous.
            if self.df.directives.iter().any(|d| d.name == name) {
                self.issue(format!("duplicate parser directive `{name}`"), span);
                continue;
            }
            if name == "escape" {
                match value.as_str() {
                    "\\" => self.escape = '\\',
                    "`" => self.escape = '`',
                    _ => self.issue(format!("invalid escape character `{value}`"), span),
                }
            }
            self.df.directives.push(Directive { name, value, span });
        }
        i
    }

    /// Joins continuation lines into (logical line, its map, next line index, source end).
    fn logical_line(&mut self, first: usize) -> (String, SourceMap, usize, usize) {
        let (mut logical, mut map) = (String::new(), SourceMap::default());
        let (mut i, mut end) = (first, 0);
        while let Some((start, line)) = self.line(i) {
            i += 1;
            let trimmed = line.trim_start_matches(is_blank);
            if i > first + 1 && (trimmed.is_empty() || trimmed.starts_with('#')) {
                if !trimmed.is_empty() {
                    self.comment(start, line);
                }
                continue;
            }
            let content = line.trim_end_matches(is_blank);
            end = start + content.len();
            let (piece, more) = match content.strip_suffix(self.escape) {
                Some(piece) => (piece, true),
                None => (content, false),
            };
            map.push(logical.len(), start, piece.len());
            logical.push_str(piece);
            if !more {
                break;
            }
        }
        (logical, map, i, end)
    }

    fn instruction(&mut self, first: usize) -> usize {
        let (logical, map, mut next, line_end) = self.logical_line(first);
        let Some(ks) = logical.find(|c: char| !is_blank(c)) else {
            return next;
        };
        let ke = logical
            .get(ks..)
            .and_then(|r| r.find(is_blank))
            .map_or(logical.len(), |n| ks + n);
        let keyword = logical.get(ks..ke).unwrap_or("").to_ascii_uppercase();
        let keyword_span = map.span(ks, ke);
        let rest = logical.get(ke..).unwrap_or("");
        let words = scan_words(rest, self.escape, true);

        let mut flags = Vec::new();
        let mut first_arg = words.len();
        for (n, w) in words.iter().enumerate() {
            let raw = rest.get(w.start..w.end).unwrap_or("");
            if raw == "--" {
                first_arg = n + 1;
                break;
            }
            if !raw.starts_with("--") {
                first_arg = n;
                break;
            }
            let body = w.text.strip_prefix("--").unwrap_or(&w.text);
            let (name, value) = match body.split_once('=') {
                Some((name, value)) => (name, Some(value.to_string())),
                None => (body, None),
            };
            let span = map.span(ke + w.start, ke + w.end);
            let name = name.to_string();
            flags.push(Flag { name, value, span });
        }
        let arg_words = words.get(first_arg..).unwrap_or(&[]);

        let args_start = arg_words.first().map_or(logical.len(), |w| ke + w.start);
        let args_text = logical
            .get(args_start..)
            .unwrap_or("")
            .trim_end_matches(is_blank);
        let args_map = map.sub(args_start, args_start + args_text.len());
        let args_span = args_map.span(0, args_text.len());
        let args = self.args(args_text, args_span);

        let mut heredocs = Vec::new();
        if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") {
            for w in arg_words {
                if let Some(token) = rest.get(w.start..w.end).and_then(heredoc_token) {
                    let (heredoc, after) = self.heredoc(next, token);
                    next = after;
                    heredocs.push(heredoc);
                }
            }
        }

        if !KEYWORDS.split(' ').any(|k| k == keyword) {
            self.issue(format!("unknown instruction `{keyword}`"), keyword_span);
        } else if keyword == "FROM" && args_text.is_empty() {
            self.issue("FROM without an image".to_string(), keyword_span);
        } else if args_text.is_empty() {
            let message = format!("{keyword} requires at least one argument");
            self.issue(message, keyword_span);
        } else if keyword == "FROM"
            && let [_, as_word] = arg_words
            && as_word.text.eq_ignore_ascii_case("as")
        {
            let span = map.span(ke + as_word.start, ke + as_word.end);
            self.issue("FROM ... AS without a stage name".to_string(), span);
        }

        let end = heredocs
            .last()
            .map_or(line_end, |h| h.span.end.max(line_end));
        self.df.instructions.push(Instruction {
            keyword,
            keyword_span,
            span: Span::new(keyword_span.start, end),
            flags,
            args,
            args_span,
            heredocs,
            escape: self.escape,
            args_map,
        });
        next
    }

    /// Docker silently falls back to shell form on bad JSON; report only what was meant as JSON.
    fn args(&mut self, args_text: &str, args_span: Span) -> Args {
        if args_text.starts_with('[') {
            match serde_json::from_str::<Vec<String>>(args_text) {
                Ok(list) => return Args::Exec(list),
                Err(_) if looks_like_json(args_text) => {
                    let message = "invalid JSON array in exec form; treated as shell form";
                    self.issue(message.to_string(), args_span);
                }
                Err(_) => {}
            }
        }
        Args::Shell(args_text.to_string())
    }

    fn heredoc(&mut self, mut i: usize, token: (String, bool, bool)) -> (Heredoc, usize) {
        let (delimiter, strip_tabs, quoted) = token;
        let start = self.lines.get(i).map_or(self.text.len(), |l| l.0);
        let (mut end, mut body, mut terminated) = (start, String::new(), false);
        while let Some((line_start, line)) = self.line(i) {
            i += 1;
            end = line_start + line.len();
            let line = if strip_tabs {
                line.trim_start_matches('\t')
            } else {
                line
            };
            if line == delimiter {
                terminated = true;
                break;
            }
            body.push_str(line);
            body.push('\n');
        }
        let span = Span::new(start, end);
        if !terminated {
            self.issue(format!("unterminated heredoc `{delimiter}`"), span);
        }
        let heredoc = Heredoc {
            delimiter,
            strip_tabs,
            quoted,
            body,
            span,
        };
        (heredoc, i)
    }
}

impl Dockerfile {
    pub fn stages(&self) -> Vec<Stage<'_>> {
        let froms: Vec<usize> = (self.instructions.iter().enumerate())
            .filter_map(|(n, i)| (i.keyword == "FROM").then_some(n))
            .collect();
        let mut stages = Vec::with_capacity(froms.len());
        for (index, &at) in froms.iter().enumerate() {
            let Some(from) = self.instructions.get(at) else {
                continue;
            };
            let end = froms
                .get(index + 1)
                .copied()
                .unwrap_or(self.instructions.len());
            let words = from.word_spans();
            let (image, image_span) = words
                .first()
                .cloned()
                .unwrap_or_else(|| (String::new(), from.args_span));
            let alias = match words.as_slice() {
                [_, (as_word, _), (name, _), ..] if as_word.eq_ignore_ascii_case("as") => {
                    Some(name.to_lowercase())
                }
                _ => None,
            };
            stages.push(Stage {
                index,
                from,
                image,
                image_span,
                alias,
                platform: from.flag("platform").and_then(|f| f.value.clone()),
                instructions: self.instructions.get(at + 1..end).unwrap_or(&[]),
            });
        }
        stages
    }

    pub fn global_args(&self) -> Vec<(String, Option<String>)> {
        self.instructions
            .iter()
            .take_while(|i| i.keyword != "FROM")
            .filter(|i| i.keyword == "ARG")
            .flat_map(Instruction::key_values)
            .map(|kv| (kv.key, kv.value))
            .collect()
    }

    pub fn final_stage(&self) -> Option<Stage<'_>> {
        self.stages().pop()
    }
}

impl Instruction {
    /// ENV/LABEL/ARG: key=value pairs (also legacy `ENV KEY value` with a single space form),
    /// values unquoted, with the span of each pair.
    pub fn key_values(&self) -> Vec<KeyValue> {
        let Args::Shell(args) = &self.args else {
            return Vec::new();
        };
        if !matches!(self.keyword.as_str(), "ENV" | "LABEL" | "ARG") {
            return Vec::new();
        }
        let words = scan_words(args, self.escape, true);
        if self.keyword != "ARG"
            && let Some(first) = words.first()
            && !first.text.contains('=')
        {
            let value = words
                .get(1)
                .map(|w| unquote(args.get(w.start..).unwrap_or(""), self.escape));
            let span = self.args_map.span(first.start, args.len());
            let key = first.text.clone();
            return vec![KeyValue { key, value, span }];
        }
        words
            .into_iter()
            .map(|w| {
                let span = self.args_map.span(w.start, w.end);
                let (key, value) = match w.text.split_once('=') {
                    Some((key, value)) => (key.to_string(), Some(value.to_string())),
                    None => (w.text, None),
                };
                KeyValue { key, value, span }
            })
            .collect()
    }

    /// Shell-like word split of Args::Shell respecting single/double quotes and the escape char,
    /// or the Exec list.
    pub fn words(&self) -> Vec<String> {
        if let Some(words) = self.healthcheck_exec() {
            return words;
        }
        self.word_spans().into_iter().map(|(w, _)| w).collect()
    }

    /// Like `words`, with each word's source span; Exec elements all carry the whole `args_span`.
    pub fn word_spans(&self) -> Vec<(String, Span)> {
        match &self.args {
            Args::Exec(list) => list.iter().map(|w| (w.clone(), self.args_span)).collect(),
            Args::Shell(s) => scan_words(s, self.escape, true)
                .into_iter()
                .map(|w| (w.text, self.args_map.span(w.start, w.end)))
                .collect(),
        }
    }

    /// `HEALTHCHECK CMD ["curl", ...]` keeps JSON after the CMD word, so it needs its own split.
    fn healthcheck_exec(&self) -> Option<Vec<String>> {
        let Args::Shell(s) = &self.args else {
            return None;
        };
        if self.keyword != "HEALTHCHECK" {
            return None;
        }
        let (cmd, rest) = s.split_once(is_blank)?;
        if !cmd.eq_ignore_ascii_case("CMD") {
            return None;
        }
        let list: Vec<String> = serde_json::from_str(trim_blank(rest)).ok()?;
        Some(std::iter::once(cmd.to_string()).chain(list).collect())
    }

    /// Looks a flag up by name, with or without the leading `--`.
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        let name = name.strip_prefix("--").unwrap_or(name);
        self.flags.iter().find(|f| f.name == name)
    }
}

/// Expand ${VAR}, $VAR, ${VAR:-default}, ${VAR-default} using the given lookup; returns None if
/// any variable is unresolved (callers then stay silent). `\$` yields a literal `$`.
pub fn expand(s: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    expand_at(s, lookup, 0)
}

fn name_len(s: &str) -> usize {
    if !s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return 0;
    }
    s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len())
}

fn expand_at(s: &str, lookup: &dyn Fn(&str) -> Option<String>, depth: usize) -> Option<String> {
    if depth > MAX_EXPAND_DEPTH {
        return None;
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find(['$', '\\']) {
        out.push_str(rest.get(..pos)?);
        let tail = rest.get(pos..)?;
        if let Some(after) = tail.strip_prefix("\\$") {
            out.push('$');
            rest = after;
        } else if let Some(after) = tail.strip_prefix('\\') {
            out.push('\\');
            rest = after;
        } else if let Some(body) = tail.strip_prefix("${") {
            let close = matching_brace(body)?;
            out.push_str(&expand_braced(body.get(..close)?, lookup, depth)?);
            rest = body.get(close + 1..)?;
        } else {
            let after = tail.get(1..)?;
            let n = name_len(after);
            if n == 0 {
                out.push('$');
            } else {
                out.push_str(&lookup(after.get(..n)?)?);
            }
            rest = after.get(n..)?;
        }
    }
    out.push_str(rest);
    Some(out)
}

fn matching_brace(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Unsupported modifiers (`#`, `%`, `/`) yield None so callers stay silent rather than guess.
fn expand_braced(
    inner: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    depth: usize,
) -> Option<String> {
    let n = name_len(inner);
    let name = inner.get(..n).filter(|name| !name.is_empty())?;
    let op = inner.get(n..)?;
    let value = lookup(name);
    let set_nonempty = value.as_ref().is_some_and(|v| !v.is_empty());
    let word = |w: &str| expand_at(w, lookup, depth + 1);
    if op.is_empty() {
        value
    } else if let Some(w) = op.strip_prefix(":-") {
        if set_nonempty { value } else { word(w) }
    } else if let Some(w) = op.strip_prefix(":+") {
        if set_nonempty {
            word(w)
        } else {
            Some(String::new())
        }
    } else if op.starts_with(":?") {
        value.filter(|_| set_nonempty)
    } else if let Some(w) = op.strip_prefix('-') {
        value.or_else(|| word(w))
    } else if let Some(w) = op.strip_prefix('+') {
        if value.is_some() {
            word(w)
        } else {
            Some(String::new())
        }
    } else if op.starts_with('?') {
        value
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    fn shell(i: &Instruction) -> &str {
        match &i.args {
            Args::Shell(s) => s,
            Args::Exec(_) => panic!("expected shell form: {i:?}"),
        }
    }

    #[test]
    fn empty_and_blank_files_have_nothing() {
        for text in ["", "\n\n", "  \r\n\t\n"] {
            let df = parse(text);
            assert!(df.instructions.is_empty() && df.errors.is_empty() && df.directives.is_empty());
            assert_eq!(df.escape, '\\');
        }
    }

    #[test]
    fn directives_and_backtick_escape() {
        let text = "# syntax = docker/dockerfile:1\n#ESCAPE=`\n# escape=\\\nFROM mcr.microsoft.com/windows\nRUN dir c:\\ `\n  && echo hi\nCOPY a\\ b\\\n";
        let df = parse(text);
        assert_eq!(df.escape, '`');
        let names: Vec<_> = df
            .directives
            .iter()
            .map(|d| (&*d.name, &*d.value))
            .collect();
        assert_eq!(names, [("syntax", "docker/dockerfile:1"), ("escape", "`")]);
        assert_eq!(slice(text, df.directives[1].span), "#ESCAPE=`");
        // A repeated directive is reported and ignored: the first escape wins.
        assert_eq!(df.errors.len(), 1);
        assert!(
            df.errors[0]
                .message
                .contains("duplicate parser directive `escape`")
        );
        assert_eq!(df.comments.len(), 3);
        let run = &df.instructions[1];
        assert_eq!(shell(run), "dir c:\\   && echo hi");
        assert_eq!(run.words(), ["dir", "c:\\", "&&", "echo", "hi"]);
        // A trailing backslash is not a continuation under the backtick escape.
        assert_eq!(shell(&df.instructions[2]), "a\\ b\\");
        assert_eq!(df.instructions.len(), 3);
    }

    #[test]
    fn directives_stop_at_first_other_line() {
        let df = parse("# hello\n# escape=`\nFROM x\n");
        assert!(df.directives.is_empty());
        assert_eq!(df.escape, '\\');
        assert_eq!(df.comments.len(), 2);
        let df = parse("# unknown=1\n# syntax=x\nFROM x\n");
        assert!(df.directives.is_empty());
        let df = parse("\n# syntax=x\nFROM x\n");
        assert!(df.directives.is_empty());
        let df = parse("FROM x\n# escape=`\nRUN a \\\n b\n");
        assert_eq!(shell(&df.instructions[1]), "a  b");
    }

    #[test]
    fn continuation_skips_comments_and_blank_lines() {
        let text = "RUN apt-get update \\\n  # refresh\n\n    && apt-get install -y curl \\\n\t\n  && rm -rf /var/lib/apt/lists/*\nUSER app\n";
        let df = parse(text);
        assert_eq!(df.instructions.len(), 2);
        let run = &df.instructions[0];
        assert_eq!(
            shell(run),
            "apt-get update     && apt-get install -y curl   && rm -rf /var/lib/apt/lists/*"
        );
        assert_eq!(df.comments.len(), 1);
        assert_eq!(df.comments[0].text, "refresh");
        assert_eq!(slice(text, df.comments[0].span), "# refresh");
        assert!(slice(text, run.span).ends_with("lists/*"));
        assert_eq!(
            slice(text, run.args_span),
            &text[4..text.find("\nUSER").unwrap()]
        );
        let install = run
            .word_spans()
            .into_iter()
            .find(|(w, _)| w == "install")
            .unwrap();
        assert_eq!(slice(text, install.1), "install");
        assert!(df.errors.is_empty());
    }

    #[test]
    fn trailing_escape_at_eof_just_ends() {
        let df = parse("RUN echo hi \\");
        assert_eq!(shell(&df.instructions[0]), "echo hi");
        assert_eq!(df.instructions[0].span, Span::new(0, 13));
        let df = parse("RUN echo \\\n\n# c\n");
        assert_eq!(shell(&df.instructions[0]), "echo");
        assert!(df.errors.is_empty());
    }

    #[test]
    fn heredoc_forms() {
        let text = "RUN <<EOF\napt-get update\nEOF\nRUN <<-EOT bash\n\techo tab\n\tEOT\nCOPY <<'X' /a\n$HOME\nX\nUSER me\n";
        let df = parse(text);
        assert_eq!(df.instructions.len(), 4, "{:?}", df.instructions);
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        let h = &df.instructions[0].heredocs[0];
        assert_eq!(
            (&*h.delimiter, h.strip_tabs, h.quoted),
            ("EOF", false, false)
        );
        assert_eq!(h.body, "apt-get update\n");
        assert_eq!(slice(text, h.span), "apt-get update\nEOF");
        assert_eq!(
            slice(text, df.instructions[0].span),
            "RUN <<EOF\napt-get update\nEOF"
        );
        let h = &df.instructions[1].heredocs[0];
        assert_eq!(
            (h.strip_tabs, h.quoted, &*h.body),
            (true, false, "echo tab\n")
        );
        let h = &df.instructions[2].heredocs[0];
        assert_eq!((&*h.delimiter, h.quoted, &*h.body), ("X", true, "$HOME\n"));
        let h = parse("RUN <<\"Q\"\nx\nQ\n").instructions[0].heredocs[0].clone();
        assert!(h.quoted);
        assert_eq!(df.instructions[3].keyword, "USER");
    }

    #[test]
    fn multiple_and_unterminated_heredocs() {
        let text = "COPY <<a <<b /dst/\none\na\ntwo\nb\nRUN <<END\necho never closed\nFROM nope\n";
        let df = parse(text);
        let copy = &df.instructions[0];
        let bodies: Vec<_> = copy
            .heredocs
            .iter()
            .map(|h| (&*h.delimiter, &*h.body))
            .collect();
        assert_eq!(bodies, [("a", "one\n"), ("b", "two\n")]);
        assert_eq!(copy.words(), ["<<a", "<<b", "/dst/"]);
        assert_eq!(df.instructions.len(), 2);
        let run = &df.instructions[1];
        assert_eq!(run.heredocs[0].body, "echo never closed\nFROM nope\n");
        assert_eq!(run.span.end, text.len() - 1);
        assert_eq!(df.errors.len(), 1);
        assert!(df.errors[0].message.contains("unterminated heredoc `END`"));
    }

    #[test]
    fn heredoc_look_alikes_are_ignored() {
        let df = parse("RUN echo \"a <<EOF\" && cat <<<word\nEOF\nCMD <<X\n");
        assert!(df.instructions.iter().all(|i| i.heredocs.is_empty()));
        assert_eq!(df.instructions.len(), 3);
    }

    #[test]
    fn exec_form() {
        let text = "CMD [\"nginx\", \"-g\", \"daemon off;\"]\nENTRYPOINT [\"/tini\",\"--\"]\nCOPY [\"a\",\"/b/\"]\nCMD ['bad', 'quotes']\nRUN [ -f /x ]\nRUN [ \"$A\" = \"b\" ]\n";
        let df = parse(text);
        let i = &df.instructions;
        assert_eq!(
            i[0].args,
            Args::Exec(vec!["nginx".into(), "-g".into(), "daemon off;".into()])
        );
        assert_eq!(i[1].words(), ["/tini", "--"]);
        assert_eq!(i[2].args, Args::Exec(vec!["a".into(), "/b/".into()]));
        assert_eq!(slice(text, i[2].args_span), "[\"a\",\"/b/\"]");
        assert_eq!(shell(&i[3]), "['bad', 'quotes']");
        assert_eq!(shell(&i[4]), "[ -f /x ]");
        assert_eq!(df.errors.len(), 1, "{:?}", df.errors);
        assert_eq!(df.errors[0].span, i[3].args_span);
    }

    #[test]
    fn flags_and_their_spans() {
        let text = "COPY --from=build --chown=app:app /src /dst\nRUN --mount=type=cache,target=/root/.cache pip install -r req.txt\nHEALTHCHECK --interval=5s CMD curl -f http://x || exit 1\nRUN -- --not-a-flag\n";
        let df = parse(text);
        let copy = &df.instructions[0];
        assert_eq!(copy.flag("from").unwrap().value.as_deref(), Some("build"));
        assert_eq!(
            copy.flag("--chown").unwrap().value.as_deref(),
            Some("app:app")
        );
        assert_eq!(
            slice(text, copy.flag("chown").unwrap().span),
            "--chown=app:app"
        );
        assert_eq!(copy.words(), ["/src", "/dst"]);
        assert_eq!(slice(text, copy.args_span), "/src /dst");
        let run = &df.instructions[1];
        let mount = run.flag("mount").unwrap();
        assert_eq!(
            mount.value.as_deref(),
            Some("type=cache,target=/root/.cache")
        );
        assert_eq!(shell(run), "pip install -r req.txt");
        let hc = &df.instructions[2];
        assert_eq!(hc.flag("interval").unwrap().value.as_deref(), Some("5s"));
        assert_eq!(hc.words()[..3], ["CMD", "curl", "-f"]);
        assert_eq!(shell(&df.instructions[3]), "--not-a-flag");
        assert!(
            parse("RUN --network=none\n").errors[0]
                .message
                .contains("requires")
        );
    }

    #[test]
    fn healthcheck_forms() {
        let df = parse(
            "HEALTHCHECK NONE\nHEALTHCHECK --retries=3 CMD [\"curl\", \"-f\", \"http://x\"]\n",
        );
        assert_eq!(df.instructions[0].words(), ["NONE"]);
        assert_eq!(
            df.instructions[1].words(),
            ["CMD", "curl", "-f", "http://x"]
        );
        assert!(df.errors.is_empty());
    }

    #[test]
    fn stages_aliases_and_global_args() {
        let text = "ARG BASE=python:3.11-slim\nARG TAG\nFROM --platform=$BUILDPLATFORM ${BASE} AS Build\nRUN make\nFROM build as test\nFROM scratch\nCOPY --from=build /app /app\nUSER 1000\n";
        let df = parse(text);
        assert_eq!(
            df.global_args(),
            [
                ("BASE".to_string(), Some("python:3.11-slim".to_string())),
                ("TAG".to_string(), None)
            ]
        );
        let stages = df.stages();
        assert_eq!(stages.len(), 3);
        assert_eq!(stages[0].image, "${BASE}");
        assert_eq!(slice(text, stages[0].image_span), "${BASE}");
        assert_eq!(stages[0].alias.as_deref(), Some("build"));
        assert_eq!(stages[0].platform.as_deref(), Some("$BUILDPLATFORM"));
        assert_eq!(stages[0].instructions.len(), 1);
        assert_eq!(stages[1].alias.as_deref(), Some("test"));
        assert!(stages[1].instructions.is_empty());
        let last = df.final_stage().unwrap();
        assert_eq!(
            (last.index, &*last.image, last.alias.clone()),
            (2, "scratch", None)
        );
        let kws: Vec<_> = last.instructions.iter().map(|i| &*i.keyword).collect();
        assert_eq!(kws, ["COPY", "USER"]);
        assert!(df.errors.is_empty());
    }

    #[test]
    fn from_problems_and_unknown_keywords() {
        let text = "FROM\nFROM img AS\nfrobnicate --x y\n";
        let df = parse(text);
        let stages = df.stages();
        assert_eq!(stages[0].image, "");
        let messages: Vec<_> = df.errors.iter().map(|e| &*e.message).collect();
        assert_eq!(
            messages,
            [
                "FROM without an image",
                "FROM ... AS without a stage name",
                "unknown instruction `FROBNICATE`"
            ]
        );
        assert_eq!(slice(text, df.errors[2].span), "frobnicate");
        assert_eq!(df.instructions[2].flag("x").unwrap().value, None);
        assert!(parse("from x\nrun y\n").errors.is_empty());
    }

    #[test]
    fn crlf_line_endings() {
        let text = "FROM alpine AS base\r\nRUN echo a \\\r\n  b\r\nENV K=v\r\nCOPY <<EOF /x\r\nbody\r\nEOF\r\n";
        let df = parse(text);
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        let i = &df.instructions;
        assert_eq!(df.stages()[0].alias.as_deref(), Some("base"));
        assert_eq!(shell(&i[1]), "echo a   b");
        assert_eq!(slice(text, i[1].span), "RUN echo a \\\r\n  b");
        assert_eq!(i[2].key_values()[0].value.as_deref(), Some("v"));
        assert_eq!(i[3].heredocs[0].body, "body\n");
        assert_eq!(slice(text, i[3].span), "COPY <<EOF /x\r\nbody\r\nEOF");
        assert!(i.iter().all(|i| !format!("{:?}", i.args).contains('\r')));
    }

    #[test]
    fn spans_point_at_source() {
        let text = "  from   --platform=linux/amd64   node:20 AS web\nENV a=1 b=\"two words\"\n";
        let df = parse(text);
        let from = &df.instructions[0];
        assert_eq!(from.keyword, "FROM");
        assert_eq!(slice(text, from.keyword_span), "from");
        assert_eq!(slice(text, from.flags[0].span), "--platform=linux/amd64");
        assert_eq!(slice(text, df.stages()[0].image_span), "node:20");
        assert_eq!(
            slice(text, from.span),
            "from   --platform=linux/amd64   node:20 AS web"
        );
        let kv = df.instructions[1].key_values();
        assert_eq!(slice(text, kv[1].span), "b=\"two words\"");
    }

    #[test]
    fn key_values_forms() {
        let df = parse(
            "ENV a=1 b=\"two words\" c='x y' d=\nENV KEY some value\nLABEL \"com.x\"=\"ACME\"\nARG V=1 W\nENV LONE\nRUN a=b\n",
        );
        let kv = |n: usize| -> Vec<(String, Option<String>)> {
            df.instructions[n]
                .key_values()
                .into_iter()
                .map(|k| (k.key, k.value))
                .collect()
        };
        let s = |v: &str| Some(v.to_string());
        assert_eq!(
            kv(0),
            [
                ("a".into(), s("1")),
                ("b".into(), s("two words")),
                ("c".into(), s("x y")),
                ("d".into(), s(""))
            ]
        );
        assert_eq!(kv(1), [("KEY".into(), s("some value"))]);
        assert_eq!(kv(2), [("com.x".into(), s("ACME"))]);
        assert_eq!(kv(3), [("V".into(), s("1")), ("W".into(), None)]);
        assert_eq!(kv(4), [("LONE".into(), None)]);
        assert!(kv(5).is_empty());
        let text = "ENV KEY some value\n";
        assert_eq!(
            slice(text, parse(text).instructions[0].key_values()[0].span),
            "KEY some value"
        );
    }

    #[test]
    fn words_respect_quotes_and_escapes() {
        let df = parse("RUN echo 'a b' \"c \\\"d\\\"\" e\\ f 'g\\h' \"unterminated\n");
        assert_eq!(
            df.instructions[0].words(),
            ["echo", "a b", "c \"d\"", "e f", "g\\h", "unterminated"]
        );
    }

    #[test]
    fn onbuild_and_bom() {
        let text = "\u{feff}FROM x\nONBUILD RUN --mount=type=secret,id=a make\n";
        let df = parse(text);
        assert_eq!(slice(text, df.instructions[0].keyword_span), "FROM");
        assert_eq!(
            shell(&df.instructions[1]),
            "RUN --mount=type=secret,id=a make"
        );
        assert!(df.instructions[1].flags.is_empty());
    }

    #[test]
    fn expand_variables() {
        let lookup = |name: &str| match name {
            "A" => Some("alpha".to_string()),
            "EMPTY" => Some(String::new()),
            _ => None,
        };
        let e = |s: &str| expand(s, &lookup);
        assert_eq!(e("$A/${A}x").as_deref(), Some("alpha/alphax"));
        assert_eq!(e("${B:-def}").as_deref(), Some("def"));
        assert_eq!(e("${EMPTY:-def}|${EMPTY-def}").as_deref(), Some("def|"));
        assert_eq!(e("${B-${A}}").as_deref(), Some("alpha"));
        assert_eq!(e("${A:+set}${B:+set}").as_deref(), Some("set"));
        assert_eq!(e("cost \\$5 $ and $1").as_deref(), Some("cost $5 $ and $1"));
        assert_eq!(e("C:\\path"), Some("C:\\path".to_string()));
        for unresolved in ["$B", "${B}", "${A", "${A#x}", "${}", "${B:?oops}"] {
            assert_eq!(e(unresolved), None, "{unresolved}");
        }
        let deep = "${B:-".repeat(10_000) + &"}".repeat(10_000);
        assert_eq!(e(&deep), None);
    }

    #[test]
    fn large_inputs_stay_linear() {
        let long_line = format!("RUN echo {}\n", "x".repeat(2_000_000));
        assert_eq!(parse(&long_line).instructions.len(), 1);
        let many = format!("RUN a \\\n{}b\n", "  c \\\n".repeat(100_000));
        let df = parse(&many);
        assert_eq!(df.instructions.len(), 1);
        assert_eq!(df.instructions[0].words().len(), 100_002);
        let json = format!("CMD {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(parse(&json).instructions.len(), 1);
    }

    fn assert_span(text: &str, span: Span) {
        assert!(
            span.start <= span.end
                && span.end <= text.len()
                && text.is_char_boundary(span.start)
                && text.is_char_boundary(span.end),
            "span {span:?} invalid in {text:?}"
        );
    }

    fn assert_well_formed(text: &str) {
        let df = parse(text);
        let mut spans: Vec<Span> = df.comments.iter().map(|c| c.span).collect();
        spans.extend(df.directives.iter().map(|d| d.span));
        spans.extend(df.errors.iter().map(|e| e.span));
        spans.extend(df.stages().iter().map(|s| s.image_span));
        for i in &df.instructions {
            spans.extend([i.span, i.keyword_span, i.args_span]);
            spans.extend(i.flags.iter().map(|f| f.span));
            spans.extend(i.heredocs.iter().map(|h| h.span));
            spans.extend(i.key_values().iter().map(|k| k.span));
            spans.extend(i.word_spans().iter().map(|w| w.1));
            assert!(!i.keyword.contains(['\r', '\n']));
            let _ = i.words();
            if let Args::Shell(s) = &i.args {
                let _ = expand(s, &|n| (n == "A").then(|| "v".to_string()));
            }
        }
        for span in spans {
            assert_span(text, span);
        }
        let _ = (df.global_args(), df.final_stage());
    }

    #[test]
    fn fuzz_never_panics_and_spans_stay_valid() {
        const SEED: &str = "# syntax=docker/dockerfile:1\nARG BASE=alpine\nFROM --platform=$P ${BASE} AS build\nRUN apt-get update \\\n  # c\n  && echo \"a b\" 'c'\nCOPY --from=build <<EOF /x\nhello\nEOF\nENV A=1 B=\"x y\"\nCMD [\"a\", \"b\"]\nHEALTHCHECK CMD curl -f x\n";
        // `|`-separated so the list stays compact; none of the snippets contains a `|`.
        const SNIPPETS: &str = "\\|`|\n|\r\n|\r|<<EOF\n|<<-'X'\n|EOF\n|\tX\n|[|]|\"|'|é|日本|🦀|#|# escape=`\n|--|--from=|=|${|}|$A| AS |FROM |\u{feff}|\0| ";
        let snippets: Vec<&str> = SNIPPETS.split('|').collect();
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut rand = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n.max(1) as u64) as usize
        };
        let mut text = SEED.to_string();
        for round in 0..20_000 {
            if round % 64 == 0 || text.len() > 4_000 {
                text = SEED.to_string();
            }
            let bounds: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain([text.len()])
                .collect();
            let at = rand(bounds.len());
            let (lo, hi) = (bounds[at], bounds[(at + rand(24)).min(bounds.len() - 1)]);
            match rand(4) {
                0 | 1 => text.insert_str(lo, snippets[rand(snippets.len())]),
                2 => text.replace_range(lo..hi, ""),
                _ => {
                    let chunk = text[lo..hi].to_string();
                    text.insert_str(hi, &chunk);
                }
            }
            assert_well_formed(&text);
        }
    }
}
