//! PromQL through the `promql-parser` crate: whether an expression parses, and what an alert
//! measures (availability, error ratio, latency, saturation), read from the metric names,
//! functions and label matchers in its syntax tree.

use promql_parser::label::MatchOp;
use promql_parser::parser::{self, Expr};

/// What an alert expression measures; one expression may measure several things.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measures {
    /// `up`, `absent(...)`, `probe_success`: is it running at all.
    Availability,
    /// Failing requests: 5xx status matchers, `*error*`/`*failed*` metrics.
    ErrorRate,
    /// Durations: `histogram_quantile`, `*_duration_*`, `*latency*`.
    Latency,
    /// CPU, memory, disk or connection-pool use.
    Saturation,
}

/// The parts of an expression that say what it measures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    pub metrics: Vec<String>,
    pub functions: Vec<String>,
    /// (label, value) of equality and regex matchers.
    pub matchers: Vec<(String, String)>,
}

const MAX_NESTING: usize = 256;

/// The deepest nesting of brackets in `expr`, a bound on the parser's recursion.
fn nesting(expr: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for b in expr.bytes() {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Parses `expr`: the facts on success, the parser's message on failure.
pub fn analyse(expr: &str) -> Result<Facts, String> {
    // promql-parser recurses once per nesting level: a hostile expression could overflow the
    // stack. Real expressions nest a few levels; Prometheus itself rejects far less than this.
    if nesting(expr) > MAX_NESTING {
        return Err(format!(
            "expression nested more than {MAX_NESTING} levels deep; not parsed"
        ));
    }
    if let Some(number) = duration_out_of_range(expr) {
        return Err(format!("duration {number} is out of range"));
    }
    if let Some(count) = regex_repeat_over_limit(expr) {
        return Err(format!(
            "invalid repeat count {count} in a regex matcher: Prometheus (RE2) allows at most \
             {MAX_REPEAT}"
        ));
    }
    let cheap = without_regex_matchers(expr);
    let ast = parser::parse(cheap.as_deref().unwrap_or(expr)).map_err(|e| e.to_string())?;
    let mut facts = Facts::default();
    // An explicit stack: expressions from hostile files may nest deeply.
    let mut stack: Vec<&Expr> = vec![&ast];
    let mut steps = 0usize;
    while let Some(e) = stack.pop() {
        steps += 1;
        if steps > 100_000 {
            break;
        }
        match e {
            Expr::Aggregate(a) => {
                facts.functions.push(a.op.to_string().to_ascii_lowercase());
                stack.push(&a.expr);
                if let Some(p) = &a.param {
                    stack.push(p);
                }
            }
            Expr::Unary(u) => stack.push(&u.expr),
            Expr::Binary(b) => {
                stack.push(&b.lhs);
                stack.push(&b.rhs);
            }
            Expr::Paren(p) => stack.push(&p.expr),
            Expr::Subquery(s) => stack.push(&s.expr),
            Expr::VectorSelector(v) => selector(v, &mut facts),
            Expr::MatrixSelector(m) => selector(&m.vs, &mut facts),
            Expr::Call(c) => {
                facts.functions.push(c.func.name.to_string());
                for arg in &c.args.args {
                    stack.push(arg);
                }
            }
            Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
        }
    }
    Ok(facts)
}

/// The largest counted repetition RE2, and so Prometheus, accepts in a regex (`a{1000}`).
const MAX_REPEAT: u64 = 1000;

/// A counted repetition over RE2's limit in a regex matcher's pattern (`=~"a.{0,600000}"`), which
/// Prometheus rejects. Checked before parsing: promql-parser compiles such a regex up to the
/// regex crate's size limit, about 0.1 s each, which a hostile rule file could repeat 100,000
/// times.
fn regex_repeat_over_limit(expr: &str) -> Option<u64> {
    let bytes = expr.as_bytes();
    let mut from = 0;
    while let Some(found) = memchr::memmem::find(&bytes[from..], b"~") {
        let op = from + found;
        from = op + 1;
        if op == 0 || !matches!(bytes[op - 1], b'=' | b'!') {
            continue;
        }
        let mut at = op + 1;
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        let Some(&quote @ (b'"' | b'\'' | b'`')) = bytes.get(at) else {
            continue;
        };
        let Some(len) = memchr::memchr(quote, &bytes[at + 1..]) else {
            continue;
        };
        let pattern = &expr[at + 1..at + 1 + len];
        for (brace, _) in pattern.match_indices('{') {
            let inner = pattern[brace + 1..].split('}').next().unwrap_or("");
            let counts: Vec<&str> = inner.split(',').collect();
            let numeric = counts.len() <= 2
                && !counts[0].is_empty()
                && counts.iter().all(|c| c.bytes().all(|b| b.is_ascii_digit()));
            if !numeric {
                continue;
            }
            let over = counts
                .iter()
                .filter(|c| !c.is_empty())
                .map(|c| c.parse::<u64>().unwrap_or(u64::MAX))
                .find(|&n| n > MAX_REPEAT);
            if over.is_some() {
                return over;
            }
        }
    }
    None
}

/// `expr` with each regex matcher whose pattern is valid and cannot match the empty string
/// turned into an equality matcher (`=~` becomes `= `, `!~` becomes `!=`, so offsets in error
/// messages stay right); `None` when there is none. promql-parser compiles every regex it
/// meets, a third of its time on real rule files, yet the facts read the pattern only as text
/// and treat `=~` like `=` and `!~` like `!=`. Checking the pattern with `regex-syntax` keeps an
/// invalid regex an error; a pattern that can match "" keeps its `=~`, so "at least one
/// non-empty matcher" is still judged by the parser. Patterns with escapes or braces are left
/// alone: the parser unescapes and rewrites those itself.
fn without_regex_matchers(expr: &str) -> Option<String> {
    let bytes = expr.as_bytes();
    let mut rewrites: Vec<(usize, &'static str)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            quote @ (b'"' | b'\'' | b'`') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += if bytes[i] == b'\\' && quote != b'`' {
                        2
                    } else {
                        1
                    };
                }
                i += 1;
            }
            op @ (b'=' | b'!') if bytes.get(i + 1) == Some(&b'~') => {
                let mut at = i + 2;
                while at < bytes.len() && bytes[at].is_ascii_whitespace() {
                    at += 1;
                }
                if let Some(&quote @ (b'"' | b'\'' | b'`')) = bytes.get(at)
                    && let Some(len) = bytes[at + 1..].iter().position(|&b| b == quote)
                {
                    let pattern = &expr[at + 1..at + 1 + len];
                    if plain_regex_never_empty(pattern) {
                        rewrites.push((i, if op == b'=' { "= " } else { "!=" }));
                    }
                }
                i += 2;
            }
            _ => i += 1,
        }
    }
    if rewrites.is_empty() {
        return None;
    }
    let mut out = expr.to_string();
    for (at, with) in rewrites {
        out.replace_range(at..at + 2, with);
    }
    Some(out)
}

fn plain_regex_never_empty(pattern: &str) -> bool {
    if pattern.contains(['\\', '{', '}']) {
        return false;
    }
    // Most matchers are alternatives of names and dots (`api|web`, `5..`), or a dashboard's
    // variable (`$job`: to a regex, an anchor and a name). An alternative of such characters
    // with one that is not an anchor matches at least one character; regex-syntax (24,000
    // instructions a pattern) would only say so again.
    let plain = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/' | b':');
    if pattern.split('|').all(|alt| {
        alt.bytes().any(plain) && alt.bytes().all(|b| plain(b) || b == b'$' || b == b'^')
    }) {
        return true;
    }
    matches_only_non_empty(pattern)
}

fn matches_only_non_empty(pattern: &str) -> bool {
    regex_syntax::Parser::new()
        .parse(&format!("^(?:{pattern})$"))
        .is_ok_and(|hir| hir.properties().minimum_len().is_some_and(|n| n > 0))
}

/// A plain number of seconds where a duration goes (`x[N]`, `x[1m:N]`, `offset N`) that no
/// `Duration` can hold (NaN, Inf, 1e20): `promql-parser` panics on it instead of failing.
fn duration_out_of_range(expr: &str) -> Option<&str> {
    let bytes = expr.as_bytes();
    let mut i = 0;
    // Whether the next token stands where a duration goes; `[` nesting (`:` outside brackets
    // belongs to a metric name such as `job:errors:rate5m`).
    let mut duration_next = false;
    let mut brackets = 0usize;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' | b'\'' | b'`' => {
                i += 1;
                while i < bytes.len() && bytes[i] != c {
                    i += if bytes[i] == b'\\' && c != b'`' { 2 } else { 1 };
                }
                i += 1;
                duration_next = false;
            }
            b'[' => {
                i += 1;
                brackets += 1;
                duration_next = true;
            }
            b']' => {
                i += 1;
                brackets = brackets.saturating_sub(1);
                duration_next = false;
            }
            b':' if brackets > 0 => {
                i += 1;
                duration_next = true;
            }
            b'+' | b'-' if duration_next => i += 1,
            _ if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b':') => {
                let start = i;
                if c.is_ascii_digit() || c == b'.' {
                    // A number as the lexer scans it: hex, or digits, fraction and exponent.
                    if bytes[i..].starts_with(b"0x") || bytes[i..].starts_with(b"0X") {
                        i += 2;
                        while i < bytes.len() && bytes[i].is_ascii_hexdigit() {
                            i += 1;
                        }
                    } else {
                        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                            i += 1;
                        }
                        if i < bytes.len() && matches!(bytes[i], b'e' | b'E') {
                            i += 1;
                            if i < bytes.len() && matches!(bytes[i], b'+' | b'-') {
                                i += 1;
                            }
                            while i < bytes.len() && bytes[i].is_ascii_digit() {
                                i += 1;
                            }
                        }
                    }
                }
                // The rest of a word, or a duration's units (`5m`): then not a plain number.
                let number_end = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || bytes[i] == b'_'
                        || bytes[i] == b':' && brackets == 0)
                {
                    i += 1;
                }
                let word = &expr[start..i];
                let plain_number = number_end == i && number_end > start
                    || word.eq_ignore_ascii_case("inf")
                    || word.eq_ignore_ascii_case("nan");
                if duration_next
                    && plain_number
                    && promql_parser::util::parse_str_radix(word)
                        .is_ok_and(|secs| std::time::Duration::try_from_secs_f64(secs).is_err())
                {
                    return Some(word);
                }
                duration_next = word.eq_ignore_ascii_case("offset");
            }
            _ => {
                // Skip a whole character, not one byte of it.
                i += expr[i..].chars().next().map_or(1, char::len_utf8);
                duration_next = false;
            }
        }
    }
    None
}

fn selector(v: &parser::VectorSelector, facts: &mut Facts) {
    if let Some(name) = &v.name {
        facts.metrics.push(name.clone());
    }
    for m in &v.matchers.matchers {
        if m.name == "__name__" {
            facts.metrics.push(m.value.clone());
            continue;
        }
        match &m.op {
            MatchOp::Equal | MatchOp::Re(_) => {
                facts.matchers.push((m.name.clone(), m.value.clone()))
            }
            _ => {}
        }
    }
}

fn has_word(name: &str, words: &[&str]) -> bool {
    let lower = name.to_ascii_lowercase();
    lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|part| words.contains(&part))
}

impl Facts {
    pub fn measures(&self) -> Vec<Measures> {
        let mut out = Vec::new();
        let metric = |words: &[&str]| self.metrics.iter().any(|m| has_word(m, words));
        let function = |names: &[&str]| self.functions.iter().any(|f| names.contains(&f.as_str()));
        if self.metrics.iter().any(|m| {
            matches!(
                m.as_str(),
                "up" | "probe_success"
                    | "kube_deployment_status_replicas_available"
                    | "kube_pod_container_status_ready"
            )
        }) || function(&["absent", "absent_over_time"])
            || metric(&["up", "down", "unavailable", "healthy", "health"])
        {
            out.push(Measures::Availability);
        }
        let five_xx = self.matchers.iter().any(|(label, value)| {
            matches!(
                label.as_str(),
                "code" | "status" | "status_code" | "response_code" | "http_status" | "grpc_code"
            ) && (value.starts_with('5')
                || value.contains("5..")
                || value.contains("5xx")
                || value.contains("Internal")
                || value.contains("Unavailable"))
        });
        if five_xx
            || metric(&[
                "error",
                "errors",
                "failed",
                "failures",
                "failure",
                "5xx",
                "exceptions",
            ])
        {
            out.push(Measures::ErrorRate);
        }
        if function(&["histogram_quantile"])
            || metric(&["latency", "duration", "response", "seconds"]) && !metric(&["cpu"])
        {
            out.push(Measures::Latency);
        }
        if metric(&[
            "cpu",
            "memory",
            "mem",
            "disk",
            "filesystem",
            "oom",
            "throttled",
            "saturation",
            "connections",
            "heap",
        ]) || self
            .metrics
            .iter()
            .any(|m| m.starts_with("node_memory") || m.starts_with("container_memory"))
        {
            out.push(Measures::Saturation);
        }
        out
    }
}

/// Infrastructure metrics (exporters, cAdvisor, kube-state-metrics, runtimes), as opposed to
/// metrics the application itself defines.
pub fn is_infrastructure_metric(name: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "node_",
        "container_",
        "kube_",
        "kubelet_",
        "apiserver_",
        "process_",
        "go_",
        "python_gc",
        "python_info",
        "jvm_",
        "up",
        "scrape_",
        "prometheus_",
        "alertmanager_",
        "grafana_",
        "machine_",
        "cadvisor_",
        "coredns_",
        "etcd_",
        "nginx_",
        "haproxy_",
        "pg_",
        "redis_",
        "mysql_",
        "mongodb_",
        "probe_",
        "blackbox_",
        "windows_",
        "rest_client_",
        "workqueue_",
        "storage_operation",
        "volume_manager",
        "net_conntrack",
        "promhttp_",
        "loki_",
        "tempo_",
        "otelcol_",
        "traefik_",
        "envoy_",
        "istio_",
        "controller_runtime_",
        // Generic request, runtime and client metrics every web framework exports: service
        // health, not the business.
        "http_",
        "grpc_",
        "request_",
        "requests_",
        "response_",
        "starlette_",
        "fastapi_",
        "flask_",
        "django_",
        "aiohttp_",
        "express_",
        "nodejs_",
        "dotnet_",
        "aspnetcore_",
        "hikaricp_",
        "jdbc_",
        "db_client_",
        "sql_",
        "gunicorn_",
        "uvicorn_",
        "tomcat_",
        "spring_",
        "rpc_",
        "traces_",
        "target_info",
    ];
    // Entries ending in `_` are prefixes; the others are whole names.
    PREFIXES.iter().any(|p| {
        if p.ends_with('_') {
            name.starts_with(p)
        } else {
            name == *p || name.starts_with(&format!("{p}_"))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measures(e: &str) -> Vec<Measures> {
        analyse(e).unwrap().measures()
    }

    #[test]
    fn the_fast_path_for_plain_matchers_agrees_with_regex_syntax() {
        for pattern in [
            "api|web", "5..", "a", "job-name", "x/y:z", ".", "..|.", "", "a|", "|a", "a||b", "a.*",
            "(a|b)", "a?", "[ab]", "a+|b", "$job", "$", "^|a", "^a$", "$a|$b", "a$b",
        ] {
            assert_eq!(
                plain_regex_never_empty(pattern),
                !pattern.contains(['\\', '{', '}']) && matches_only_non_empty(pattern),
                "{pattern:?}"
            );
        }
    }

    #[test]
    fn regex_matchers_read_like_equality_without_compiling() {
        assert_eq!(
            without_regex_matchers(r#"rate(x{code=~"5..", job!~'a|b'}[5m])"#).as_deref(),
            Some(r#"rate(x{code= "5..", job!='a|b'}[5m])"#)
        );
        // Inside strings and comments, `=~` is text.
        assert_eq!(without_regex_matchers(r#"x{a="=~\"b\""} # =~"c""#), None);
        // Escapes, braces and patterns that match "" stay for the parser to judge.
        for e in [
            r#"x{a=~"\\d+"}"#,
            r#"x{a=~"a{2}"}"#,
            r#"x{a=~".*"}"#,
            r#"x{a=~"a|"}"#,
        ] {
            assert_eq!(without_regex_matchers(e), None, "{e}");
        }
        let facts = analyse(r#"sum(rate(http_requests_total{status=~"5.."}[5m]))"#).unwrap();
        assert_eq!(facts.matchers, vec![("status".into(), "5..".into())]);
        // Errors the parser reports for regexes survive the rewrite.
        assert!(analyse(r#"x{a=~"("}"#).is_err());
        assert!(analyse(r#"{a=~".*"}"#).is_err());
        assert!(analyse(r#"{a=~".+"}"#).is_ok());
    }

    /// Found by fuzzing (`fuzz/fuzz_targets/promql.rs`): `promql-parser` panicked converting a
    /// plain number of seconds too large for a `Duration`.
    #[test]
    fn regex_repeats_over_re2s_limit_are_errors_before_compiling() {
        for expr in [
            r#"up{job=~"a.{0,600000}"}"#,
            r#"up{job!~ 'x{1001}'}"#,
            r#"sum(rate(x{a=~`b{2000,}`}[5m]))"#,
        ] {
            let err = analyse(expr).unwrap_err();
            assert!(err.contains("invalid repeat count"), "{expr}: {err}");
        }
        for expr in [
            r#"up{job=~"a{2,1000}"}"#,
            r#"up{job="x{5000}"}"#,
            "up{job=~\"a{\"}",
        ] {
            let err = analyse(expr).err();
            assert!(
                err.as_deref().is_none_or(|e| !e.contains("repeat count")),
                "{expr}: {err:?}"
            );
        }
    }

    #[test]
    fn durations_out_of_range_are_errors_not_panics() {
        for e in [
            "rate(x[67777777777777777777777])",
            "sum(x[5m:1e400])",
            "x offset NaN",
            "x offset -Inf",
            "x offset # comment\n +1e20",
            "x[ 1e20 ]",
        ] {
            assert!(analyse(e).is_err(), "{e}");
        }
        // In range, inside a string or not where a duration goes: left to the parser.
        assert!(analyse("rate(x[300])").is_ok());
        assert!(analyse("x offset 5m").is_ok());
        assert!(analyse("x{a=\"[1e400]\"} > 1e400").is_ok());
        assert!(analyse("rate(x[1m:30])").is_ok());
        assert!(analyse("a:1e400 > 0").is_ok());
    }

    #[test]
    fn classifies_the_four_seed_classes() {
        assert_eq!(measures("up{job=\"api\"} == 0"), [Measures::Availability]);
        assert_eq!(
            measures("absent(up{job=\"api\"})"),
            [Measures::Availability]
        );
        assert!(measures(
            "sum(rate(http_requests_total{status=~\"5..\"}[5m])) / sum(rate(http_requests_total[5m])) > 0.05"
        )
        .contains(&Measures::ErrorRate));
        assert!(measures(
            "histogram_quantile(0.95, sum(rate(http_request_duration_seconds_bucket[5m])) by (le)) > 0.5"
        )
        .contains(&Measures::Latency));
        assert!(measures(
            "sum(rate(container_cpu_usage_seconds_total[5m])) by (pod) / sum(kube_pod_container_resource_limits{resource=\"cpu\"}) by (pod) > 0.8"
        )
        .contains(&Measures::Saturation));
        assert!(
            !measures("rate(container_cpu_usage_seconds_total[5m]) > 0.8")
                .contains(&Measures::Latency)
        );
    }

    #[test]
    fn invalid_expressions_are_errors() {
        assert!(analyse("sum(rate(x[5m])").is_err());
        let deep = format!("{}up{}", "(".repeat(50_000), ")".repeat(50_000));
        assert!(analyse(&deep).unwrap_err().contains("nested more than"));
        let fine = format!("{}up{}", "(".repeat(100), ")".repeat(100));
        assert!(analyse(&fine).is_ok());
        assert!(analyse("up ==").is_err());
    }

    #[test]
    fn infrastructure_metrics() {
        assert!(is_infrastructure_metric("node_cpu_seconds_total"));
        assert!(is_infrastructure_metric("up"));
        assert!(!is_infrastructure_metric("orders_created_total"));
        assert!(!is_infrastructure_metric("upload_bytes_total"));
        assert!(is_infrastructure_metric(
            "http_request_duration_seconds_bucket"
        ));
        assert!(!is_infrastructure_metric(
            "acgs_constitutional_compliance_score"
        ));
    }
}
