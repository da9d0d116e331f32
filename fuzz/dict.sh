#!/usr/bin/env bash
# Writes libFuzzer dictionaries to fuzz/dict/<target>.dict (generated, ignored by git):
#
#   fuzz/dict.sh
#   cargo fuzz run -s none -O pipeline -- -dict=fuzz/dict/pipeline.dict …
#
# `pipeline`: every short identifier-like string literal in the rules, models, parsers and
# file-kind code (keys such as `securityContext`, `runAsNonRoot`, `healthcheck`, directive
# names, action names). A rule only runs past its first key lookup when the input holds that
# key; mutating bytes finds a 15-letter key almost never, a dictionary entry at once.
# `promql`: PromQL's keywords, operators and the functions the monitoring model looks for.
set -euo pipefail

fuzz_dir=$(cd "$(dirname "$0")" && pwd)
src=$fuzz_dir/../src
mkdir -p "$fuzz_dir/dict"

# A literal "…" of 3 to 40 letters, digits and `_.:/-`, which needs no escaping in a dictionary.
literals() {
    grep -rhoE '"[A-Za-z_][A-Za-z0-9_.:/-]{2,40}"' "$@" | sort -u
}

literals "$src/rules" "$src/model" "$src/parse" "$src/kind.rs" "$src/config.rs" \
    >"$fuzz_dir/dict/pipeline.dict"

{
    for word in sum min max avg group stddev stdvar count count_values bottomk topk quantile \
        limitk limit_ratio by without on ignoring group_left group_right offset bool and or \
        unless atan2 rate irate increase delta idelta deriv predict_linear histogram_quantile \
        absent absent_over_time changes resets label_replace label_join vector scalar time \
        timestamp sort sort_desc clamp clamp_min clamp_max round ceil floor abs sqrt exp ln \
        avg_over_time min_over_time max_over_time sum_over_time count_over_time \
        quantile_over_time last_over_time present_over_time stddev_over_time up __name__ \
        job instance le inf nan Inf NaN start end; do
        printf '"%s"\n' "$word"
    done
    for op in '{' '}' '(' ')' '[' ']' '[5m]' '[1h:5m]' '=~' '!~' '!=' '==' '>=' '<=' '@' \
        ':' ',' '"' "'" '`' '1e3' '0x1f' '5m' '1h30m' '-' '+' '*' '/' '%' '^'; do
        printf '"%s"\n' "${op//\"/\\\"}"
    done
    literals "$src/model/obs"
} | sort -u >"$fuzz_dir/dict/promql.dict"

wc -l "$fuzz_dir"/dict/*.dict
