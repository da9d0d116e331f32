//! TLS binds (and the global bind defaults) that accept SSLv3/TLS 1.0/1.1 or weak ciphers.

use super::common::{bind_is_ssl, binds, display, is_unknown, subject, units};
use crate::model::Project;
use crate::parse::haproxy::{SectionKind, Word};
use crate::parse::span::Span;
use crate::rules::{Cx, Rule};

pub struct HaproxyWeakTls;

impl Rule for HaproxyWeakTls {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for unit in units(project) {
            for section in &unit.config.sections {
                match section.kind {
                    SectionKind::Global => {
                        let path = project.path(unit.file).to_string();
                        for d in &section.directives {
                            let weak = match d.keyword() {
                                "ssl-default-bind-options" => weak_options(d.args()),
                                "ssl-default-bind-ciphers" => weak_cipher_words(d.args()),
                                _ => continue,
                            };
                            cx.evaluate(path.clone());
                            if let Some((span, _)) = weak.first() {
                                let list = describe(&weak);
                                cx.report(
                                    path.clone(),
                                    unit.file,
                                    *span,
                                    format!("global `{}` allows {list}", d.keyword()),
                                );
                            }
                        }
                    }
                    SectionKind::Frontend | SectionKind::Listen => {
                        for bind in binds(section).filter(|b| bind_is_ssl(b)) {
                            let subject = subject(project, unit, section);
                            cx.evaluate(subject.clone());
                            let options = bind.args().get(1..).unwrap_or(&[]);
                            let mut weak = weak_options(options);
                            if let Some(i) = options.iter().position(|w| w.text == "ciphers") {
                                weak.extend(weak_cipher_words(
                                    options.get(i + 1..i + 2).unwrap_or(&[]),
                                ));
                            }
                            weak.sort_by_key(|(span, _)| span.start);
                            if let Some((span, _)) = weak.first() {
                                let list = describe(&weak);
                                cx.report(
                                    subject,
                                    unit.file,
                                    *span,
                                    format!(
                                        "bind `{}` of {} allows {list}",
                                        bind.arg(0).unwrap_or(""),
                                        display(section)
                                    ),
                                );
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

/// `TLSv1.0 only (`force-tlsv10`), RC4 and MD5 ciphers`.
fn describe(weak: &[(Span, String)]) -> String {
    let mut items: Vec<String> = Vec::new();
    let mut ciphers: Vec<&str> = Vec::new();
    for (_, text) in weak {
        if let Some(family) = text.strip_suffix(" ciphers") {
            if !ciphers.contains(&family) {
                ciphers.push(family);
            }
        } else if !items.contains(text) {
            items.push(text.clone());
        }
    }
    if let Some((last, rest)) = ciphers.split_last() {
        let list = if rest.is_empty() {
            last.to_string()
        } else {
            format!("{} and {last}", rest.join(", "))
        };
        items.push(format!("{list} ciphers"));
    }
    items.join(", ")
}

/// `ssl-min-ver`/`ssl-max-ver` values and `force-*` options that let old protocols in.
fn weak_options(words: &[Word]) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    for (i, word) in words.iter().enumerate() {
        match word.text.as_str() {
            "force-sslv3" | "force-tlsv10" | "force-tlsv11" => {
                let version = match word.text.as_str() {
                    "force-sslv3" => "SSLv3",
                    "force-tlsv10" => "TLSv1.0",
                    _ => "TLSv1.1",
                };
                out.push((word.span, format!("{version} only (`{}`)", word.text)));
            }
            "ssl-min-ver" | "ssl-max-ver" => {
                let Some(value) = words.get(i + 1) else {
                    continue;
                };
                if weak_version(&value.text) {
                    let role = if word.text == "ssl-min-ver" {
                        "as the minimum"
                    } else {
                        "as the maximum"
                    };
                    out.push((value.span, format!("deprecated {} {role}", value.text)));
                }
            }
            _ => {}
        }
    }
    out
}

fn weak_version(v: &str) -> bool {
    ["sslv3", "tlsv1.0", "tlsv1.1"]
        .iter()
        .any(|w| v.eq_ignore_ascii_case(w))
}

/// Weak cipher families an OpenSSL cipher list leaves enabled, located on its word.
fn weak_cipher_words(words: &[Word]) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    for word in words {
        if is_unknown(&word.text) {
            continue;
        }
        for family in weak_ciphers(&word.text) {
            out.push((word.span, format!("{family} ciphers")));
        }
    }
    out
}

/// OpenSSL cipher-list semantics, reduced to the weak families: an element adds the ciphers it
/// names, `-X` removes them for now, `!X` removes them for good (later additions included),
/// `+X` only reorders.
pub fn weak_ciphers(list: &str) -> Vec<&'static str> {
    let mut enabled: Vec<Vec<&'static str>> = Vec::new();
    let mut banned: Vec<&'static str> = Vec::new();
    for element in list.split([':', ',', ' ']).map(str::trim) {
        let (op, body) = match element.chars().next() {
            Some(c @ ('!' | '-' | '+')) => (c, &element[1..]),
            Some('@') | None => continue,
            Some(_) => (' ', element),
        };
        let families = families(body);
        if families.is_empty() {
            continue;
        }
        match op {
            '!' => {
                banned.extend(families.iter().copied());
                enabled.retain(|f| !f.iter().any(|x| families.contains(x)));
            }
            '-' => enabled.retain(|f| !f.iter().any(|x| families.contains(x))),
            '+' => {}
            _ => {
                if !families.iter().any(|f| banned.contains(f)) {
                    enabled.push(families);
                }
            }
        }
    }
    let mut out: Vec<&'static str> = Vec::new();
    for family in enabled.into_iter().flatten() {
        if !out.contains(&family) {
            out.push(family);
        }
    }
    out
}

/// Weak families a cipher name or alias belongs to (`DES-CBC3-SHA` is 3DES, `EXP-RC4-MD5` is
/// EXPORT, RC4 and MD5).
fn families(element: &str) -> Vec<&'static str> {
    let parts: Vec<String> = element
        .split(['-', '+'])
        .map(|p| p.to_ascii_uppercase())
        .collect();
    let has = |p: &str| parts.iter().any(|x| x == p);
    let mut out = Vec::new();
    if has("RC4") {
        out.push("RC4");
    }
    if has("3DES") || (has("DES") && has("CBC3")) {
        out.push("3DES");
    } else if has("DES") {
        out.push("DES");
    }
    if has("NULL") || has("ENULL") {
        out.push("NULL");
    }
    if has("ANULL") || has("ADH") || has("AECDH") {
        out.push("anonymous (aNULL)");
    }
    if has("EXP") || has("EXPORT") || has("EXPORT40") || has("EXPORT56") {
        out.push("EXPORT");
    }
    if has("MD5") {
        out.push("MD5");
    }
    if has("LOW") {
        out.push("LOW");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::weak_ciphers;

    #[test]
    fn cipher_lists() {
        assert_eq!(
            weak_ciphers("ECDHE-RSA-AES128-GCM-SHA256:DES-CBC3-SHA"),
            ["3DES"]
        );
        assert_eq!(weak_ciphers("HIGH:!aNULL:!MD5:!RC4"), Vec::<&str>::new());
        assert_eq!(weak_ciphers("RC4-MD5:-MD5"), Vec::<&str>::new());
        assert_eq!(weak_ciphers("!RC4:RC4-SHA"), Vec::<&str>::new());
        assert_eq!(weak_ciphers("EXP-RC4-MD5"), ["RC4", "EXPORT", "MD5"]);
        assert_eq!(weak_ciphers("ECDH+3DES:RSA+AES"), ["3DES"]);
        assert_eq!(
            weak_ciphers("ECDHE-ECDSA-CHACHA20-POLY1305"),
            Vec::<&str>::new()
        );
    }
}
