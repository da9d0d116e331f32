#!/usr/bin/env python3
"""Compares shipshape's GitHub Actions hygiene rules with zizmor on the same workflow files.

Usage: scripts/compare-zizmor.py [CORPUS] [--details]

Needs `zizmor` on PATH (`pip install zizmor`) and a release build of shipshape
(`cargo build --release`). zizmor runs with `--offline`, so nothing is fetched.

For the four audits both tools have, it prints how often they agree:
  unpinned actions      zizmor unpinned-uses          shipshape gha-unpinned-action      (by line)
  template injection    zizmor template-injection     shipshape gha-template-injection   (by line)
  token permissions     zizmor excessive-permissions  shipshape gha-missing-permissions
                                                      + gha-excessive-permissions        (by file)
  dangerous triggers    zizmor dangerous-triggers     shipshape gha-pull-request-target-checkout (by file)
"""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHIPSHAPE = os.path.join(ROOT, "target", "release", "shipshape")

# (name, zizmor audits, lowest zizmor severity counted, shipshape rules, unit of comparison)
CLASSES = [
    ("unpinned actions", ["unpinned-uses"], "Informational", ["gha-unpinned-action"], "line"),
    ("template injection", ["template-injection"], "Informational", ["gha-template-injection"], "line"),
    ("template injection, zizmor high only", ["template-injection"], "High", ["gha-template-injection"], "line"),
    ("token permissions", ["excessive-permissions"], "Informational", ["gha-missing-permissions", "gha-excessive-permissions"], "file"),
    ("dangerous triggers", ["dangerous-triggers"], "Informational", ["gha-pull-request-target-checkout"], "file"),
]
SEVERITY = ["Unknown", "Informational", "Low", "Medium", "High"]


def shipshape_run(corpus):
    rules = sorted({r for _, _, _, ours, _ in CLASSES for r in ours})
    listing = subprocess.run(
        [SHIPSHAPE, "audit", corpus, "--list-files"], capture_output=True, text=True, check=True
    ).stdout
    files = []
    for line in listing.splitlines():
        parts = line.split(None, 1)
        if len(parts) == 2 and parts[0] in ("github-workflow", "github-action"):
            files.append(parts[1].strip())
    out = subprocess.run(
        [SHIPSHAPE, "audit", corpus, "--format", "json", "--rule", ",".join(rules)],
        capture_output=True,
        text=True,
    )
    report = json.loads(out.stdout)
    return files, report["findings"]


def zizmor_one(corpus, path):
    proc = subprocess.run(
        # `--no-ignores`: compare what each tool detects, not what a repository chose to accept.
        ["zizmor", "--offline", "--no-ignores", "--no-exit-codes", "--format", "json", "--no-progress", path],
        capture_output=True,
        text=True,
        cwd=corpus,
    )
    warned = any("failed to" in line for line in proc.stderr.splitlines())
    if proc.returncode != 0 or warned or not proc.stdout.strip():
        return path, None
    return path, json.loads(proc.stdout)


def zizmor_run(corpus, files):
    """zizmor on each file alone, so a file it rejects is known by name."""
    found = []
    skipped = []
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for path, result in pool.map(lambda f: zizmor_one(corpus, f), files):
            if result is None:
                skipped.append(path)
            else:
                found.extend(result)
    return found, sorted(skipped)


def zizmor_locations(finding):
    for loc in finding["locations"]:
        if loc["symbolic"]["kind"] != "Primary":
            continue
        path = loc["symbolic"]["key"]["Local"]["verbatim_path"]
        yield path, loc["concrete"]["location"]["start_point"]["row"] + 1


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    details = "--details" in sys.argv
    corpus = os.path.abspath(args[0] if args else os.path.join(ROOT, "..", "shared", "corpus"))
    files, ours = shipshape_run(corpus)
    theirs, skipped = zizmor_run(corpus, files)
    # Only files both tools audited are compared.
    ours = [f for f in ours if f["path"] not in set(skipped)]
    print(f"workflow and action files: {len(files)}; zizmor rejected {len(skipped)}, compared {len(files) - len(skipped)}\n")
    disagreements = {}
    scopes = [
        ("every workflow and action file both tools read", lambda path: True),
        ("workflows GitHub runs (under `.github/workflows/`)", lambda path: ".github/workflows/" in path),
    ]
    for title, in_scope in scopes:
        print(f"\n### {title}\n")
        print("| check | unit | both | shipshape only | zizmor only | agreement |")
        print("|---|---|---:|---:|---:|---:|")
        for name, z_ids, z_min, s_ids, unit in CLASSES:
            s_set = set()
            for f in ours:
                if f["rule"] in s_ids and in_scope(f["path"]):
                    s_set.add((f["path"], f["line"]) if unit == "line" else f["path"])
            z_set = set()
            for f in theirs:
                severity = f["determinations"]["severity"]
                if f["ident"] in z_ids and SEVERITY.index(severity) >= SEVERITY.index(z_min):
                    for path, line in zizmor_locations(f):
                        if in_scope(path):
                            z_set.add((path, line) if unit == "line" else path)
            both = s_set & z_set
            only_s = s_set - z_set
            only_z = z_set - s_set
            union = len(s_set | z_set)
            agreement = f"{100 * len(both) / union:.1f} %" if union else "n/a"
            print(f"| {name} | {unit} | {len(both)} | {len(only_s)} | {len(only_z)} | {agreement} |")
            disagreements[(title, name)] = (sorted(only_s), sorted(only_z))
    if details:
        for (scope, name), (only_s, only_z) in disagreements.items():
            print(f"\n## {name} ({scope})\n\nshipshape only ({len(only_s)}):")
            for item in only_s:
                print(f"  {item}")
            print(f"zizmor only ({len(only_z)}):")
            for item in only_z:
                print(f"  {item}")
        if skipped:
            print("\n## zizmor skipped\n")
            for path in skipped:
                print(f"  {path}")


if __name__ == "__main__":
    main()
