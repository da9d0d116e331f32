//! HAProxy configuration parser: a linear, panic-free, line-oriented pass yielding sections of
//! spanned directives and located issues. Words are unquoted and unescaped as HAProxy does it,
//! but environment variables stay as written and `.if` blocks are kept, never evaluated.

use super::span::Span;
pub use super::{ParseIssue, Word};

/// HAProxy rejects a line with more words than this, keyword included.
const MAX_WORDS: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SectionKind {
    Global,
    Defaults,
    Frontend,
    Backend,
    Listen,
    Resolvers,
    Peers,
    Userlist,
    Mailers,
    Program,
    HttpErrors,
    Ring,
    Cache,
    LogForward,
    CrtStore,
    Traces,
    SpoeAgent,
    SpoeMessage,
    SpoeGroup,
    /// `fcgi-app <name>` (HAProxy ≥ 2.1).
    FcgiApp,
    /// `acme <name>` (HAProxy ≥ 3.2).
    Acme,
}

/// Whether a section header takes a name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NameRule {
    None,
    Optional,
    Required,
}

const SECTIONS: &[(&str, SectionKind)] = &[
    ("global", SectionKind::Global),
    ("defaults", SectionKind::Defaults),
    ("frontend", SectionKind::Frontend),
    ("backend", SectionKind::Backend),
    ("listen", SectionKind::Listen),
    ("resolvers", SectionKind::Resolvers),
    ("peers", SectionKind::Peers),
    ("userlist", SectionKind::Userlist),
    ("mailers", SectionKind::Mailers),
    ("program", SectionKind::Program),
    ("http-errors", SectionKind::HttpErrors),
    ("ring", SectionKind::Ring),
    ("cache", SectionKind::Cache),
    ("log-forward", SectionKind::LogForward),
    ("crt-store", SectionKind::CrtStore),
    ("traces", SectionKind::Traces),
    ("spoe-agent", SectionKind::SpoeAgent),
    ("spoe-message", SectionKind::SpoeMessage),
    ("spoe-group", SectionKind::SpoeGroup),
    ("fcgi-app", SectionKind::FcgiApp),
    ("acme", SectionKind::Acme),
];

impl SectionKind {
    /// The header keyword; HAProxy matches it case-sensitively.
    pub fn from_keyword(keyword: &str) -> Option<SectionKind> {
        SECTIONS
            .iter()
            .find(|(k, _)| *k == keyword)
            .map(|(_, kind)| *kind)
    }

    pub fn keyword(self) -> &'static str {
        SECTIONS
            .iter()
            .find(|(_, kind)| *kind == self)
            .map_or("", |(k, _)| k)
    }

    fn name_rule(self) -> NameRule {
        match self {
            SectionKind::Global | SectionKind::Traces => NameRule::None,
            SectionKind::Defaults | SectionKind::CrtStore => NameRule::Optional,
            _ => NameRule::Required,
        }
    }

    fn is_proxy(self) -> bool {
        matches!(
            self,
            SectionKind::Frontend | SectionKind::Backend | SectionKind::Listen
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// All words, keyword first (never empty).
    pub words: Vec<Word>,
    /// The line from the keyword to the last word, without trailing comment or whitespace.
    pub span: Span,
}

impl Directive {
    pub fn keyword(&self) -> &str {
        self.words.first().map_or("", |w| w.text.as_str())
    }

    pub fn args(&self) -> &[Word] {
        self.words.get(1..).unwrap_or(&[])
    }

    pub fn arg(&self, i: usize) -> Option<&str> {
        self.args().get(i).map(|w| w.text.as_str())
    }

    /// The word range making up `name()`: a `no`/`default` prefix is skipped, and `option` and
    /// `timeout` take their qualifier.
    fn name_range(&self) -> (usize, usize) {
        let start = usize::from(self.negated() || self.reset());
        let base = self.words.get(start).map_or("", |w| w.text.as_str());
        let qualified = base.eq_ignore_ascii_case("option") || base.eq_ignore_ascii_case("timeout");
        let width = if qualified && self.words.len() > start + 1 {
            2
        } else {
            1
        };
        (start, (start + width).min(self.words.len()))
    }

    /// The keyword, lowercase; `option X` and `timeout X` include their qualifier, and a
    /// `no`/`default` prefix is dropped: `no option httpchk` is named `option httpchk`.
    pub fn name(&self) -> String {
        let (start, end) = self.name_range();
        let words = self.words.get(start..end).unwrap_or(&[]);
        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        texts.join(" ").to_ascii_lowercase()
    }

    /// `name() == name` (ASCII case-insensitive) without allocating.
    pub fn name_is(&self, name: &str) -> bool {
        let (start, end) = self.name_range();
        let mut rest = name;
        for (n, w) in self.words.get(start..end).unwrap_or(&[]).iter().enumerate() {
            if n > 0 {
                match rest.strip_prefix(' ') {
                    Some(r) => rest = r,
                    None => return false,
                }
            }
            let Some(head) = rest.get(..w.text.len()) else {
                return false;
            };
            if !head.eq_ignore_ascii_case(&w.text) {
                return false;
            }
            rest = rest.get(w.text.len()..).unwrap_or("");
        }
        rest.is_empty() && end > start
    }

    /// Starts with `no` (and has something to negate).
    pub fn negated(&self) -> bool {
        self.words.len() > 1 && self.keyword().eq_ignore_ascii_case("no")
    }

    /// `default option X`: the option is reset to HAProxy's built-in default.
    pub fn reset(&self) -> bool {
        self.keyword().eq_ignore_ascii_case("default")
            && self
                .words
                .get(1)
                .is_some_and(|w| w.text.eq_ignore_ascii_case("option"))
    }

    /// Words after the name: `timeout connect 5s` gives `[5s]`, `server web1 10.0.0.1:80 check`
    /// gives `[web1, 10.0.0.1:80, check]`.
    pub fn values(&self) -> &[Word] {
        let (_, end) = self.name_range();
        self.words.get(end..).unwrap_or(&[])
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub kind: SectionKind,
    pub name: Option<Word>,
    /// `from <defaults>` on the header (frontend/backend/listen/defaults), if any.
    pub from: Option<Word>,
    /// The header line.
    pub header: Span,
    /// Header through last directive.
    pub span: Span,
    pub directives: Vec<Directive>,
    /// The `[scope]` in effect at the header (SPOE files), text without brackets.
    pub scope: Option<Word>,
}

impl Section {
    pub fn is_proxy(&self) -> bool {
        self.kind.is_proxy()
    }

    /// HAProxy's "last one wins": the last directive named `name`, or `None` when that last one
    /// is negated (`option X` then `no option X`) or there is none.
    pub fn find(&self, name: &str) -> Option<&Directive> {
        self.last_named(name).filter(|d| !d.negated())
    }

    /// The last directive named `name`, negated or not.
    fn last_named(&self, name: &str) -> Option<&Directive> {
        self.directives.iter().rev().find(|d| d.name_is(name))
    }

    /// Every directive named `name`, negated ones included, in file order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Directive> {
        self.directives.iter().filter(move |d| d.name_is(name))
    }

    pub fn name_str(&self) -> &str {
        self.name.as_ref().map_or("", |w| w.text.as_str())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HaproxyConfig {
    pub sections: Vec<Section>,
    /// Problems that do not stop parsing (unterminated quote, keyword outside a section, `.if`
    /// without `.endif`). The first one becomes a located parse error for the file.
    pub issues: Vec<ParseIssue>,
}

/// True when a backend name is computed at run time (`%[...]`) or filled in from the
/// environment, so it cannot be checked against the declared backends.
pub fn is_dynamic_name(name: &str) -> bool {
    name.contains("%[") || super::is_templated(name)
}

impl HaproxyConfig {
    fn defaults_index(&self, index: usize) -> Option<usize> {
        let section = self.sections.get(index)?;
        let before = self.sections.get(..index)?;
        let is_defaults = |s: &Section| s.kind == SectionKind::Defaults;
        match &section.from {
            Some(from) if section.is_proxy() || is_defaults(section) => before
                .iter()
                .rposition(|s| is_defaults(s) && s.name_str() == from.text),
            Some(_) => None,
            None if section.is_proxy() => before.iter().rposition(is_defaults),
            None => None,
        }
    }

    /// The `defaults` section a proxy inherits from: the one named by its `from`, else the last
    /// `defaults` section before it in the file. `None` for sections that inherit nothing
    /// (a `defaults` section without `from`, `global`, ...).
    pub fn defaults_for(&self, index: usize) -> Option<&Section> {
        self.sections.get(self.defaults_index(index)?)
    }

    /// Effective setting for a proxy: the proxy's own directive named `name` if present (`None`
    /// if the proxy says `no option X` for it), else its defaults' (following that defaults
    /// section's own `from` chain), else None.
    pub fn effective(&self, index: usize, name: &str) -> Option<&Directive> {
        let mut at = index;
        // Inheritance only ever points backwards, so this bound is never reached; it is a guard.
        for _ in 0..=self.sections.len() {
            if let Some(d) = self.sections.get(at)?.last_named(name) {
                return (!d.negated()).then_some(d);
            }
            at = self.defaults_index(at)?;
        }
        None
    }

    /// Servers of a backend/listen: `server` and `server-template` directives.
    pub fn servers(&self, index: usize) -> impl Iterator<Item = &Directive> {
        self.sections
            .get(index)
            .filter(|s| matches!(s.kind, SectionKind::Backend | SectionKind::Listen))
            .into_iter()
            .flat_map(|s| s.directives.iter())
            .filter(|d| {
                let k = d.keyword();
                k.eq_ignore_ascii_case("server") || k.eq_ignore_ascii_case("server-template")
            })
    }

    /// The `default-server` line in effect for a proxy (its own, else its defaults').
    pub fn default_server(&self, index: usize) -> Option<&Directive> {
        self.effective(index, "default-server")
    }

    /// Backends named by `use_backend` / `default_backend` in frontends and listens:
    /// (section index, directive, backend name word). See `is_dynamic_name` for names built at
    /// run time.
    pub fn backend_references(&self) -> Vec<(usize, &Directive, &Word)> {
        let mut refs = Vec::new();
        for (index, section) in self.sections.iter().enumerate() {
            if !matches!(section.kind, SectionKind::Frontend | SectionKind::Listen) {
                continue;
            }
            for d in &section.directives {
                if d.negated() || !(d.name_is("use_backend") || d.name_is("default_backend")) {
                    continue;
                }
                if let Some(word) = d.values().first() {
                    refs.push((index, d, word));
                }
            }
        }
        refs
    }
}

pub fn parse(text: &str) -> HaproxyConfig {
    let mut p = Parser {
        text,
        cfg: HaproxyConfig::default(),
        current: None,
        scope: None,
        open_ifs: Vec::new(),
    };
    let mut pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
    while pos <= text.len() {
        let rest = text.get(pos..).unwrap_or("");
        let end = rest.find('\n').map_or(text.len(), |n| pos + n);
        p.line(pos, end);
        pos = end + 1;
    }
    for span in std::mem::take(&mut p.open_ifs) {
        p.issue("`.if` without `.endif`".to_string(), span);
    }
    p.cfg
}

struct Parser<'t> {
    text: &'t str,
    cfg: HaproxyConfig,
    /// Index of the section receiving directives.
    current: Option<usize>,
    scope: Option<Word>,
    /// Spans of `.if` lines still waiting for their `.endif`.
    open_ifs: Vec<Span>,
}

/// What HAProxy's `isspace` separates words with, once CR and LF are out of the way.
const BLANKS: [char; 4] = [' ', '\t', '\x0b', '\x0c'];

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\x0b' | b'\x0c')
}

/// Characters HAProxy accepts in identifiers such as scope names.
fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':')
}

impl Parser<'_> {
    fn issue(&mut self, message: String, span: Span) {
        self.cfg.issues.push(ParseIssue { message, span });
    }

    /// One physical line, `start..end` without its `\n`.
    fn line(&mut self, start: usize, end: usize) {
        let raw = self.text.get(start..end).unwrap_or("");
        // HAProxy stops reading a line at CR (or NUL), even inside quotes.
        let end = raw.find(['\r', '\0']).map_or(end, |n| start + n);
        let raw = self.text.get(start..end).unwrap_or("");
        let indent = raw.len() - raw.trim_start_matches(BLANKS).len();
        if raw.get(indent..).is_some_and(|r| r.starts_with('[')) {
            self.scope_line(start + indent, end);
            return;
        }
        let words = split_words(self.text, start, end, &mut self.cfg.issues);
        let (Some(first), Some(last)) = (words.first(), words.last()) else {
            return;
        };
        let span = Span::new(first.span.start, last.span.end);
        let directive = Directive { words, span };
        let keyword = directive.keyword();
        if keyword.starts_with('.') {
            self.conditional(&directive);
        } else if let Some(kind) = SectionKind::from_keyword(keyword) {
            self.section(kind, directive);
            return;
        }
        match self.current.and_then(|i| self.cfg.sections.get_mut(i)) {
            Some(section) => {
                section.span = section.span.join(span);
                section.directives.push(directive);
            }
            // Conditional directives are valid anywhere; there is just nothing to attach them to.
            None if keyword.starts_with('.') => {}
            None => {
                let message = format!("`{keyword}`: keyword outside any section");
                self.issue(message, span);
            }
        }
    }

    fn conditional(&mut self, d: &Directive) {
        let unmatched = match d.keyword() {
            ".if" => {
                self.open_ifs.push(d.span);
                false
            }
            ".elif" | ".else" => self.open_ifs.is_empty(),
            ".endif" => self.open_ifs.pop().is_none(),
            _ => false,
        };
        if unmatched {
            self.issue(format!("`{}` without `.if`", d.keyword()), d.span);
        }
    }

    /// `[name]` sets the SPOE scope for the sections that follow.
    fn scope_line(&mut self, at: usize, end: usize) {
        let rest = self.text.get(at + 1..end).unwrap_or("");
        let line = Span::new(at, end);
        let Some(close) = rest.find(']') else {
            self.issue("scope declaration without a closing `]`".to_string(), line);
            return;
        };
        let name = rest.get(..close).unwrap_or("");
        let span = Span::new(at, at + close + 2);
        if name.is_empty() {
            self.issue("empty scope name".to_string(), span);
            return;
        }
        if let Some(c) = name.chars().find(|c| !is_ident_char(*c)) {
            self.issue(
                format!("character `{c}` is not permitted in a scope name"),
                span,
            );
            return;
        }
        let after = rest.get(close + 1..).unwrap_or("");
        let after = after.trim_start_matches(BLANKS);
        if !after.is_empty() && !after.starts_with('#') {
            self.issue("unexpected text after scope declaration".to_string(), line);
            return;
        }
        let text = name.to_string();
        self.scope = Some(Word { text, span });
    }

    fn section(&mut self, kind: SectionKind, header: Directive) {
        let words = &header.words;
        let is = |i: usize, s: &str| words.get(i).is_some_and(|w| w.text == s);
        let (name, from) = match kind.name_rule() {
            NameRule::None => (None, None),
            // `defaults from x` has no name.
            _ if kind == SectionKind::Defaults && words.len() == 3 && is(1, "from") => {
                (None, words.get(2))
            }
            _ => (words.get(1), words.get(3).filter(|_| is(2, "from"))),
        };
        let from = from.filter(|_| kind == SectionKind::Defaults || kind.is_proxy());
        let keyword = kind.keyword();
        if kind.name_rule() == NameRule::Required && name.is_none() {
            self.issue(format!("`{keyword}` requires a name"), header.span);
        }
        if kind.is_proxy() && words.len() > 2 && !(words.len() == 4 && is(2, "from")) {
            let message = format!(
                "unexpected words after the `{keyword}` name (`from <defaults>` or nothing; \
                 listening addresses go on `bind` lines)"
            );
            let start = words.get(2).map_or(header.span.start, |w| w.span.start);
            self.issue(message, Span::new(start, header.span.end));
        }
        if kind == SectionKind::Global && words.len() > 1 {
            // HAProxy: "'global' cannot handle unexpected argument".
            let span = Span::new(words[1].span.start, header.span.end);
            self.issue("`global` takes no arguments".to_string(), span);
        }
        if let Some(from) = from {
            let found = self.cfg.sections.iter().any(|s| {
                s.kind == SectionKind::Defaults
                    && s.name.as_ref().is_some_and(|n| n.text == from.text)
            });
            if !found {
                let message = format!(
                    "defaults section `{}` not found (it must come first)",
                    from.text
                );
                self.issue(message, from.span);
            }
        }
        let (name, from) = (name.cloned(), from.cloned());
        self.current = Some(self.cfg.sections.len());
        self.cfg.sections.push(Section {
            kind,
            name,
            from,
            header: header.span,
            span: header.span,
            directives: Vec::new(),
            scope: self.scope.clone(),
        });
    }
}

/// Splits `text[start..end]` (one line, CR already cut) into words like HAProxy's `parse_line`:
/// blanks separate words, `#` outside quotes starts a comment, `"..."` allows backslash escapes,
/// `'...'` allows nothing, and adjacent pieces join into one word.
fn split_words(text: &str, start: usize, end: usize, issues: &mut Vec<ParseIssue>) -> Vec<Word> {
    let bytes = text.as_bytes();
    let end = end.min(bytes.len());
    let mut words = Vec::new();
    // (start of the word, its text so far)
    let mut word: Option<(usize, Vec<u8>)> = None;
    // (quote byte, where it opened)
    let mut quote: Option<(u8, usize)> = None;
    let mut i = start;
    while let Some(&c) = bytes.get(i).filter(|_| i < end) {
        if quote.is_none() {
            if is_space(c) {
                if let Some((ws, buf)) = word.take() {
                    words.push(make_word(ws, i, buf));
                }
                i += 1;
                continue;
            }
            if c == b'#' {
                break;
            }
        }
        let (_, buf) = word.get_or_insert_with(|| (i, Vec::new()));
        let quote_byte = quote.map(|q| q.0);
        match c {
            b'"' | b'\'' if quote_byte.is_none() => {
                quote = Some((c, i));
                i += 1;
            }
            _ if Some(c) == quote_byte => {
                quote = None;
                i += 1;
            }
            b'\\' if quote_byte != Some(b'\'') => {
                i = escape(bytes, i, end, quote_byte == Some(b'"'), buf, issues);
            }
            b'$' if quote_byte == Some(b'"') => i = env_var(bytes, i, end, buf, issues),
            _ => {
                buf.push(c);
                i += 1;
            }
        }
    }
    let stop = i.min(end);
    if let Some((_, at)) = quote {
        let message = "unterminated quote: it runs to the end of the line".to_string();
        issues.push(ParseIssue {
            message,
            span: Span::new(at, stop),
        });
    }
    if let Some((ws, buf)) = word.take() {
        words.push(make_word(ws, stop, buf));
    }
    // HAProxy drops an empty last word (`keyword ""`).
    if words.last().is_some_and(|w| w.text.is_empty()) {
        words.pop();
    }
    if let Some(extra) = words.get(MAX_WORDS) {
        let message = format!("too many words on one line (HAProxy stops after {MAX_WORDS})");
        let span = Span::new(extra.span.start, words.last().map_or(stop, |w| w.span.end));
        issues.push(ParseIssue { message, span });
    }
    words
}

fn make_word(start: usize, end: usize, buf: Vec<u8>) -> Word {
    // Only `\xHH` escapes can produce invalid UTF-8.
    let text = String::from_utf8(buf)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Word {
        text,
        span: Span::new(start, end),
    }
}

/// A backslash outside single quotes; returns the index after the sequence. Unknown sequences
/// keep the backslash, as HAProxy does (`\.` in a regex stays `\.`).
fn escape(
    bytes: &[u8],
    i: usize,
    end: usize,
    in_dquote: bool,
    buf: &mut Vec<u8>,
    issues: &mut Vec<ParseIssue>,
) -> usize {
    let at = |j: usize| bytes.get(j).copied().filter(|_| j < end);
    let simple = match at(i + 1) {
        Some(b @ (b' ' | b'\\' | b'#' | b'\'' | b'"')) => Some(b),
        Some(b't') => Some(b'\t'),
        Some(b'n') => Some(b'\n'),
        Some(b'r') => Some(b'\r'),
        Some(b'$') if in_dquote => Some(b'$'),
        _ => None,
    };
    if let Some(b) = simple {
        buf.push(b);
        return i + 2;
    }
    if at(i + 1) == Some(b'x') {
        let hex = |j: usize| at(j).and_then(|b| (b as char).to_digit(16));
        if let (Some(h), Some(l)) = (hex(i + 2), hex(i + 3)) {
            buf.push((h * 16 + l) as u8);
            return i + 4;
        }
        let message = "truncated or invalid hexadecimal sequence after `\\x`".to_string();
        let span = Span::new(i, i + 2);
        issues.push(ParseIssue { message, span });
    }
    buf.push(b'\\');
    i + 1
}

/// `$NAME`, `${NAME}`, `${NAME-default}`, `${NAME[*]}` inside double quotes: copied as written,
/// but checked like HAProxy checks them. Returns the index after the reference.
fn env_var(
    bytes: &[u8],
    i: usize,
    end: usize,
    buf: &mut Vec<u8>,
    issues: &mut Vec<ParseIssue>,
) -> usize {
    let at = |j: usize| bytes.get(j).copied().filter(|_| j < end);
    let mut fail = |message: &str, upto: usize| {
        let span = Span::new(i, upto);
        issues.push(ParseIssue {
            message: message.to_string(),
            span,
        });
        buf.extend_from_slice(bytes.get(i..upto).unwrap_or(b"$"));
        upto
    };
    let brace = at(i + 1) == Some(b'{');
    let mut j = i + 1 + usize::from(brace);
    if !at(j).is_some_and(|b| b.is_ascii_alphabetic() || b == b'_' || b == b'.') {
        return fail("forbidden first character in environment variable name", j);
    }
    j += 1;
    while at(j).is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') {
        j += 1;
    }
    if brace {
        if at(j) == Some(b'[') {
            if at(j + 1) == Some(b'*') && at(j + 2) == Some(b']') {
                j += 3;
            } else {
                return fail("only `[*]` may follow a variable name", j);
            }
        }
        if at(j) == Some(b'-') {
            while at(j).is_some_and(|b| b != b'}') {
                j += 1;
            }
        }
        if at(j) != Some(b'}') {
            return fail("unmatched brace in environment variable reference", i + 2);
        }
        j += 1;
    }
    buf.extend_from_slice(bytes.get(i..j).unwrap_or(b""));
    j
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    fn texts(words: &[Word]) -> Vec<&str> {
        words.iter().map(|w| w.text.as_str()).collect()
    }

    fn messages(cfg: &HaproxyConfig) -> Vec<&str> {
        cfg.issues.iter().map(|i| i.message.as_str()).collect()
    }

    fn clean(text: &str) -> HaproxyConfig {
        let cfg = parse(text);
        assert!(cfg.issues.is_empty(), "unexpected issues: {:?}", cfg.issues);
        cfg
    }

    #[test]
    fn empty_and_blank_inputs() {
        for text in [
            "",
            "\n",
            "  \r\n\t\n",
            "# only a comment\n   # another",
            "\u{feff}",
        ] {
            let cfg = clean(text);
            assert!(cfg.sections.is_empty());
        }
    }

    #[test]
    fn every_section_kind_header() {
        let mut text = String::new();
        for (keyword, kind) in SECTIONS {
            let name = match kind.name_rule() {
                NameRule::None => String::new(),
                _ => format!(" n-{keyword}"),
            };
            text.push_str(&format!("{keyword}{name}\n    some-keyword {keyword}\n\n"));
        }
        let cfg = clean(&text);
        assert_eq!(cfg.sections.len(), SECTIONS.len());
        for (section, (keyword, kind)) in cfg.sections.iter().zip(SECTIONS) {
            assert_eq!(section.kind, *kind);
            assert_eq!(kind.keyword(), *keyword);
            assert_eq!(SectionKind::from_keyword(keyword), Some(*kind));
            assert_eq!(
                slice(&text, section.header).split(' ').next(),
                Some(*keyword)
            );
            assert_eq!(section.directives.len(), 1);
            assert_eq!(section.directives[0].arg(0), Some(*keyword));
            assert_eq!(section.span.end, section.directives[0].span.end);
            if kind.name_rule() != NameRule::None {
                assert_eq!(section.name_str(), format!("n-{keyword}"));
            }
            assert_eq!(section.is_proxy(), kind.is_proxy());
        }
        // Section keywords are case-sensitive in HAProxy, like any keyword.
        assert_eq!(SectionKind::from_keyword("Frontend"), None);
        // Optional names may be left out.
        let cfg = clean("defaults\ncrt-store\nglobal\ntraces\n");
        assert!(cfg.sections.iter().all(|s| s.name.is_none()));
    }

    #[test]
    fn missing_names_and_extra_header_words_are_issues() {
        let cfg = parse("frontend\nuserlist\nlisten l 127.0.0.1:80\nbackend b from\n");
        assert_eq!(
            messages(&cfg),
            vec![
                "`frontend` requires a name",
                "`userlist` requires a name",
                "unexpected words after the `listen` name (`from <defaults>` or nothing; listening addresses go on `bind` lines)",
                "unexpected words after the `backend` name (`from <defaults>` or nothing; listening addresses go on `bind` lines)",
            ]
        );
        assert_eq!(cfg.sections.len(), 4);
    }

    #[test]
    fn named_defaults_and_from() {
        let text = "\
defaults base
    mode http
    timeout connect 5s
defaults tcpish from base
    mode tcp
defaults from base
    timeout client 30s
defaults
    timeout server 1m
frontend f1 from tcpish
    bind :80
backend b1
    server s 10.0.0.1:80
global
listen l1 from nowhere
";
        let cfg = parse(text);
        assert_eq!(
            messages(&cfg),
            vec!["defaults section `nowhere` not found (it must come first)"]
        );
        let s = &cfg.sections;
        assert_eq!(s[0].name_str(), "base");
        assert!(s[0].from.is_none());
        assert_eq!(s[1].name_str(), "tcpish");
        assert_eq!(s[1].from.as_ref().map(|w| w.text.as_str()), Some("base"));
        assert_eq!(s[2].name, None);
        assert_eq!(s[2].from.as_ref().map(|w| w.text.as_str()), Some("base"));
        assert_eq!(slice(text, s[2].from.as_ref().unwrap().span), "base");
        assert_eq!(s[4].from.as_ref().map(|w| w.text.as_str()), Some("tcpish"));

        let defaults_name = |i: usize| cfg.defaults_for(i).map(|d| d.header);
        assert_eq!(defaults_name(0), None);
        assert_eq!(defaults_name(1), Some(s[0].header));
        assert_eq!(defaults_name(2), Some(s[0].header));
        assert_eq!(defaults_name(3), None);
        assert_eq!(defaults_name(4), Some(s[1].header));
        // Without `from`, the last defaults section before the proxy, named or not.
        assert_eq!(defaults_name(5), Some(s[3].header));
        assert_eq!(defaults_name(6), None);
        assert_eq!(defaults_name(7), None);
        assert_eq!(defaults_name(99), None);

        // The `from` chain: f1 -> tcpish -> base.
        let mode = cfg.effective(4, "mode").and_then(|d| d.arg(0));
        assert_eq!(mode, Some("tcp"));
        let connect = cfg
            .effective(4, "timeout connect")
            .map(|d| texts(d.values()));
        assert_eq!(connect, Some(vec!["5s"]));
        assert!(cfg.effective(4, "timeout server").is_none());
        // b1 inherits the last (unnamed) defaults, which does not chain.
        assert!(cfg.effective(5, "timeout connect").is_none());
        assert!(cfg.effective(5, "timeout server").is_some());
    }

    #[test]
    fn quoting_escapes_and_env_vars() {
        let text = concat!(
            "global\n",
            "  a \"${PORT}\" 'x y' \"foo\"bar \\ lead 'it''s' \"q\\\"q\" \"b\\\\s\"\n",
            "  b ${RAW} $X \"$HOME/x\" \"${V-def ault}\" \"${L[*]}\" 'no $exp \\n'\n",
            "  c a\\ b \\# \\t\\x41 ^/foo\\.bar$ \"\\$1\" \"\\'\" \\\"\n",
            "  d \"\" mid\n",
        );
        let cfg = clean(text);
        let d = &cfg.sections[0].directives;
        assert_eq!(
            texts(&d[0].words),
            vec![
                "a", "${PORT}", "x y", "foobar", " lead", "its", "q\"q", "b\\s"
            ]
        );
        let spans: Vec<&str> = d[0].words.iter().map(|w| slice(text, w.span)).collect();
        assert_eq!(
            spans,
            vec![
                "a",
                "\"${PORT}\"",
                "'x y'",
                "\"foo\"bar",
                "\\ lead",
                "'it''s'",
                "\"q\\\"q\"",
                "\"b\\\\s\""
            ]
        );
        assert_eq!(
            texts(&d[1].words),
            vec![
                "b",
                "${RAW}",
                "$X",
                "$HOME/x",
                "${V-def ault}",
                "${L[*]}",
                "no $exp \\n"
            ]
        );
        assert_eq!(
            texts(&d[2].words),
            vec!["c", "a b", "#", "\tA", "^/foo\\.bar$", "$1", "'", "\""]
        );
        // An empty quoted word in the middle is a word; HAProxy drops a trailing one.
        assert_eq!(texts(&d[3].words), vec!["d", "", "mid"]);
        assert_eq!(
            texts(&clean("global\n x \"\"\n").sections[0].directives[0].words),
            vec!["x"]
        );
        for d in d {
            assert_eq!(d.span.start, d.words[0].span.start);
            assert_eq!(d.span.end, d.words.last().unwrap().span.end);
        }
    }

    #[test]
    fn bad_env_vars_and_hex_escapes_are_issues() {
        let text = "global\n  a \"x$\" \"${OPEN\" b\\x4 \"${A[1]}\" ok\n  next line\n";
        let cfg = parse(text);
        assert_eq!(
            messages(&cfg),
            vec![
                "forbidden first character in environment variable name",
                "unmatched brace in environment variable reference",
                "truncated or invalid hexadecimal sequence after `\\x`",
                "only `[*]` may follow a variable name",
            ]
        );
        for issue in &cfg.issues {
            assert!(slice(text, issue.span).starts_with(['$', '\\']));
        }
        let d = &cfg.sections[0].directives;
        assert_eq!(
            texts(&d[0].words),
            vec!["a", "x$", "${OPEN", "b\\x4", "${A[1]}", "ok"]
        );
        assert_eq!(d[1].keyword(), "next");
    }

    #[test]
    fn comments_after_arguments() {
        let text = "global # header comment\n  maxconn 10   # ten\n  bind :80#no space\n  x \"a # b\" 'c#d' \\#e # gone\n#\n";
        let cfg = clean(text);
        let s = &cfg.sections[0];
        assert_eq!(slice(text, s.header), "global");
        let d = &s.directives;
        assert_eq!(texts(&d[0].words), vec!["maxconn", "10"]);
        assert_eq!(slice(text, d[0].span), "maxconn 10");
        assert_eq!(texts(&d[1].words), vec!["bind", ":80"]);
        assert_eq!(texts(&d[2].words), vec!["x", "a # b", "c#d", "#e"]);
        assert_eq!(slice(text, d[2].span), "x \"a # b\" 'c#d' \\#e");
        assert_eq!(s.span, Span::new(0, d[2].span.end));
    }

    #[test]
    fn crlf_and_tabs() {
        let text =
            "global\r\n\tmaxconn\t\t100\r\n\r\nbackend app\r\n  server s1 10.0.0.1:80 check\r\n";
        let cfg = clean(text);
        assert_eq!(cfg.sections.len(), 2);
        let d = &cfg.sections[0].directives[0];
        assert_eq!(texts(&d.words), vec!["maxconn", "100"]);
        assert_eq!(slice(text, d.span), "maxconn\t\t100");
        assert_eq!(cfg.sections[1].name_str(), "app");
        let server = &cfg.sections[1].directives[0];
        assert_eq!(slice(text, server.span), "server s1 10.0.0.1:80 check");
        // CR ends a line for HAProxy even inside quotes: the rest is ignored.
        let cfg = parse("global\n  x \"a\rb\"\r\n");
        assert_eq!(cfg.issues.len(), 1);
        assert_eq!(cfg.sections[0].directives[0].words[1].text, "a");
    }

    #[test]
    fn keyword_outside_any_section() {
        let text = "maxconn 10\n.if defined(X)\n.endif\nglobal\n  maxconn 20\n";
        let cfg = parse(text);
        assert_eq!(
            messages(&cfg),
            vec!["`maxconn`: keyword outside any section"]
        );
        assert_eq!(slice(text, cfg.issues[0].span), "maxconn 10");
        assert_eq!(cfg.sections.len(), 1);
        assert_eq!(cfg.sections[0].directives.len(), 1);
    }

    #[test]
    fn unterminated_quote_is_an_issue_and_parsing_continues() {
        let text =
            "global\n  log \"127.0.0.1 local0\n  maxconn 'x\nbackend b\n  server s 1.2.3.4:80\n";
        let cfg = parse(text);
        assert_eq!(cfg.issues.len(), 2);
        assert!(cfg.issues[0].message.starts_with("unterminated quote"));
        assert_eq!(slice(text, cfg.issues[0].span), "\"127.0.0.1 local0");
        assert_eq!(slice(text, cfg.issues[1].span), "'x");
        let d = &cfg.sections[0].directives;
        assert_eq!(texts(&d[0].words), vec!["log", "127.0.0.1 local0"]);
        assert_eq!(texts(&d[1].words), vec!["maxconn", "x"]);
        assert_eq!(cfg.sections[1].directives.len(), 1);
    }

    #[test]
    fn conditional_blocks_are_kept_not_evaluated() {
        let text = "\
global
.if feature(OPENSSL)
    ssl-default-bind-options no-sslv3
.elif defined(X)
    .warning \"no openssl\"
.else
    .diag \"hmm\"
.endif
    maxconn 10
";
        let cfg = clean(text);
        let kws: Vec<&str> = cfg.sections[0]
            .directives
            .iter()
            .map(|d| d.keyword())
            .collect();
        assert_eq!(
            kws,
            vec![
                ".if",
                "ssl-default-bind-options",
                ".elif",
                ".warning",
                ".else",
                ".diag",
                ".endif",
                "maxconn"
            ]
        );
        assert_eq!(
            cfg.sections[0].directives[0].arg(0),
            Some("feature(OPENSSL)")
        );

        let text = "global\n.if defined(A)\n.if defined(B)\n.endif\n";
        let cfg = parse(text);
        assert_eq!(messages(&cfg), vec!["`.if` without `.endif`"]);
        assert_eq!(slice(text, cfg.issues[0].span), ".if defined(A)");
        let cfg = parse("global\n.endif\n.else\n");
        assert_eq!(
            messages(&cfg),
            vec!["`.endif` without `.if`", "`.else` without `.if`"]
        );
    }

    #[test]
    fn spoe_scope_lines() {
        let text = "\
# SPOE file
[ip-reputation]
spoe-agent iprep-agent
    messages check-client-ip
    timeout hello 2s
  [other]   # comment
spoe-message check-client-ip
    args ip=src
";
        let cfg = clean(text);
        assert_eq!(cfg.sections.len(), 2);
        let scope = cfg.sections[0].scope.as_ref().unwrap();
        assert_eq!(scope.text, "ip-reputation");
        assert_eq!(slice(text, scope.span), "[ip-reputation]");
        assert_eq!(cfg.sections[0].kind, SectionKind::SpoeAgent);
        assert_eq!(cfg.sections[0].directives.len(), 2);
        assert_eq!(cfg.sections[1].scope.as_ref().unwrap().text, "other");
        let cfg = parse("[]\n[a b]\n[x] y\n[open\n");
        assert_eq!(
            messages(&cfg),
            vec![
                "empty scope name",
                "character ` ` is not permitted in a scope name",
                "unexpected text after scope declaration",
                "scope declaration without a closing `]`",
            ]
        );
    }

    #[test]
    fn names_negation_and_values() {
        let cfg = clean(
            "defaults\n  option httpchk GET /\n  no option httplog\n  Timeout Connect 5s\n  default option redispatch\n  server web1 10.0.0.1:80 check\n  stats uri /s\n  no log\n  option\n  no\n  default-server inter 3s\n",
        );
        let d = &cfg.sections[0].directives;
        let names: Vec<String> = d.iter().map(Directive::name).collect();
        assert_eq!(
            names,
            vec![
                "option httpchk",
                "option httplog",
                "timeout connect",
                "option redispatch",
                "server",
                "stats",
                "log",
                "option",
                "no",
                "default-server"
            ]
        );
        let negated: Vec<bool> = d.iter().map(Directive::negated).collect();
        assert_eq!(
            negated,
            vec![
                false, true, false, false, false, false, true, false, false, false
            ]
        );
        assert!(d[3].reset() && !d[0].reset());
        assert_eq!(texts(d[0].values()), vec!["GET", "/"]);
        assert!(d[1].values().is_empty());
        assert_eq!(texts(d[2].values()), vec!["5s"]);
        assert_eq!(texts(d[4].values()), vec!["web1", "10.0.0.1:80", "check"]);
        assert_eq!(texts(d[5].values()), vec!["uri", "/s"]);
        assert_eq!(d[4].keyword(), "server");
        assert_eq!(d[4].arg(1), Some("10.0.0.1:80"));
        assert_eq!(d[4].arg(9), None);
        assert!(d[2].name_is("timeout connect") && d[2].name_is("TIMEOUT connect"));
        assert!(!d[2].name_is("timeout") && !d[2].name_is("timeout connect 5s"));
        assert!(!d[2].name_is("timeout  connect") && !d[2].name_is(""));
    }

    #[test]
    fn find_all_and_effective_with_inheritance() {
        let text = "\
defaults
    mode http
    option httplog
    option forwardfor
    timeout connect 5s
    timeout client 30s
    default-server inter 2s
frontend web
    bind :80
    no option httplog
    timeout client 10s
    option forwardfor except 127.0.0.0/8
    default_backend app
backend app
    option forwardfor
    no option forwardfor
    server a 10.0.0.1:80
    default-server inter 5s
backend other
    no option forwardfor
    option forwardfor
";
        let cfg = clean(text);
        let value =
            |i: usize, name: &str| cfg.effective(i, name).map(|d| texts(d.values()).join(" "));
        assert_eq!(value(1, "mode"), Some("http".into()));
        assert_eq!(value(1, "option httplog"), None);
        assert_eq!(value(2, "option httplog"), Some(String::new()));
        assert_eq!(value(1, "timeout client"), Some("10s".into()));
        assert_eq!(value(2, "timeout client"), Some("30s".into()));
        assert_eq!(
            value(1, "option forwardfor"),
            Some("except 127.0.0.0/8".into())
        );
        // Last one wins inside a section.
        assert_eq!(value(2, "option forwardfor"), None);
        assert_eq!(value(3, "option forwardfor"), Some(String::new()));
        assert_eq!(value(0, "timeout connect"), Some("5s".into()));
        assert_eq!(value(1, "timeout server"), None);
        assert_eq!(value(42, "mode"), None);

        let app = &cfg.sections[2];
        assert!(app.find("option forwardfor").is_none());
        assert_eq!(app.all("option forwardfor").count(), 2);
        assert!(cfg.sections[3].find("option forwardfor").is_some());
        assert_eq!(
            cfg.sections[1].find("bind").and_then(|d| d.arg(0)),
            Some(":80")
        );

        let inter = |i: usize| cfg.default_server(i).and_then(|d| d.arg(1));
        assert_eq!(inter(2), Some("5s"));
        assert_eq!(inter(3), Some("2s"));
    }

    #[test]
    fn servers_and_backend_references() {
        let text = "\
defaults
    default_backend fallback
frontend fe
    use_backend api if { path_beg /api }
    use_backend %[req.hdr(host),lower,map(/etc/hosts.map)]
    use_backend \"${BACKEND}\"
    default_backend web
listen stats
    bind :8404
    default_backend web
    server local 127.0.0.1:9000
backend web
    server-template srv 1-3 web.local:80 check
    server w1 10.0.0.1:80
    balance roundrobin
frontend bare
";
        let cfg = clean(text);
        let refs: Vec<(usize, &str, &str)> = cfg
            .backend_references()
            .into_iter()
            .map(|(i, d, w)| (i, d.keyword(), slice(text, w.span)))
            .collect();
        assert_eq!(
            refs,
            vec![
                (1, "use_backend", "api"),
                (
                    1,
                    "use_backend",
                    "%[req.hdr(host),lower,map(/etc/hosts.map)]"
                ),
                (1, "use_backend", "\"${BACKEND}\""),
                (1, "default_backend", "web"),
                (2, "default_backend", "web"),
            ]
        );
        let dynamic: Vec<bool> = cfg
            .backend_references()
            .iter()
            .map(|(_, _, w)| is_dynamic_name(&w.text))
            .collect();
        assert_eq!(dynamic, vec![false, true, true, false, false]);

        let servers: Vec<String> = cfg.servers(3).map(Directive::name).collect();
        assert_eq!(servers, vec!["server-template", "server"]);
        assert_eq!(cfg.servers(2).count(), 1);
        assert_eq!(cfg.servers(1).count(), 0);
        assert_eq!(cfg.servers(100).count(), 0);
    }

    #[test]
    fn too_many_words_is_an_issue() {
        let ok = format!("global\n  {}\n", vec!["w"; MAX_WORDS].join(" "));
        clean(&ok);
        let text = format!("global\n  {}\n", vec!["w"; MAX_WORDS + 2].join(" "));
        let cfg = parse(&text);
        assert_eq!(cfg.issues.len(), 1);
        assert_eq!(slice(&text, cfg.issues[0].span), "w w");
        assert_eq!(cfg.sections[0].directives[0].words.len(), MAX_WORDS + 2);
    }

    #[test]
    fn large_input_is_linear() {
        let mut text = String::from("global\n    maxconn 1000\ndefaults\n    mode http\n");
        for i in 0..10_000 {
            text.push_str(&format!(
                "backend b{i}\n    balance roundrobin\n    option httpchk GET /health\n    server s{i} 10.0.{}.{}:80 check # c\n\n",
                i / 256,
                i % 256
            ));
        }
        assert!(text.lines().count() >= 50_000);
        let started = std::time::Instant::now();
        let cfg = clean(&text);
        assert_eq!(cfg.sections.len(), 10_002);
        assert_eq!(
            cfg.effective(10_001, "mode").and_then(|d| d.arg(0)),
            Some("http")
        );
        assert!(started.elapsed().as_secs() < 20);

        let long = format!("global\n  x {}\n", "a\\ b ".repeat(200_000));
        let cfg = parse(&long);
        assert_eq!(cfg.sections[0].directives[0].words.len(), 200_001);
        let quoted = format!("global\n  x \"{}\n", "$".repeat(100_000));
        assert_eq!(parse(&quoted).issues.len(), 100_001);
    }

    fn check_spans(text: &str, cfg: &HaproxyConfig) {
        let ok = |span: Span| {
            span.start <= span.end
                && span.end <= text.len()
                && text.is_char_boundary(span.start)
                && text.is_char_boundary(span.end)
        };
        for issue in &cfg.issues {
            assert!(ok(issue.span), "{issue:?} in {text:?}");
        }
        for s in &cfg.sections {
            assert!(ok(s.header) && ok(s.span), "{s:?} in {text:?}");
            for w in s.name.iter().chain(&s.from).chain(&s.scope) {
                assert!(ok(w.span), "{w:?} in {text:?}");
            }
            for d in &s.directives {
                assert!(ok(d.span) && !d.words.is_empty(), "{d:?} in {text:?}");
                for w in &d.words {
                    assert!(
                        ok(w.span) && d.span.join(w.span) == d.span,
                        "{w:?} in {text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn random_mutations_never_panic() {
        let sample = "\
[scope]
global
    log \"${LOG_HOST}:514\" local0 # c
    maxconn 'x y' \\# a\\ b \\x41
defaults base from x
    option httplog
frontend fe from base
.if defined(X)
    bind :80 ssl crt /é/p.pem
.endif
    use_backend %[req.hdr(host)] if { path_beg /a }
backend be
    server s 10.0.0.1:80 \"${A-b}\" \"${C[*]}\"\r
";
        let alphabet: &[u8] = b" \t\r\n#\"'\\${}[]*-.xa0\xc3\xa9";
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..10_000 {
            let mut bytes = sample.as_bytes().to_vec();
            for _ in 0..1 + next() % 8 {
                let at = (next() % (bytes.len() as u64 + 1)) as usize;
                let b = alphabet[(next() % alphabet.len() as u64) as usize];
                match next() % 4 {
                    0 if at < bytes.len() => bytes[at] = b,
                    1 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    2 => bytes.insert(at, (next() % 256) as u8),
                    _ => bytes.insert(at, b),
                }
            }
            let text = String::from_utf8_lossy(&bytes);
            let cfg = parse(&text);
            check_spans(&text, &cfg);
            for i in 0..cfg.sections.len() {
                let _ = cfg.effective(i, "option httplog");
                let _ = cfg.servers(i).count();
                let _ = cfg.defaults_for(i);
            }
            let _ = cfg.backend_references();
        }
    }

    fn cfg_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let mut stack = vec![dir.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "cfg") {
                    out.push(path);
                }
            }
        }
    }

    /// Real-world configurations from the HAProxy Data Plane API tests, when the shared corpus is
    /// present next to the repository: all but one are valid HAProxy syntax, so none may yield
    /// issues. `haproxy_no_newline.cfg` puts a whole config on the `global` line, which
    /// `haproxy -c` rejects ("'global' cannot handle unexpected argument").
    #[test]
    fn dataplaneapi_corpus_parses_cleanly() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/corpus/haproxy-dataplaneapi");
        let mut files = Vec::new();
        cfg_files(&root, &mut files);
        files.sort();
        let mut failures = Vec::new();
        for path in &files {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let cfg = parse(&text);
            check_spans(&text, &cfg);
            if path.ends_with("haproxy_no_newline.cfg") {
                assert!(!cfg.issues.is_empty(), "{}", path.display());
                continue;
            }
            for issue in &cfg.issues {
                let line = text[..issue.span.start].matches('\n').count() + 1;
                failures.push(format!("{}:{line}: {}", path.display(), issue.message));
            }
        }
        assert!(
            failures.is_empty(),
            "corpus issues:\n{}",
            failures.join("\n")
        );
        if !files.is_empty() {
            eprintln!("parsed {} corpus files cleanly", files.len());
        }
    }
}
