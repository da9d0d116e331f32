#![no_main]
//! The nginx parser on arbitrary text: no panic, spans inside the input on character boundaries.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let config = shipshape::parse::nginx::parse(text);
    let ok = |s: shipshape::parse::span::Span| {
        s.start <= s.end
            && s.end <= text.len()
            && text.is_char_boundary(s.start)
            && text.is_char_boundary(s.end)
    };
    for (_, d) in config.walk() {
        assert!(ok(d.span) && ok(d.name.span));
        assert!(d.args.iter().all(|w| ok(w.span)));
    }
    assert!(config.issues.iter().all(|i| ok(i.span)));
});
