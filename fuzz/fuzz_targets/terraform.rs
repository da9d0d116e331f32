#![no_main]
//! The Terraform model on arbitrary text: parsing must never panic, and every span it returns
//! must lie inside the input on character boundaries.

use libfuzzer_sys::fuzz_target;
use shipshape::model::terraform::{Attr, Block, Expr, ExprKind, parse};
use shipshape::parse::span::Span;

fn ok(text: &str, s: Span) -> bool {
    s.start <= s.end
        && s.end <= text.len()
        && text.is_char_boundary(s.start)
        && text.is_char_boundary(s.end)
}

fn check_expr(text: &str, e: &Expr) {
    assert!(ok(text, e.span));
    match &e.kind {
        ExprKind::Array(items) => items.iter().for_each(|i| check_expr(text, i)),
        ExprKind::Object(entries) => {
            for entry in entries {
                assert!(ok(text, entry.key_span));
                check_expr(text, &entry.value);
            }
        }
        _ => {}
    }
}

fn check_attr(text: &str, a: &Attr) {
    assert!(ok(text, a.span) && ok(text, a.key_span));
    check_expr(text, &a.value);
}

fn check_block(text: &str, b: &Block) {
    assert!(ok(text, b.span) && ok(text, b.ident_span) && ok(text, b.head_span()));
    assert!(b.labels.iter().all(|l| ok(text, l.span)));
    b.attrs.iter().for_each(|a| check_attr(text, a));
    b.blocks.iter().for_each(|inner| check_block(text, inner));
    let _ = b.prevents_destroy();
    let _ = b.value_at(&["settings", "backup_configuration"], "enabled");
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse(text, 0) {
        Ok((blocks, attrs)) => {
            blocks.iter().for_each(|b| check_block(text, b));
            attrs.iter().for_each(|a| check_attr(text, a));
        }
        Err(failure) => assert!(failure.offset <= text.len()),
    }
});
