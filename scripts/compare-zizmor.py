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
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHIPSHAPE = os.path.join(ROOT, "target", "release", "shipshape")

CLASSES = [
    ("unpinned actions", ["unpinned-uses"], ["gha-unpinned-action"], "line"),
    ("template injection", ["template-injection"], ["gha-template-injection"], "line"),
    ("token permissions", ["excessive-permissions"], ["gha-missing-permissions", "gha-excessive-permissions"], "file"),
    ("dangerous triggers", ["dangerous-triggers"], ["gha-pull-request-target-checkout"], "file"),
]


def shipshape_run(corpus):
    rules = sorted({r for _, _, ours, _ in CLASSES for r in ours})
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


def zizmor_run(corpus, files):
    found = []
    skipped = []
    # In batches: one bad file makes zizmor skip only that file, but keep commands short.
    for i in range(0, len(files), 100):
        batch = files[i : i + 100]
        proc = subprocess.run(
            ["zizmor", "--offline", "--no-exit-codes", "--format", "json", "--no-progress", *batch],
            capture_output=True,
            text=True,
            cwd=corpus,
        )
        for line in proc.stderr.splitlines():
            if "failed to" in line.lower() or "skipping" in line.lower():
                skipped.append(line.strip())
        if proc.stdout.strip():
            found.extend(json.loads(proc.stdout))
    return found, skipped


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
    print(f"workflow and action files: {len(files)}; zizmor skipped: {len(skipped)}\n")
    print("| check | unit | both | shipshape only | zizmor only | agreement |")
    print("|---|---|---:|---:|---:|---:|")
    disagreements = {}
    for name, z_ids, s_ids, unit in CLASSES:
        s_set = set()
        for f in ours:
            if f["rule"] in s_ids:
                s_set.add((f["path"], f["line"]) if unit == "line" else f["path"])
        z_set = set()
        for f in theirs:
            if f["ident"] in z_ids:
                for path, line in zizmor_locations(f):
                    z_set.add((path, line) if unit == "line" else path)
        both = s_set & z_set
        only_s = s_set - z_set
        only_z = z_set - s_set
        union = len(s_set | z_set)
        agreement = f"{100 * len(both) / union:.1f} %" if union else "n/a"
        print(f"| {name} | {unit} | {len(both)} | {len(only_s)} | {len(only_z)} | {agreement} |")
        disagreements[name] = (sorted(only_s), sorted(only_z))
    if details:
        for name, (only_s, only_z) in disagreements.items():
            print(f"\n## {name}\n\nshipshape only ({len(only_s)}):")
            for item in only_s:
                print(f"  {item}")
            print(f"zizmor only ({len(only_z)}):")
            for item in only_z:
                print(f"  {item}")
        if skipped:
            print("\n## zizmor skipped\n")
            for s in skipped:
                print(f"  {s}")


if __name__ == "__main__":
    main()
