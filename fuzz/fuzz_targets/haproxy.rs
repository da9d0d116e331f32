#![no_main]
//! The HAProxy parser on arbitrary text: it must never panic, and every span it returns must
//! lie inside the input on character boundaries.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let config = shipshape::parse::haproxy::parse(text);
    let ok = |s: shipshape::parse::span::Span| {
        s.start <= s.end
            && s.end <= text.len()
            && text.is_char_boundary(s.start)
            && text.is_char_boundary(s.end)
    };
    for section in &config.sections {
        assert!(ok(section.header) && ok(section.span));
        for d in &section.directives {
            assert!(ok(d.span));
            assert!(d.words.iter().all(|w| ok(w.span)));
        }
    }
    assert!(config.issues.iter().all(|i| ok(i.span)));
    for i in 0..config.sections.len() {
        let _ = config.effective(i, "option httpchk");
        let _ = config.servers(i).count();
    }
    let _ = config.backend_references();
});
