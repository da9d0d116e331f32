//! `ssl_protocols` that allow SSLv2/SSLv3/TLS 1.0/TLS 1.1, or `ssl_ciphers` that enable RC4,
//! DES, 3DES, NULL, EXPORT or MD5 suites.

use super::common::{Nginx, parse_listen, walk};
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct NginxWeakTls;

const WEAK_PROTOCOLS: &[&str] = &["SSLv2", "SSLv3", "TLSv1", "TLSv1.1"];

/// Cipher-string components that select broken suites (`DES-CBC3-SHA` splits into `DES`,
/// `CBC3`, `SHA`). Aliases like `HIGH` or `ALL` are not judged.
const WEAK_CIPHER_PARTS: &[&str] = &[
    "RC4", "DES", "3DES", "CBC3", "NULL", "ENULL", "EXP", "EXPORT", "EXPORT40", "EXPORT56",
    "EXP1024", "MD5", "LOW",
];

/// The elements of an OpenSSL cipher string that enable a weak suite (negated `!`, removed
/// `-` and moved `+` elements enable nothing).
pub fn weak_ciphers(spec: &str) -> Vec<&str> {
    spec.split([':', ' ', ',', ';'])
        .filter(|e| !e.is_empty() && !e.starts_with(['!', '-', '+', '@']))
        .filter(|e| {
            e.split(['+', '-']).any(|part| {
                let part = part.to_ascii_uppercase();
                WEAK_CIPHER_PARTS.contains(&part.as_str())
            })
        })
        .collect()
}

impl Rule for NginxWeakTls {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let nx = Nginx::new(project);
        for (unit, u) in nx.units.iter().enumerate() {
            let subject = nx.path(unit).to_string();
            for (_, d) in walk(&u.config.directives) {
                match d.name() {
                    "ssl_protocols" => {
                        cx.evaluate(subject.clone());
                        if d.args.iter().any(|w| w.text.contains('$')) {
                            continue;
                        }
                        let weak: Vec<&str> = d
                            .args
                            .iter()
                            .map(|w| w.text.as_str())
                            .filter(|p| WEAK_PROTOCOLS.contains(p))
                            .collect();
                        if !weak.is_empty() {
                            cx.report(
                                subject.clone(),
                                nx.file(unit),
                                d.span,
                                format!(
                                    "ssl_protocols enables {}: deprecated protocols open to \
                                     downgrade attacks; allow only TLSv1.2 and TLSv1.3",
                                    weak.join(", ")
                                ),
                            );
                        }
                    }
                    "ssl_ciphers" => {
                        cx.evaluate(subject.clone());
                        let Some(spec) = d.arg(0) else { continue };
                        if spec.contains('$') {
                            continue;
                        }
                        let weak = weak_ciphers(spec);
                        if !weak.is_empty() {
                            cx.report(
                                subject.clone(),
                                nx.file(unit),
                                d.span,
                                format!(
                                    "ssl_ciphers enables weak suites ({}); remove them or \
                                     negate them with `!`",
                                    weak.join(", ")
                                ),
                            );
                        }
                    }
                    "listen" if parse_listen(d).is_some_and(|l| l.ssl) => {
                        // nginx's defaults (TLSv1.2+, HIGH:!aNULL:!MD5) are fine.
                        cx.evaluate(subject.clone());
                    }
                    _ => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::weak_ciphers;

    #[test]
    fn cipher_strings() {
        assert_eq!(weak_ciphers("HIGH:!aNULL:!MD5"), Vec::<&str>::new());
        assert_eq!(
            weak_ciphers("ECDHE-RSA-AES128-GCM-SHA256:DES-CBC3-SHA:!RC4"),
            vec!["DES-CBC3-SHA"]
        );
        assert_eq!(weak_ciphers("ALL:!ADH:RC4+RSA:+HIGH:+LOW"), vec!["RC4+RSA"]);
        assert_eq!(weak_ciphers("HIGH:-3DES:eNULL"), vec!["eNULL"]);
        assert!(weak_ciphers("ECDHE-ECDSA-CHACHA20-POLY1305:DHE-RSA-AES256-GCM-SHA384").is_empty());
    }
}
