//! Judgements about literal values that every input kind shares: names that hold secrets,
//! values that are real secrets, passwords inside URLs, and user names that mean root.

use crate::parse::is_templated;

/// Name parts that make a variable secret: `DB_PASSWORD`, `githubToken`, `AWS_SECRET_ACCESS_KEY`.
const SECRET_PARTS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "CREDENTIALS",
    "CREDENTIAL",
];
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("API", "KEY"),
    ("PRIVATE", "KEY"),
    ("ACCESS", "KEY"),
    ("ENCRYPTION", "KEY"),
    ("SIGNING", "KEY"),
];
/// A last part that makes the variable describe a secret rather than hold one.
const NOT_SECRET_SUFFIXES: &[&str] = &[
    "FILE",
    "PATH",
    "NAME",
    "ENABLED",
    "ENABLE",
    "DISABLED",
    "LENGTH",
    "URL",
    "URI",
    "ENDPOINT",
    "DIR",
    "TYPE",
    "HEADER",
    "TTL",
    "TIMEOUT",
    "EXPIRY",
    "EXPIRES",
    "EXPIRATION",
    "ID",
    "HOST",
    "PORT",
    "USER",
    "USERNAME",
    "REF",
    "ARN",
    "REGION",
    "MODE",
    "VERSION",
    "SIZE",
    "COUNT",
    "FORMAT",
    "ALGORITHM",
    "PREFIX",
    "PROVIDER",
    "LOCATION",
    "KIND",
    "MIN",
    "MAX",
];

fn name_parts(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                parts.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_uppercase());
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// Parts that may follow the secret word and still name the secret itself:
/// `SECRET_KEY`, `SECRET_KEY_BASE`, `PASSWORD_PROD`, `TOKEN_2`.
const SECRET_TAILS: &[&str] = &[
    "KEY",
    "BASE",
    "SALT",
    "HASH",
    "VALUE",
    "PROD",
    "PRODUCTION",
    "DEV",
    "STAGING",
    "LIVE",
    "TEST",
    "ACCESS",
];

/// A variable name that holds a secret value (`DB_PASSWORD`), not one that describes where a
/// secret is or how it behaves (`PASSWORD_FILE`, `TOKEN_URL`, `ACCESS_TOKEN_EXPIRE_MINUTES`).
pub(crate) fn is_secret_name(name: &str) -> bool {
    // Every secret part and pair holds one of these: most names (95,000 a corpus audit) are
    // told apart here, without being split into parts.
    let might_be_secret = ["pass", "secret", "token", "key", "credential"]
        .iter()
        .any(|needle| contains_ignore_ascii_case(name, needle));
    if !might_be_secret {
        return false;
    }
    let parts = name_parts(name);
    let Some(last) = parts.last() else {
        return false;
    };
    if NOT_SECRET_SUFFIXES.contains(&last.as_str()) {
        return false;
    }
    let ends_secret = |i: usize| {
        SECRET_PARTS.contains(&parts[i].as_str())
            || (i > 0
                && SECRET_PAIRS
                    .iter()
                    .any(|(a, b)| parts[i - 1] == *a && parts[i] == *b))
    };
    let Some(end) = (0..parts.len()).rev().find(|&i| ends_secret(i)) else {
        return false;
    };
    parts[end + 1..]
        .iter()
        .all(|p| SECRET_TAILS.contains(&p.as_str()) || p.chars().all(|c| c.is_ascii_digit()))
}

fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// A value that is a literal secret: not empty, not a variable reference, not a file path,
/// not a boolean switch.
pub(crate) fn is_literal_secret_value(value: &str) -> bool {
    let v = value.trim();
    !(v.is_empty()
        || v.contains('$')
        || is_templated(v)
        || v.starts_with('/')
        || (v.starts_with('<') && v.ends_with('>'))
        || v.chars().all(|c| c == '*')
        || matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "null" | "none"
        ))
}

/// `scheme://user:password@host…` with a literal password.
pub(crate) fn has_url_password(value: &str) -> bool {
    let Some((_, rest)) = value.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let Some((userinfo, _)) = authority.rsplit_once('@') else {
        return false;
    };
    userinfo
        .split_once(':')
        .is_some_and(|(_, password)| is_literal_secret_value(password))
}

/// `root`, `0`, `root:group` or `0:0`.
pub(crate) fn is_root_user(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or("").trim();
    name == "root"
        || (!name.is_empty()
            && name.chars().all(|c| c.is_ascii_digit())
            && name.trim_start_matches('0').is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for yes in [
            "DB_PASSWORD",
            "githubToken",
            "AWS_SECRET_ACCESS_KEY",
            "API_KEY",
            "STRIPE_APIKEY",
            "SECRET_KEY_BASE",
            "JWT_SECRET_KEY",
            "DB_PASSWORD_2",
            "stripe-api-key",
            "GPG_PASSPHRASE",
            "JWT_SIGNING_KEY",
        ] {
            assert!(is_secret_name(yes), "{yes}");
        }
        for no in [
            "PASSWORD_FILE",
            "TOKEN_URL",
            "SECRET_NAME",
            "TOKENIZERS_PARALLELISM",
            "KEYCLOAK",
            "PWD",
            "AWS_ACCESS_KEY_ID",
            "ACCESS_TOKEN_EXPIRE_MINUTES",
            "PASSWORD_MIN_LENGTH",
            "TOKEN_TTL",
            "KEYCLOAK_URL",
            "MONKEY",
        ] {
            assert!(!is_secret_name(no), "{no}");
        }
    }

    /// The quick check before splitting names must let every secret word through, in any case.
    #[test]
    fn every_secret_word_and_pair_passes_the_quick_check() {
        for part in SECRET_PARTS {
            assert!(is_secret_name(part), "{part}");
            assert!(
                is_secret_name(&format!("db_{}", part.to_lowercase())),
                "{part}"
            );
        }
        for (a, b) in SECRET_PAIRS {
            assert!(is_secret_name(&format!("{a}_{b}")), "{a}_{b}");
            assert!(
                is_secret_name(&format!("{}{b}", a.to_lowercase())),
                "{a}{b}"
            );
        }
    }

    #[test]
    fn literal_values_and_urls() {
        for yes in ["hunter2", "dev-secret-change-me", "changeme"] {
            assert!(is_literal_secret_value(yes), "{yes}");
        }
        for no in [
            "",
            "${DB_PASSWORD}",
            "$(DB_PASSWORD)",
            "{{ .Values.pw }}",
            "/run/secrets/db",
            "<password>",
            "****",
            "true",
        ] {
            assert!(!is_literal_secret_value(no), "{no}");
        }
        assert!(has_url_password("postgres://app:hunter2@db:5432/app"));
        assert!(has_url_password("redis://:pw@redis:6379/0"));
        assert!(!has_url_password("postgres://app:${DB_PASSWORD}@db/app"));
        assert!(!has_url_password("postgres://app:$(DB_PASSWORD)@db/app"));
        assert!(!has_url_password("postgres://app@db/app"));
        assert!(!has_url_password("http://host:8080/path@x"));
    }

    #[test]
    fn root_users() {
        for yes in ["root", "0", "0:0", "root:root", "000"] {
            assert!(is_root_user(yes), "{yes}");
        }
        for no in ["1000", "app", "1000:0", "", "rootless"] {
            assert!(!is_root_user(no), "{no}");
        }
    }
}
