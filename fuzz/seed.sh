#!/usr/bin/env bash
# Seeds the fuzz corpora from the real-world corpus: copies the matching files of
# ../shared/corpus into fuzz/corpus/<target>/, one file per distinct content (named by its SHA-1).
#
#   fuzz/seed.sh                 # every target
#   fuzz/seed.sh nginx pipeline  # only these
#
# CORPUS=path overrides where the real files are (default: ../shared/corpus from the repository
# root); SEED_MAX_BYTES (default 65536) skips larger files, which only slow the fuzzer down.
# The seeds are generated, never committed: fuzz/corpus/ is ignored by git.
set -euo pipefail

fuzz_dir=$(cd "$(dirname "$0")" && pwd)
corpus=${CORPUS:-$fuzz_dir/../../shared/corpus}
max_bytes=${SEED_MAX_BYTES:-65536}
all_targets=(dockerfile haproxy nginx yaml terraform promql pipeline)

if [[ ! -d $corpus ]]; then
    echo "seed.sh: no corpus at $corpus (set CORPUS)" >&2
    exit 1
fi
corpus=$(cd "$corpus" && pwd)

# The pipeline target's file names, in order: the index of a name is the first byte of a seed.
mapfile -t names < <(sed -n '/^const NAMES/,/^];/s/^ *"\(.*\)",$/\1/p' "$fuzz_dir/fuzz_targets/pipeline.rs")
if (( ${#names[@]} == 0 )); then
    echo "seed.sh: found no NAMES in fuzz_targets/pipeline.rs" >&2
    exit 1
fi

# Writes standard input as a seed of target $1, named by its hash; empty seeds are skipped.
put() {
    local target=$1 tmp
    tmp=$(mktemp)
    cat >"$tmp"
    if [[ -s $tmp ]]; then
        mv "$tmp" "$fuzz_dir/corpus/$target/$(sha1sum "$tmp" | cut -c1-40)"
    else
        rm -f "$tmp"
    fi
}

# The pipeline file name a corpus file stands for, or nothing to skip it.
pipeline_name() {
    local path=$1 base lower
    base=${path##*/}
    lower=${base,,}
    case $lower in
        dockerfile | dockerfile.* | *.dockerfile | containerfile | containerfile.*) echo Dockerfile; return ;;
        *.dockerignore) echo .dockerignore; return ;;
        .env | .env.*) echo .env; return ;;
        .gitlab-ci.yml | .gitlab-ci.yaml) echo .gitlab-ci.yml; return ;;
        action.yml | action.yaml) echo action.yml; return ;;
        dependabot.yml | dependabot.yaml) echo .github/dependabot.yml; return ;;
        .pre-commit-config.yaml | .pre-commit-config.yml) echo .pre-commit-config.yaml; return ;;
        renovate.json | renovate.json5 | .renovaterc | .renovaterc.json) echo renovate.json; return ;;
        kustomization.yaml | kustomization.yml) echo kustomization.yaml; return ;;
        chart.yaml) echo Chart.yaml; return ;;
        docker-compose*.yml | docker-compose*.yaml | compose*.yml | compose*.yaml) echo docker-compose.yml; return ;;
        *.tf) echo main.tf; return ;;
        *.tfvars) echo terraform.tfvars; return ;;
        terragrunt.hcl) echo terragrunt.hcl; return ;;
        .terraform.lock.hcl) echo .terraform.lock.hcl; return ;;
        pulumi.*.yaml | pulumi.yaml) echo Pulumi.yaml; return ;;
        cdk.json) echo cdk.json; return ;;
        jenkinsfile) echo Jenkinsfile; return ;;
        fluent-bit.conf | fluentbit.conf | td-agent-bit.conf) echo fluent-bit.conf; return ;;
        *.cfg) echo haproxy.cfg; return ;;
        *.template) echo template.json; return ;;
    esac
    case $path in
        */.github/workflows/*.yml | */.github/workflows/*.yaml) echo .github/workflows/ci.yml; return ;;
        */.circleci/config.yml) echo .circleci/config.yml; return ;;
        socialgouv-gitlab-ci-yml/*.yml) echo .gitlab-ci.yml; return ;;
        *nginx*.conf) echo nginx.conf; return ;;
        *.conf) echo app.conf; return ;;
        *.json)
            if grep -q '"panels"' "$corpus/$path"; then
                echo dashboard.json
            elif grep -q -e AWSTemplateFormatVersion -e '"AWS::' "$corpus/$path"; then
                echo template.json
            fi
            return
            ;;
        *.yml | *.yaml)
            local f=$corpus/$path
            if grep -q '^scrape_configs:' "$f"; then
                echo prometheus.yml
            elif grep -q '^route:' "$f" && grep -q '^receivers:' "$f"; then
                echo alertmanager.yml
            elif grep -q '^exporters:' "$f" && grep -q '^receivers:' "$f"; then
                echo otel-collector.yaml
            elif grep -q '^groups:' "$f"; then
                echo alerts.rules.yml
            elif grep -q '^AWSTemplateFormatVersion' "$f"; then
                echo template.json
            elif grep -q '^apiVersion:' "$f" && grep -q '^kind:' "$f"; then
                echo k8s/app.yaml
            fi
            return
            ;;
    esac
}

# PromQL expressions in rules files and dashboards: one-line `expr:` values, block scalars
# (`expr: |`) and JSON `"expr": "..."` strings.
promql_exprs() {
    local f=$1
    case $f in
        *.json)
            grep -o '"expr": *"\([^"\\]\|\\.\)*"' "$f" |
                sed -e 's/^"expr": *"//' -e 's/"$//' -e 's/\\"/"/g' -e 's/\\\\/\\/g' |
                tr '\n' '\0' | sed -z 's/\\n/\n/g' || true
            ;;
        *)
            awk '
                function flush() { if (expr != "") printf "%s%c", expr, 0; expr = ""; block = 0 }
                {
                    if (block) {
                        match($0, /^ */)
                        if (RLENGTH > indent || $0 ~ /^ *$/) { expr = expr (expr == "" ? "" : "\n") substr($0, indent + 1); next }
                        flush()
                    }
                }
                /^ *(- )?expr: *[|>][-+]? *$/ { match($0, /^ */); indent = RLENGTH; block = 1; expr = ""; next }
                /^ *(- )?expr: *[^ ]/ {
                    v = $0; sub(/^ *(- )?expr: */, "", v)
                    if (v ~ /^".*"$/ || v ~ /^'\''.*'\''$/) v = substr(v, 2, length(v) - 2)
                    expr = v; flush()
                }
                END { flush() }
            ' "$f"
            ;;
    esac
}

seed() {
    local target=$1
    mkdir -p "$fuzz_dir/corpus/$target"
    local count_before
    count_before=$(find "$fuzz_dir/corpus/$target" -type f | wc -l)
    while IFS= read -r -d '' path; do
        local rel=${path#"$corpus"/} base=${path##*/} lower
        lower=${base,,}
        [[ $(stat -c %s "$path") -le $max_bytes ]] || continue
        case $target in
            dockerfile)
                case $lower in
                    dockerfile | dockerfile.* | *.dockerfile | containerfile | containerfile.*) put "$target" <"$path" ;;
                esac
                ;;
            haproxy)
                [[ $lower == *.cfg ]] && put "$target" <"$path"
                ;;
            nginx)
                [[ $lower == *.conf ]] && put "$target" <"$path"
                ;;
            yaml)
                [[ $lower == *.yml || $lower == *.yaml ]] && put "$target" <"$path"
                ;;
            terraform)
                [[ $lower == *.tf || $lower == *.tfvars || $lower == *.hcl ]] && put "$target" <"$path"
                ;;
            promql)
                if [[ $lower == *.yml || $lower == *.yaml || $lower == *.json ]] && grep -q 'expr' "$path"; then
                    while IFS= read -r -d '' expr; do
                        printf '%s' "$expr" | put "$target"
                    done < <(promql_exprs "$path")
                fi
                ;;
            pipeline)
                local name i
                name=$(pipeline_name "$rel")
                [[ -n $name ]] || continue
                for i in "${!names[@]}"; do
                    if [[ ${names[$i]} == "$name" ]]; then
                        { printf "\\x$(printf %02x "$i")"; cat "$path"; } | put "$target"
                        break
                    fi
                done
                ;;
        esac
    done < <(find "$corpus" -type f -print0)
    local count
    count=$(find "$fuzz_dir/corpus/$target" -type f | wc -l)
    echo "$target: $((count - count_before)) new seeds, $count in fuzz/corpus/$target"
}

targets=("$@")
(( ${#targets[@]} )) || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
    case " ${all_targets[*]} " in
        *" $t "*) seed "$t" ;;
        *) echo "seed.sh: unknown target $t (one of: ${all_targets[*]})" >&2; exit 1 ;;
    esac
done
