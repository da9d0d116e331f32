#![no_main]
//! PromQL analysis on arbitrary text: `promql-parser` plus our walk of its syntax tree must
//! never panic, and what the facts say an alert measures must be computable.

use libfuzzer_sys::fuzz_target;
use shipshape::model::obs::promql;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(facts) = promql::analyse(text) {
        let _ = facts.measures();
        for metric in &facts.metrics {
            let _ = promql::is_infrastructure_metric(metric);
        }
    }
});
