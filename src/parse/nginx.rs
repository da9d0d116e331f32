//! nginx configuration parser: a linear, panic-free pass yielding the directive tree and spanned
//! issues. Tokens follow nginx's own reader (`ngx_conf_read_token`); `include` is not followed.

use super::span::Span;
pub use super::{ParseIssue, Word};

/// Blocks nested deeper than this are skipped, so the tree (and its recursive `Drop`) stays shallow.
const MAX_DEPTH: usize = 256;
/// An unterminated quote is cut at its line end this many times; later ones run to the end of the
/// file, so re-reading cannot make the pass quadratic (in practice at most one per quote kind).
const QUOTE_RESCUES: usize = 8;
/// Directives whose block holds Lua code (lua-nginx-module), skipped rather than parsed.
const LUA_BLOCK_SUFFIX: &str = "_by_lua_block";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub name: Word,
    pub args: Vec<Word>,
    /// `Some` for block directives (children in order), `None` for simple ones.
    pub block: Option<Vec<Directive>>,
    /// The block body was skipped unparsed (Lua).
    pub raw_body: bool,
    /// From the name to the `;` or the closing `}`.
    pub span: Span,
}

impl Directive {
    pub fn name(&self) -> &str {
        &self.name.text
    }

    pub fn arg(&self, i: usize) -> Option<&str> {
        self.args.get(i).map(|w| w.text.as_str())
    }

    /// Empty for simple directives.
    pub fn children(&self) -> &[Directive] {
        self.block.as_deref().unwrap_or(&[])
    }

    /// The first child with that name.
    pub fn child(&self, name: &str) -> Option<&Directive> {
        self.children().iter().find(|d| d.name() == name)
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Directive> {
        self.children().iter().filter(move |d| d.name() == name)
    }
}

#[derive(Debug, Clone, Default)]
pub struct NginxConfig {
    /// Top-level directives.
    pub directives: Vec<Directive>,
    pub issues: Vec<ParseIssue>,
}

impl NginxConfig {
    /// Every directive at any depth, depth-first in document order, with its ancestors' names
    /// (e.g. ["http", "server"] for a `listen` inside a server inside http). Iterative.
    pub fn walk(&self) -> Vec<(Vec<&str>, &Directive)> {
        let mut out = Vec::new();
        let mut path: Vec<&str> = Vec::new();
        let mut stack = vec![self.directives.iter()];
        while let Some(iter) = stack.last_mut() {
            match iter.next() {
                Some(d) => {
                    out.push((path.clone(), d));
                    if !d.children().is_empty() {
                        path.push(d.name());
                        stack.push(d.children().iter());
                    }
                }
                None => {
                    stack.pop();
                    path.pop();
                }
            }
        }
        out
    }

    /// All directives named `name` at any depth, in document order.
    pub fn find_all<'a>(&'a self, name: &'a str) -> Vec<&'a Directive> {
        let mut out = Vec::new();
        let mut stack = vec![self.directives.iter()];
        while let Some(iter) = stack.last_mut() {
            match iter.next() {
                Some(d) => {
                    if d.name() == name {
                        out.push(d);
                    }
                    stack.push(d.children().iter());
                }
                None => {
                    stack.pop();
                }
            }
        }
        out
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn to_string(buf: Vec<u8>) -> String {
    // Only whole ASCII characters are ever dropped or replaced, so this is always valid UTF-8.
    String::from_utf8(buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

enum Token {
    Word(Word),
    Semicolon(usize),
    Open(usize),
    Close(usize),
    Eof,
}

/// An open `{`: the directive's words, or `None` for a stray `{` (children then go to the parent).
struct Frame {
    head: Option<Vec<Word>>,
    /// From the directive name (or the stray `{`) to just past the `{`.
    open: Span,
    children: Vec<Directive>,
    /// Beyond `MAX_DEPTH`: children are dropped.
    discard: bool,
}

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    rescues: usize,
    /// Words of the directive being read.
    words: Vec<Word>,
    stack: Vec<Frame>,
    root: Vec<Directive>,
    /// End of the last token, where directives cut short by the end of the file end.
    last_end: usize,
    issues: Vec<ParseIssue>,
}

/// Common directives that never take a block: one followed by `{` lost its `;`, as nginx
/// reports. Unknown names are not judged (modules add block directives).
const SIMPLE_DIRECTIVES: &[&str] = &[
    "listen",
    "server_name",
    "root",
    "alias",
    "index",
    "proxy_pass",
    "fastcgi_pass",
    "grpc_pass",
    "uwsgi_pass",
    "return",
    "rewrite",
    "add_header",
    "include",
    "error_page",
    "access_log",
    "error_log",
    "ssl_certificate",
    "ssl_certificate_key",
    "ssl_protocols",
    "proxy_set_header",
    "try_files",
    "worker_processes",
    "worker_connections",
    "keepalive_timeout",
    "client_max_body_size",
    "gzip",
    "sendfile",
    "default_type",
    "expires",
    "allow",
    "deny",
];

pub fn parse(text: &str) -> NginxConfig {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: if text.starts_with('\u{feff}') { 3 } else { 0 },
        rescues: 0,
        words: Vec::new(),
        stack: Vec::new(),
        root: Vec::new(),
        last_end: 0,
        issues: Vec::new(),
    };
    loop {
        match p.token() {
            Token::Word(w) => {
                p.last_end = w.span.end;
                p.words.push(w);
            }
            Token::Semicolon(at) => p.semicolon(at),
            Token::Open(at) => p.open(at),
            Token::Close(at) => p.close(at),
            Token::Eof => break,
        }
    }
    p.eof();
    NginxConfig {
        directives: p.root,
        issues: p.issues,
    }
}

/// Lexing, after nginx's reader: `#` starts a comment only at a token start, quotes only count
/// there too, `;` and `{` end a word anywhere (`${` aside) and so does a `}` before a space.
impl Parser<'_> {
    fn issue(&mut self, message: String, span: Span) {
        self.issues.push(ParseIssue { message, span });
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    fn line_end(&self, from: usize) -> usize {
        let rest = self.bytes.get(from..).unwrap_or(&[]);
        rest.iter()
            .position(|&b| b == b'\n')
            .map_or(self.bytes.len(), |n| from + n)
    }

    fn token(&mut self) -> Token {
        while let Some(b) = self.byte(self.pos) {
            let at = self.pos;
            match b {
                _ if is_space(b) => self.pos += 1,
                b'#' => self.pos = self.line_end(at),
                b';' | b'{' | b'}' => {
                    self.pos += 1;
                    self.last_end = self.pos;
                    return match b {
                        b';' => Token::Semicolon(at),
                        b'{' => Token::Open(at),
                        _ => Token::Close(at),
                    };
                }
                b'"' | b'\'' => return Token::Word(self.quoted(b)),
                _ => return Token::Word(self.bare()),
            }
        }
        Token::Eof
    }

    /// At a backslash: nginx keeps the next byte in the word and unescapes a few pairs.
    fn escape(&mut self, buf: &mut Vec<u8>) {
        match self.byte(self.pos + 1) {
            Some(c @ (b'"' | b'\'' | b'\\')) => buf.push(c),
            Some(b't') => buf.push(b'\t'),
            Some(b'r') => buf.push(b'\r'),
            Some(b'n') => buf.push(b'\n'),
            Some(c) => buf.extend([b'\\', c]),
            None => {
                buf.push(b'\\');
                self.pos += 1;
                return;
            }
        }
        self.pos += 2;
    }

    fn bare(&mut self) -> Word {
        let start = self.pos;
        let mut buf = Vec::new();
        let mut in_braced_var = false;
        while let Some(b) = self.byte(self.pos) {
            if b == b'\\' {
                self.escape(&mut buf);
                continue;
            }
            if is_space(b) || b == b';' || b == b'{' {
                break;
            }
            if b == b'}' {
                // nginx itself keeps `}` inside a word (`a}b` is one word); it ends one only
                // where it can close a block, so `listen 80}` still recovers as a missing `;`.
                let next = self.byte(self.pos + 1);
                if !in_braced_var && next.is_none_or(|n| is_space(n) || n == b'}') {
                    break;
                }
                in_braced_var = false;
            } else if b == b'$' && self.byte(self.pos + 1) == Some(b'{') {
                buf.extend(b"${");
                self.pos += 2;
                in_braced_var = true;
                continue;
            }
            buf.push(b);
            self.pos += 1;
        }
        Word {
            text: to_string(buf),
            span: Span::new(start, self.pos),
        }
    }

    fn quoted(&mut self, quote: u8) -> Word {
        let start = self.pos;
        self.pos += 1;
        let mut buf = Vec::new();
        // Where to cut an unterminated string: the first line break and the text length there.
        let mut first_break = None;
        loop {
            let Some(b) = self.byte(self.pos) else {
                return self.unterminated(start, buf, first_break);
            };
            if b == b'\\' {
                self.escape(&mut buf);
                continue;
            }
            self.pos += 1;
            if b == quote {
                break;
            }
            if b == b'\n' && first_break.is_none() {
                first_break = Some((self.pos - 1, buf.len()));
            }
            buf.push(b);
        }
        // nginx wants a separator right after the closing quote (`)` ends `if (... "x")`).
        if let Some(b) = self.byte(self.pos)
            && !(is_space(b) || matches!(b, b';' | b'{' | b'}' | b')'))
        {
            let c = self.text.get(self.pos..).and_then(|s| s.chars().next());
            let len = c.map_or(1, char::len_utf8);
            let message = format!("unexpected `{}` after a quoted string", c.unwrap_or('?'));
            self.issue(message, Span::new(self.pos, self.pos + len));
        }
        Word {
            text: to_string(buf),
            span: Span::new(start, self.pos),
        }
    }

    /// Ends an unclosed quote at its line end (a bounded number of times) or at the end of file.
    fn unterminated(
        &mut self,
        start: usize,
        mut buf: Vec<u8>,
        first_break: Option<(usize, usize)>,
    ) -> Word {
        if let Some((mut end, mut len)) = first_break
            && self.rescues < QUOTE_RESCUES
        {
            self.rescues += 1;
            if end > start + 1 && self.byte(end - 1) == Some(b'\r') {
                end -= 1;
                len = len.saturating_sub(1);
            }
            buf.truncate(len);
            self.pos = end;
        }
        let span = Span::new(start, self.pos);
        self.issue("unterminated quoted string".to_string(), span);
        self.last_end = self.pos;
        Word {
            text: to_string(buf),
            span,
        }
    }

    /// Skips Lua code after `*_by_lua_block {` to the matching `}`, honouring Lua strings, long
    /// brackets and comments; returns the offset of that `}`.
    fn skip_lua(&mut self) -> Option<usize> {
        let mut depth = 1usize;
        while let Some(b) = self.byte(self.pos) {
            match b {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos += 1;
                        return Some(self.pos - 1);
                    }
                }
                b'"' | b'\'' => {
                    self.skip_lua_string(b);
                    continue;
                }
                b'[' => {
                    if let Some(level) = self.long_bracket(self.pos) {
                        self.skip_long_bracket(level);
                        continue;
                    }
                }
                b'-' if self.byte(self.pos + 1) == Some(b'-') => {
                    self.pos += 2;
                    match self.long_bracket(self.pos) {
                        Some(level) => self.skip_long_bracket(level),
                        None => self.pos = self.line_end(self.pos),
                    }
                    continue;
                }
                _ => {}
            }
            self.pos += 1;
        }
        self.pos = self.bytes.len();
        None
    }

    /// A short Lua string ends at its quote or, unterminated, at the line end.
    fn skip_lua_string(&mut self, quote: u8) {
        self.pos += 1;
        while let Some(b) = self.byte(self.pos) {
            match b {
                b'\\' => self.pos += 2,
                b'\n' => return,
                _ => {
                    self.pos += 1;
                    if b == quote {
                        return;
                    }
                }
            }
        }
        self.pos = self.pos.min(self.bytes.len());
    }

    /// The level of a Lua long bracket `[`, `=`*level, `[` opening at `at`.
    fn long_bracket(&self, at: usize) -> Option<usize> {
        if self.byte(at) != Some(b'[') {
            return None;
        }
        let mut i = at + 1;
        while self.byte(i) == Some(b'=') {
            i += 1;
        }
        (self.byte(i) == Some(b'[')).then_some(i - at - 1)
    }

    fn skip_long_bracket(&mut self, level: usize) {
        let from = self.pos + level + 2;
        let close = format!("]{}]", "=".repeat(level));
        self.pos = match self.text.get(from..).and_then(|rest| rest.find(&close)) {
            Some(n) => from + n + close.len(),
            None => self.bytes.len(),
        };
    }
}

/// Tree building with an explicit stack of open blocks.
impl Parser<'_> {
    fn discarding(&self) -> bool {
        self.stack.last().is_some_and(|f| f.discard)
    }

    fn push(&mut self, directive: Directive) {
        match self.stack.last_mut() {
            Some(frame) if frame.discard => {}
            Some(frame) => frame.children.push(directive),
            None => self.root.push(directive),
        }
    }

    fn directive(words: Vec<Word>, block: Option<Vec<Directive>>, end: usize) -> Option<Directive> {
        let mut words = words.into_iter();
        let name = words.next()?;
        let span = Span::new(name.span.start, end);
        Some(Directive {
            name,
            args: words.collect(),
            block,
            raw_body: false,
            span,
        })
    }

    /// Words read so far ended by something other than `;`: keep them as a simple directive.
    fn flush_unterminated(&mut self, message: &str) {
        let words = std::mem::take(&mut self.words);
        let (Some(first), Some(last)) = (words.first(), words.last()) else {
            return;
        };
        let span = first.span.join(last.span);
        self.issue(format!("{message} after `{}`", first.text), span);
        if let Some(d) = Self::directive(words, None, span.end) {
            self.push(d);
        }
    }

    fn semicolon(&mut self, at: usize) {
        let words = std::mem::take(&mut self.words);
        match Self::directive(words, None, at + 1) {
            Some(d) => self.push(d),
            None => self.issue("unexpected `;`".to_string(), Span::new(at, at + 1)),
        }
    }

    fn open(&mut self, at: usize) {
        let words = std::mem::take(&mut self.words);
        let start = words.first().map_or(at, |w| w.span.start);
        let open = Span::new(start, at + 1);
        let discarding = self.discarding();
        let Some(name) = words.first() else {
            self.issue("unexpected `{` without a directive name".to_string(), open);
            let frame = Frame {
                head: None,
                open,
                children: Vec::new(),
                discard: discarding,
            };
            self.stack.push(frame);
            return;
        };
        if name.text.ends_with(LUA_BLOCK_SUFFIX) {
            let close = self.skip_lua();
            let end = close.map_or(self.bytes.len(), |c| c + 1);
            self.last_end = end;
            if close.is_none() {
                let message = format!("unterminated Lua block `{}`: expecting `}}`", name.text);
                self.issue(message, open);
            }
            if let Some(mut d) = Self::directive(words, Some(Vec::new()), end) {
                d.raw_body = true;
                self.push(d);
            }
            return;
        }
        if SIMPLE_DIRECTIVES.contains(&name.text.as_str()) {
            // nginx: directive "listen" is not terminated by ";" (a `;` is missing before).
            let message = format!("directive `{}` is not terminated by `;`", name.text);
            self.issue(message, Span::new(start, at));
        }
        let too_deep = !discarding && self.stack.len() >= MAX_DEPTH;
        if too_deep {
            let message = format!("blocks nested deeper than {MAX_DEPTH} levels; contents skipped");
            self.issue(message, open);
        }
        self.stack.push(Frame {
            head: (!discarding).then_some(words),
            open,
            children: Vec::new(),
            discard: discarding || too_deep,
        });
    }

    fn close(&mut self, at: usize) {
        if !self.words.is_empty() {
            self.flush_unterminated("missing `;` before `}`");
        }
        let Some(frame) = self.stack.pop() else {
            let message = "unexpected `}` without an open block".to_string();
            self.issue(message, Span::new(at, at + 1));
            return;
        };
        self.finish(frame, at + 1);
    }

    fn finish(&mut self, frame: Frame, end: usize) {
        match frame.head {
            Some(words) => {
                if let Some(d) = Self::directive(words, Some(frame.children), end) {
                    self.push(d);
                }
            }
            // A stray `{`: its children belong to the enclosing block.
            None => {
                for child in frame.children {
                    self.push(child);
                }
            }
        }
    }

    fn eof(&mut self) {
        if !self.words.is_empty() {
            self.flush_unterminated("unexpected end of file: missing `;`");
        }
        while let Some(frame) = self.stack.pop() {
            let message = match frame.head.as_ref().and_then(|w| w.first()) {
                Some(name) => format!(
                    "unexpected end of file: block `{}` is not closed",
                    name.text
                ),
                None => "unexpected end of file: `{` is not closed".to_string(),
            };
            self.issue(message, frame.open);
            let end = self.last_end.max(frame.open.end);
            self.finish(frame, end);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    fn clean(text: &str) -> NginxConfig {
        let cfg = parse(text);
        assert!(cfg.issues.is_empty(), "{:?}", cfg.issues);
        cfg
    }

    fn args(d: &Directive) -> Vec<&str> {
        d.args.iter().map(|w| w.text.as_str()).collect()
    }

    fn messages(cfg: &NginxConfig) -> Vec<&str> {
        cfg.issues.iter().map(|i| i.message.as_str()).collect()
    }

    #[test]
    fn simple_and_block_directives() {
        let text =
            "user nginx;\nworker_processes  auto;\nevents {\n    worker_connections 1024;\n}\n";
        let cfg = clean(text);
        let d = &cfg.directives;
        assert_eq!(d.len(), 3);
        assert_eq!(
            (d[0].name(), d[0].arg(0), d[0].arg(1)),
            ("user", Some("nginx"), None)
        );
        assert!(d[0].block.is_none() && d[0].children().is_empty());
        assert_eq!(slice(text, d[1].span), "worker_processes  auto;");
        assert_eq!(slice(text, d[1].args[0].span), "auto");
        let events = &d[2];
        assert_eq!(events.children().len(), 1);
        assert_eq!(
            events.child("worker_connections").unwrap().arg(0),
            Some("1024")
        );
        assert_eq!(
            slice(text, events.span),
            "events {\n    worker_connections 1024;\n}"
        );
        assert!(!events.raw_body);
        let empty = clean("http {}\nhttp { }");
        assert_eq!(empty.directives[0].block, Some(Vec::new()));
        assert!(clean("").directives.is_empty());
        assert!(clean("  # only a comment\n\n").directives.is_empty());
    }

    #[test]
    fn nested_blocks_walk_and_lookups() {
        let text = r#"
http {
    upstream backend {
        server 10.0.0.1:8080 weight=5;
        server 10.0.0.2:8080 backup;
    }
    server {
        listen 80;
        server_name example.com www.example.com;
        location / {
            proxy_pass http://backend;
        }
        location /static/ {
            root /var/www;
        }
    }
    server { listen 443 ssl; }
}
"#;
        let cfg = clean(text);
        let http = &cfg.directives[0];
        let upstream = http.child("upstream").unwrap();
        assert_eq!(upstream.arg(0), Some("backend"));
        let servers: Vec<_> = upstream.children_named("server").map(|s| args(s)).collect();
        assert_eq!(
            servers,
            [
                vec!["10.0.0.1:8080", "weight=5"],
                vec!["10.0.0.2:8080", "backup"]
            ]
        );
        assert_eq!(http.children_named("server").count(), 2);
        let server = http.child("server").unwrap();
        assert_eq!(
            args(server.child("server_name").unwrap()),
            ["example.com", "www.example.com"]
        );
        assert_eq!(server.children_named("location").count(), 2);
        assert!(http.child("nope").is_none());

        let walked: Vec<(String, &str)> = cfg
            .walk()
            .into_iter()
            .map(|(path, d)| (path.join("/"), d.name()))
            .collect();
        let expected = [
            ("", "http"),
            ("http", "upstream"),
            ("http/upstream", "server"),
            ("http/upstream", "server"),
            ("http", "server"),
            ("http/server", "listen"),
            ("http/server", "server_name"),
            ("http/server", "location"),
            ("http/server/location", "proxy_pass"),
            ("http/server", "location"),
            ("http/server/location", "root"),
            ("http", "server"),
            ("http/server", "listen"),
        ];
        let expected: Vec<(String, &str)> =
            expected.iter().map(|(p, n)| (p.to_string(), *n)).collect();
        assert_eq!(walked, expected);
        let listens: Vec<_> = cfg.find_all("listen").iter().map(|d| args(d)).collect();
        assert_eq!(listens, [vec!["80"], vec!["443", "ssl"]]);
        assert_eq!(cfg.find_all("server").len(), 4);
        assert!(cfg.find_all("missing").is_empty());
    }

    #[test]
    fn quotes_and_escapes_keep_source_spans() {
        let text = r#"add_header X-A "a b; {c}" always;
log_format main '$remote_addr "$request"' "x\"y" 'it\'s' "t\tn\nr\r\\ \d";
set $v a\ b\;c;
"#;
        let cfg = clean(text);
        let d = &cfg.directives;
        assert_eq!(args(&d[0]), ["X-A", "a b; {c}", "always"]);
        assert_eq!(slice(text, d[0].args[1].span), r#""a b; {c}""#);
        assert_eq!(
            args(&d[1]),
            [
                "main",
                "$remote_addr \"$request\"",
                "x\"y",
                "it's",
                "t\tn\nr\r\\ \\d"
            ]
        );
        assert_eq!(slice(text, d[1].args[3].span), r"'it\'s'");
        assert_eq!(slice(text, d[1].args[4].span), r#""t\tn\nr\r\\ \d""#);
        assert_eq!(args(&d[2]), ["$v", "a\\ b\\;c"]);
        assert_eq!(slice(text, d[2].args[1].span), r"a\ b\;c");
        // A quote inside a word is an ordinary character, as in nginx.
        let cfg = clean("a b\"c d\"e;\nmulti \"line\none\";\n");
        assert_eq!(args(&cfg.directives[0]), ["b\"c", "d\"e"]);
        assert_eq!(cfg.directives[1].arg(0), Some("line\none"));
        // `)` may follow a closing quote directly: `if ($a = "x")`.
        let cfg = clean("if ($http_x = \"y\") { return 403; }");
        assert_eq!(args(&cfg.directives[0]), ["($http_x", "=", "y", ")"]);
        let cfg = clean("\"quoted\" name;");
        assert_eq!(cfg.directives[0].name(), "quoted");
    }

    #[test]
    fn hash_starts_a_comment_only_at_a_token_start() {
        let text = "# top\nadd_header a#b c#d; # trailing\nreturn 200 \"#not\";#x\n  #indented { ; }\nlisten 80;\nx\n# between args\ny;";
        let cfg = clean(text);
        let d = &cfg.directives;
        assert_eq!(d.len(), 4);
        assert_eq!(args(&d[0]), ["a#b", "c#d"]);
        assert_eq!(d[1].arg(1), Some("#not"));
        assert_eq!(d[2].name(), "listen");
        assert_eq!((d[3].name(), args(&d[3])), ("x", vec!["y"]));
    }

    #[test]
    fn delimiters_need_no_spaces() {
        let text = "server{location /{return 200;}location=/x{root /y;}}";
        let cfg = clean(text);
        let server = &cfg.directives[0];
        let locs: Vec<_> = server.children().iter().map(|d| args(d)).collect();
        assert_eq!(locs, [vec!["/"], vec![]]);
        assert_eq!(server.children()[1].name(), "location=/x");
        assert_eq!(
            server.children()[0].child("return").unwrap().arg(0),
            Some("200")
        );
        assert_eq!(
            slice(text, server.children()[0].span),
            "location /{return 200;}"
        );
        assert_eq!(server.span, Span::new(0, text.len()));
        // Like nginx, a `}` that cannot close a block stays in the word.
        let cfg = clean("add_header X a}b;\nreturn 200 x};\nb{c}{}}");
        assert_eq!(args(&cfg.directives[0]), ["X", "a}b"]);
        assert_eq!(args(&cfg.directives[1]), ["200", "x}"]);
        let b = &cfg.directives[2];
        assert_eq!(
            (b.children()[0].name(), b.children()[0].block.is_some()),
            ("c}", true)
        );
    }

    #[test]
    fn regex_arguments() {
        let text = r#"location ~ ^/(a|b)\.php$ {
    rewrite ^(.*)$ /x?$1 break;
}
location ~* "^/img/\d{2,4}/.+\.(png|jpe?g)$" { return 204; }
map $uri $m { ~^/(?<x>[a-z]+)/ $x; "~^/n{3}" 1; default 0; }
"#;
        let cfg = clean(text);
        let d = &cfg.directives;
        assert_eq!(args(&d[0]), ["~", r"^/(a|b)\.php$"]);
        assert_eq!(
            args(d[0].child("rewrite").unwrap()),
            ["^(.*)$", "/x?$1", "break"]
        );
        assert_eq!(d[1].arg(1), Some(r"^/img/\d{2,4}/.+\.(png|jpe?g)$"));
        let map = d[2].children();
        assert_eq!(map[0].name(), "~^/(?<x>[a-z]+)/");
        assert_eq!(map[1].name(), "~^/n{3}");
        assert_eq!(map.len(), 3);
    }

    #[test]
    fn braced_variables_stay_in_words() {
        let text = "set $full ${scheme}://${host}${request_uri};\nmy_block 301 https://${host}{\n}\nadd_header X \"${a}\";";
        let cfg = clean(text);
        let d = &cfg.directives;
        assert_eq!(args(&d[0]), ["$full", "${scheme}://${host}${request_uri}"]);
        assert_eq!(
            slice(text, d[0].args[1].span),
            "${scheme}://${host}${request_uri}"
        );
        // After `}` closes the variable, `{` opens a block again.
        assert_eq!(args(&d[1]), ["301", "https://${host}"]);
        assert_eq!(d[1].block, Some(Vec::new()));
        assert_eq!(d[2].arg(1), Some("${a}"));
    }

    #[test]
    fn lua_blocks_are_skipped() {
        let text = r#"location /lua {
    content_by_lua_block {
        local t = { a = "}", b = '{', c = "\"}" }
        -- a comment with } and {
        --[[ long comment }}} ]]
        local s = [==[ ]] } ]=] ]==]
        if x then ngx.say("{") end
    }
    set_by_lua_block $res { return ngx.var.a .. "}" }
    access_by_lua_block{ngx.exit(403)}
    return 200;
}
"#;
        let cfg = clean(text);
        let loc = &cfg.directives[0];
        let names: Vec<_> = loc.children().iter().map(Directive::name).collect();
        assert_eq!(
            names,
            [
                "content_by_lua_block",
                "set_by_lua_block",
                "access_by_lua_block",
                "return"
            ]
        );
        let lua = &loc.children()[0];
        assert!(lua.raw_body && lua.block == Some(Vec::new()));
        assert!(slice(text, lua.span).starts_with("content_by_lua_block {"));
        assert!(slice(text, lua.span).ends_with("end\n    }"));
        assert_eq!(loc.children()[1].arg(0), Some("$res"));
        assert_eq!(
            slice(text, loc.children()[2].span),
            "access_by_lua_block{ngx.exit(403)}"
        );
        assert!(!loc.children()[3].raw_body);

        let cfg = parse("init_by_lua_block { local s = 'never closed }\n x = 1 \nhttp { }");
        assert_eq!(
            messages(&cfg),
            ["unterminated Lua block `init_by_lua_block`: expecting `}`"]
        );
        assert_eq!(cfg.issues[0].span, Span::new(0, 19));
        assert!(cfg.directives[0].raw_body);
    }

    #[test]
    fn unexpected_close_brace_is_skipped() {
        let text = "a 1;\n}\nb 2;\nhttp { c 3; } }\nd 4;";
        let cfg = parse(text);
        assert_eq!(messages(&cfg), ["unexpected `}` without an open block"; 2]);
        assert_eq!(cfg.issues[0].span, Span::new(5, 6));
        assert_eq!(slice(text, cfg.issues[1].span), "}");
        assert_eq!(cfg.issues[1].span.start, text.rfind('}').unwrap());
        let names: Vec<_> = cfg.directives.iter().map(Directive::name).collect();
        assert_eq!(names, ["a", "b", "http", "d"]);
    }

    #[test]
    fn unterminated_quote_is_cut_at_its_line() {
        let text = "server {\n  add_header X \"oops;\n  listen 80;\n}\n";
        let cfg = parse(text);
        assert_eq!(messages(&cfg)[0], "unterminated quoted string");
        assert_eq!(slice(text, cfg.issues[0].span), "\"oops;");
        let server = &cfg.directives[0];
        // The cut word lacks its `;`, so it swallows the next line like nginx would.
        let header = server.child("add_header").unwrap();
        assert_eq!(args(header), ["X", "oops;", "listen", "80"]);
        assert_eq!(cfg.issues.len(), 1, "{:?}", cfg.issues);
        // Without a line break it runs to the end of the file.
        let text = "a 'x";
        let cfg = parse(text);
        assert_eq!(slice(text, cfg.issues[0].span), "'x");
        assert_eq!(cfg.directives[0].arg(0), Some("x"));
        assert_eq!(
            messages(&cfg)[1],
            "unexpected end of file: missing `;` after `a`"
        );
        // CRLF: the cut excludes the `\r`.
        let cfg = parse("a \"x\r\nb;");
        assert_eq!(cfg.directives[0].arg(0), Some("x"));
        assert_eq!(cfg.issues[0].span, Span::new(2, 4));
    }

    #[test]
    fn missing_semicolon_before_close_or_eof() {
        let text = "server {\n  listen 80\n}\nworker_processes 2";
        let cfg = parse(text);
        assert_eq!(
            messages(&cfg),
            [
                "missing `;` before `}` after `listen`",
                "unexpected end of file: missing `;` after `worker_processes`"
            ]
        );
        assert_eq!(slice(text, cfg.issues[0].span), "listen 80");
        assert_eq!(slice(text, cfg.issues[1].span), "worker_processes 2");
        let server = &cfg.directives[0];
        assert_eq!(server.child("listen").unwrap().arg(0), Some("80"));
        assert_eq!(
            slice(text, server.child("listen").unwrap().span),
            "listen 80"
        );
        assert_eq!(slice(text, server.span), "server {\n  listen 80\n}");
        assert_eq!(cfg.directives[1].arg(0), Some("2"));
        // `}` ends a word, so `80}` needs no space either.
        let cfg = parse("server { listen 80}");
        assert_eq!(messages(&cfg), ["missing `;` before `}` after `listen`"]);
        assert_eq!(
            cfg.directives[0].child("listen").unwrap().arg(0),
            Some("80")
        );
    }

    #[test]
    fn unclosed_blocks_are_closed_at_eof() {
        let text = "http {\n  server {\n    listen 80;\n";
        let cfg = parse(text);
        assert_eq!(
            messages(&cfg),
            [
                "unexpected end of file: block `server` is not closed",
                "unexpected end of file: block `http` is not closed"
            ]
        );
        assert_eq!(slice(text, cfg.issues[0].span), "server {");
        assert_eq!(slice(text, cfg.issues[1].span), "http {");
        let http = &cfg.directives[0];
        assert_eq!(slice(text, http.span), "http {\n  server {\n    listen 80;");
        let listen = cfg.find_all("listen");
        assert_eq!(listen[0].arg(0), Some("80"));
        assert_eq!(cfg.walk()[2].0, ["http", "server"]);
    }

    #[test]
    fn stray_separators_and_junk_after_quotes() {
        let text = "a 1;;\n{ b 2; }\nc \"x\"y;\nd;";
        let cfg = parse(text);
        assert_eq!(
            messages(&cfg),
            [
                "unexpected `;`",
                "unexpected `{` without a directive name",
                "unexpected `y` after a quoted string"
            ]
        );
        assert_eq!(cfg.issues[0].span, Span::new(4, 5));
        assert_eq!(slice(text, cfg.issues[1].span), "{");
        assert_eq!(slice(text, cfg.issues[2].span), "y");
        let names: Vec<_> = cfg.directives.iter().map(Directive::name).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
        assert_eq!(args(&cfg.directives[2]), ["x", "y"]);
        let cfg = parse("x \"a\"é;");
        assert_eq!(messages(&cfg), ["unexpected `é` after a quoted string"]);
        assert_eq!(cfg.issues[0].span, Span::new(5, 7));
        let cfg = parse("{ a 1;");
        assert_eq!(cfg.directives[0].name(), "a");
        assert_eq!(
            messages(&cfg)[1],
            "unexpected end of file: `{` is not closed"
        );
    }

    #[test]
    fn nesting_is_capped() {
        let depth = 300;
        let text = format!(
            "{}leaf 1;{}after 2;",
            "b {".repeat(depth),
            "}".repeat(depth)
        );
        let cfg = parse(&text);
        assert_eq!(
            messages(&cfg),
            [format!(
                "blocks nested deeper than {MAX_DEPTH} levels; contents skipped"
            )]
        );
        assert_eq!(cfg.issues[0].span.start, 3 * MAX_DEPTH);
        let walked = cfg.walk();
        let deepest = walked.iter().map(|(path, _)| path.len()).max().unwrap();
        assert_eq!(deepest, MAX_DEPTH);
        assert!(cfg.find_all("leaf").is_empty());
        assert_eq!(cfg.directives.len(), 2);
        assert_eq!(cfg.directives[1].name(), "after");
        // Very deep input stays cheap and never recurses.
        let deep = format!("{}x;", "a{".repeat(100_000));
        let cfg = parse(&deep);
        assert_eq!(cfg.issues.len(), 1 + 100_000);
        assert_eq!(cfg.walk().len(), MAX_DEPTH + 1);
    }

    #[test]
    fn crlf_and_bom() {
        let text = "\u{feff}http {\r\n  server {\r\n    listen 80; # c\r\n    server_name \"a\r\nb\";\r\n  }\r\n}\r\n";
        let cfg = clean(text);
        let server = cfg.directives[0].child("server").unwrap();
        assert_eq!(cfg.directives[0].name(), "http");
        assert_eq!(server.child("listen").unwrap().arg(0), Some("80"));
        assert_eq!(server.child("server_name").unwrap().arg(0), Some("a\r\nb"));
        assert_eq!(
            slice(text, server.span),
            "server {\r\n    listen 80; # c\r\n    server_name \"a\r\nb\";\r\n  }"
        );
    }

    #[test]
    fn fifty_thousand_directives() {
        let mut text = String::from("http {\n");
        for i in 0..10_000 {
            text.push_str(&format!(
                "  server {{ listen {i}; server_name s{i}.example.com; location / {{ return 200; }} }}\n"
            ));
        }
        text.push_str("}\n");
        let started = std::time::Instant::now();
        let cfg = clean(&text);
        assert_eq!(cfg.walk().len(), 50_001);
        assert_eq!(cfg.find_all("listen")[9_999].arg(0), Some("9999"));
        assert!(started.elapsed().as_secs() < 10);
        let long = format!("a {};", "x".repeat(1_000_000));
        assert_eq!(clean(&long).directives[0].args[0].text.len(), 1_000_000);
        // Quotes everywhere stay linear.
        let quotes = format!("a \"\nb '\n{}", "c \\\" \\' d\n".repeat(100_000));
        let cfg = parse(&quotes);
        assert_eq!(cfg.issues.len(), 3, "{:?}", cfg.issues);
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

    fn assert_well_formed(text: &str) -> NginxConfig {
        let cfg = parse(text);
        for issue in &cfg.issues {
            assert_span(text, issue.span);
        }
        for (_, d) in cfg.walk() {
            assert_span(text, d.span);
            assert_span(text, d.name.span);
            assert!(d.name.span.start == d.span.start && d.name.span.end <= d.span.end);
            for w in &d.args {
                assert_span(text, w.span);
                assert!(w.span.start >= d.span.start && w.span.end <= d.span.end);
            }
            assert!(!d.raw_body || d.block == Some(Vec::new()));
        }
        cfg
    }

    #[test]
    fn mutations_never_panic_and_spans_stay_valid() {
        const SEED: &str = "user www;\nhttp {\n  # c\n  map $a $b { default 0; \"~x{2}\" 1; }\n  server {\n    listen 80;\n    add_header X \"a \\\" b\" always;\n    location ~ ^/(a|b)\\.php$ { rewrite ^(.*)$ /x?$1 break; }\n    location /{ return 301 https://${host}; }\n    content_by_lua_block { local s = \"}\" -- }\n [[ { ]] }\n  }\n}\n";
        // `|`-separated so the list stays compact; none of the snippets contains a `|`.
        const SNIPPETS: &str = "{|}|;|\"|'|\\|#|$|${|\n|\r\n| |é|日本|🦀|--|[[|]]|[=[|_by_lua_block {|location / {|\u{feff}|\0|)|x";
        let snippets: Vec<&str> = SNIPPETS.split('|').collect();
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut rand = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n.max(1) as u64) as usize
        };
        let mut text = SEED.to_string();
        for round in 0..10_000 {
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

    /// Parses the shared real-world corpus when present and prints what it reports.
    #[test]
    fn corpus_files_parse() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        if !root.is_dir() {
            return;
        }
        let mut files = 0;
        let walker = ignore::WalkBuilder::new(&root)
            .standard_filters(false)
            .build();
        for entry in walker.flatten() {
            let name = entry.file_name().to_string_lossy();
            let is_nginx = name.ends_with(".conf") || name.starts_with("nginx.conf");
            if !is_nginx || !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            files += 1;
            let cfg = assert_well_formed(&text);
            let lines = crate::parse::span::LineIndex::new(&text);
            for issue in &cfg.issues {
                let at = lines.position(&text, issue.span.start);
                let path = entry.path().strip_prefix(&root).unwrap_or(entry.path());
                println!(
                    "{}:{}:{}: {}",
                    path.display(),
                    at.line,
                    at.column,
                    issue.message
                );
            }
        }
        println!("{files} nginx files parsed");
    }
}
