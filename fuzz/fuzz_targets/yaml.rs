#![no_main]
//! The YAML layer on arbitrary text: no panic and bounded work (aliases, depth); document,
//! node and duplicate-key spans inside the input, error offsets too.

use libfuzzer_sys::fuzz_target;
use shipshape::parse::span::Span;
use shipshape::parse::yaml::{Node, Value};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ok = |s: Span| s.start <= s.end && s.end <= text.len();
    match shipshape::parse::yaml::parse(text) {
        Ok(stream) => {
            // Iterative: the depth limit is what is under test, not the fuzzer's stack.
            let mut stack: Vec<&Node> = stream.documents.iter().collect();
            while let Some(node) = stack.pop() {
                assert!(
                    ok(node.span),
                    "node span {:?} outside {} bytes",
                    node.span,
                    text.len()
                );
                match &node.value {
                    Value::Scalar(_) => {}
                    Value::Seq(items) => stack.extend(items),
                    Value::Map(entries) => {
                        for e in entries {
                            stack.push(&e.key);
                            stack.push(&e.value);
                        }
                    }
                }
            }
            for d in &stream.duplicate_keys {
                assert!(ok(d.span) && ok(d.first));
            }
        }
        Err(e) => assert!(e.offset <= text.len()),
    }
});
