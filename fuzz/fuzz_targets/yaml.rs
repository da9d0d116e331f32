#![no_main]
//! The YAML layer on arbitrary text: no panic and bounded work (aliases, depth), spans inside
//! the input.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match shipshape::parse::yaml::parse(text) {
        Ok(stream) => {
            for doc in &stream.documents {
                assert!(doc.span.end <= text.len());
            }
        }
        Err(e) => assert!(e.offset <= text.len()),
    }
});
