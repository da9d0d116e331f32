#![no_main]
//! The Dockerfile parser on arbitrary text: no panic, instruction spans inside the input.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let df = shipshape::parse::dockerfile::parse(text);
    for i in &df.instructions {
        assert!(i.span.end <= text.len() && text.is_char_boundary(i.span.start));
    }
    let _ = df.stages();
});
