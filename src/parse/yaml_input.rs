//! saphyr's own string input with a smaller look-ahead window.
//!
//! saphyr starts every plain scalar in a 32-byte `String` and then reserves room for one more
//! look-ahead window, which `StrInput` declares as 128 characters: every key and every plain
//! value of a file paid for a reallocation (about 5% of a whole corpus audit's instructions).
//! A 24-character window keeps the first reservation inside those 32 bytes; longer scalars grow
//! as any `String` does. The window only sets how often the scanner asks for more look-ahead,
//! which a string input, holding all its text already, answers for free.
//!
//! Every other method forwards to `StrInput`, whose string-specific versions are faster than the
//! trait's defaults; among them the runs that the vendored saphyr takes at once (the ASCII of a
//! plain scalar, the rest of a block scalar's line: `vendor/README.md`).

use saphyr_parser::StrInput;
use saphyr_parser::input::{Input, SkipTabs};

/// Large enough for the scanner's longest fixed look-ahead (4 characters), and for block scalar
/// indentation checks up to 22 columns before they take saphyr's slower looping path.
const WINDOW: usize = 24;

#[derive(Clone, Copy)]
pub struct SmallWindowInput<'a>(StrInput<'a>);

impl<'a> SmallWindowInput<'a> {
    pub fn new(text: &'a str) -> Self {
        SmallWindowInput(StrInput::new(text))
    }
}

impl Input for SmallWindowInput<'_> {
    #[inline]
    fn lookahead(&mut self, count: usize) {
        self.0.lookahead(count);
    }
    #[inline]
    fn buflen(&self) -> usize {
        self.0.buflen()
    }
    #[inline]
    fn bufmaxlen(&self) -> usize {
        WINDOW
    }
    #[inline]
    fn buf_is_empty(&self) -> bool {
        self.0.buf_is_empty()
    }
    #[inline]
    fn raw_read_ch(&mut self) -> char {
        self.0.raw_read_ch()
    }
    #[inline]
    fn raw_read_non_breakz_ch(&mut self) -> Option<char> {
        self.0.raw_read_non_breakz_ch()
    }
    #[inline]
    fn skip(&mut self) {
        self.0.skip();
    }
    #[inline]
    fn skip_n(&mut self, count: usize) {
        self.0.skip_n(count);
    }
    #[inline]
    fn peek(&self) -> char {
        self.0.peek()
    }
    #[inline]
    fn peek_nth(&self, n: usize) -> char {
        self.0.peek_nth(n)
    }
    #[inline]
    fn peek_opt(&self) -> Option<char> {
        self.0.peek_opt()
    }
    #[inline]
    fn look_ch(&mut self) -> char {
        self.0.look_ch()
    }
    #[inline]
    fn next_char_is(&self, c: char) -> bool {
        self.0.next_char_is(c)
    }
    #[inline]
    fn nth_char_is(&self, n: usize, c: char) -> bool {
        self.0.nth_char_is(n, c)
    }
    #[inline]
    fn next_2_are(&self, c1: char, c2: char) -> bool {
        self.0.next_2_are(c1, c2)
    }
    #[inline]
    fn next_3_are(&self, c1: char, c2: char, c3: char) -> bool {
        self.0.next_3_are(c1, c2, c3)
    }
    #[inline]
    fn next_is_document_indicator(&self) -> bool {
        self.0.next_is_document_indicator()
    }
    #[inline]
    fn next_is_document_start(&self) -> bool {
        self.0.next_is_document_start()
    }
    #[inline]
    fn next_is_document_end(&self) -> bool {
        self.0.next_is_document_end()
    }
    #[inline]
    fn skip_ws_to_eol(&mut self, skip_tabs: SkipTabs) -> (usize, Result<SkipTabs, &'static str>) {
        self.0.skip_ws_to_eol(skip_tabs)
    }
    #[inline]
    fn next_can_be_plain_scalar(&self, in_flow: bool) -> bool {
        self.0.next_can_be_plain_scalar(in_flow)
    }
    #[inline]
    fn next_is_blank_or_break(&self) -> bool {
        self.0.next_is_blank_or_break()
    }
    #[inline]
    fn next_is_blank_or_breakz(&self) -> bool {
        self.0.next_is_blank_or_breakz()
    }
    #[inline]
    fn next_is_blank(&self) -> bool {
        self.0.next_is_blank()
    }
    #[inline]
    fn next_is_break(&self) -> bool {
        self.0.next_is_break()
    }
    #[inline]
    fn next_is_breakz(&self) -> bool {
        self.0.next_is_breakz()
    }
    #[inline]
    fn next_is_z(&self) -> bool {
        self.0.next_is_z()
    }
    #[inline]
    fn next_is_flow(&self) -> bool {
        self.0.next_is_flow()
    }
    #[inline]
    fn next_is_digit(&self) -> bool {
        self.0.next_is_digit()
    }
    #[inline]
    fn next_is_alpha(&self) -> bool {
        self.0.next_is_alpha()
    }
    #[inline]
    fn skip_while_non_breakz(&mut self) -> usize {
        self.0.skip_while_non_breakz()
    }
    #[inline]
    fn skip_while_blank(&mut self) -> usize {
        self.0.skip_while_blank()
    }
    #[inline]
    fn fetch_while_is_alpha(&mut self, out: &mut String) -> usize {
        self.0.fetch_while_is_alpha(out)
    }
    #[inline]
    fn fetch_plain_scalar_ascii_run(&mut self, in_flow: bool, out: &mut String) -> usize {
        self.0.fetch_plain_scalar_ascii_run(in_flow, out)
    }
    #[inline]
    fn skip_space_run(&mut self, max: usize) -> usize {
        self.0.skip_space_run(max)
    }
    #[inline]
    fn fetch_line_content_run(&mut self, out: &mut String) -> usize {
        self.0.fetch_line_content_run(out)
    }
    #[inline]
    fn fetch_while_is_yaml_non_space(&mut self, out: &mut String) -> usize {
        self.0.fetch_while_is_yaml_non_space(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use saphyr_parser::{BufferedInput, Parser};

    fn events<T: Input>(mut parser: Parser<'_, T>) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(event) = parser.next_event() {
            let failed = event.is_err();
            out.push(format!("{event:?}"));
            if failed {
                break;
            }
        }
        out
    }

    /// The window is an allocation hint only, and the runs taken at once are a shortcut only:
    /// events, spans and errors must match saphyr's own inputs, by string and one character at
    /// a time, on text that crosses them (long scalars, folded lines, deep block scalars, flow
    /// indicators, colons, multibyte text, byte order marks, errors).
    #[test]
    fn events_match_saphyrs_string_input() {
        let long = "x".repeat(300);
        let deep = " ".repeat(40);
        let samples = [
            format!("key: {long}\nnext: {long} {long}\n"),
            format!("a:\n  b: plain text that\n    folds over\n    three lines\n  c: {long}\n"),
            format!("{deep}k: |\n{deep}  block at column forty\n{deep}  {long}\n{deep}j: 1\n"),
            format!("a:\n{deep}- >-\n{deep}   folded\n\n{deep}   more\n"),
            format!("flow: {{a: [{long}, \"q{long}\", 'é{long}']}}\n---\nb: 2\n"),
            "a: [1, 2\nb: 3\n".to_string(),
            format!("k: v # comment\n{long}: {long}\n"),
            "url: http://a:b/c:d\nflow: [a:b, c:, d: e, {f:g}]\nk:\n".to_string(),
            format!("text: {long}é{long}:é\nb: |\n  line \u{FEFF} bom\n  é{long}\r\n"),
            "a: x\u{FEFF}y\nb: c\0d\n".to_string(),
            format!("- >\n  {long}\n  {long}:\n- k:{long}\n"),
            format!("a:\n{deep}b: x  \t  # c\n{deep}c: |\n{deep}   three\n\n{deep} one\n"),
            "a:\n  \t b: 1\nc: d\n\t\te\n".to_string(),
            format!("a: b\n  c\n{deep}\td\n"),
        ];
        for text in &samples {
            let ours = events(Parser::new(SmallWindowInput::new(text)));
            assert_eq!(ours, events(Parser::new_from_str(text)), "{text}");
            assert_eq!(
                ours,
                events(Parser::new(BufferedInput::new(text.chars()))),
                "{text}"
            );
        }
    }
}
