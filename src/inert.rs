//! Text from a scanned repository made safe to print: a file, a file name or a value may hold
//! control characters (an escape sequence that clears the screen, retitles the window or hides
//! text, a backspace, a carriage return that overwrites a line, an 8-bit C1 control), and no
//! report or error message may pass them on to whoever reads it in a terminal.

use std::sync::Arc;

/// `text` with its control characters, line feeds and tabs aside, written out as escapes
/// (`\u{1b}`). Texts without any come back as they are.
pub fn visible_controls(text: String) -> String {
    if !has_hidden_control(&text) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_hidden_control(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// [`visible_controls`] for a borrowed text, on one line: line feeds and tabs become spaces.
pub fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if text.bytes().any(|b| b < 0x20 || b == 0x7f || b == 0xc2)
        && text.chars().any(char::is_control)
    {
        visible_controls(text.replace(['\n', '\t'], " ")).into()
    } else {
        text.into()
    }
}

/// A file's text as snippets may show it: every control character but a tab, a line feed and
/// the carriage return of a CRLF becomes `?`, byte for byte, so that spans stay where they
/// are. A lone carriage return is one too: shown, it would overwrite the line. Most files
/// have none and are shared as they are.
pub fn source(text: &Arc<str>) -> Arc<str> {
    let bytes = text.as_bytes();
    if !may_hold_controls(bytes) && !has_lone_carriage_return(bytes) {
        return Arc::clone(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let shown = match c {
            '\t' | '\n' => true,
            '\r' => chars.peek() == Some(&'\n'),
            c => !c.is_control(),
        };
        if shown {
            out.push(c);
        } else {
            // As many `?` as the character has bytes.
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        }
    }
    if *out == **text {
        return Arc::clone(text);
    }
    out.into()
}

fn has_hidden_control(text: &str) -> bool {
    let suspect = |b: u8| (b < 0x20) & (b != b'\t') & (b != b'\n') | (b == 0x7f) | (b == 0xc2);
    any_byte(text.as_bytes(), suspect) && text.chars().any(is_hidden_control)
}

fn is_hidden_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

fn has_lone_carriage_return(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'))
}

/// Whether `bytes` may hold a control character other than a tab, a line feed or a carriage
/// return: a C0 control or DEL (single bytes), or the 0xC2 that starts a C1 control (U+0080 to
/// U+009F) and also many Latin-1 letters.
fn may_hold_controls(bytes: &[u8]) -> bool {
    any_byte(bytes, |b| {
        (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r') | (b == 0x7f) | (b == 0xc2)
    })
}

/// Whether `flag` holds for a byte of `bytes`, 32 bytes at a time without branches (the last
/// ones padded with a space), which the compiler turns into vector instructions: a byte-by-byte
/// scan of every file was 3% of a terminal report, and of every subject 1% of an audit.
fn any_byte(bytes: &[u8], flag: impl Fn(u8) -> bool) -> bool {
    let (chunks, rest) = bytes.as_chunks::<32>();
    let mut last = [b' '; 32];
    last[..rest.len()].copy_from_slice(rest);
    chunks
        .iter()
        .chain(std::iter::once(&last))
        .any(|chunk| chunk.iter().fold(false, |seen, &b| seen | flag(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_written_out() {
        let text = "a\u{1b}]0;title\u{7}b\rc\nd\te\u{9b}f\u{7f}".to_string();
        assert_eq!(
            visible_controls(text),
            "a\\u{1b}]0;title\\u{7}b\\u{d}c\nd\te\\u{9b}f\\u{7f}"
        );
        let latin = "café © ± \u{a0}".to_string();
        assert_eq!(visible_controls(latin.clone()), latin);
        assert_eq!(one_line("a\u{1b}]0;x\u{7}\nb"), "a\\u{1b}]0;x\\u{7} b");
        assert_eq!(one_line("plain/path.yaml"), "plain/path.yaml");
    }

    /// A file's controls become `?`, byte for byte: spans stay put and nothing reaches the
    /// terminal; a file without any is shared, not copied.
    #[test]
    fn sources_lose_their_control_characters_byte_for_byte() {
        let dirty: Arc<str> = "FROM a\u{1b}[2J\u{8}\u{9b}\tb\r\nRUN é ©\u{7f}\rX\n".into();
        let shown = source(&dirty);
        assert_eq!(&*shown, "FROM a?[2J???\tb\r\nRUN é ©??X\n");
        assert_eq!(shown.len(), dirty.len());
        for clean in ["FROM alpine:3.20\r\nUSER café\t1000\n", "a © b"] {
            let clean: Arc<str> = clean.into();
            assert!(Arc::ptr_eq(&source(&clean), &clean));
        }
    }
}
