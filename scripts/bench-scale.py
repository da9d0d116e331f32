#!/usr/bin/env python3
"""Whole-process benchmark at 1x, 10x and 100x the corpus, to check that cost grows linearly.

The synthetic monorepo is generated here, never committed: copy k of the corpus is hard-linked
under `copy-<k>/` (hard links keep disk use flat; shipshape reads them as ordinary files).
For each size it runs `shipshape audit --format json` RUNS times and prints medians of wall and
CPU time, peak RSS and files/s.

Usage: scripts/bench-scale.py [CORPUS] [RUNS] [SCALES]   e.g. scripts/bench-scale.py ../shared/corpus 3 1,10,100
"""

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "../shared/corpus"))
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
SCALES = [int(s) for s in (sys.argv[3] if len(sys.argv) > 3 else "1,10,100").split(",")]
SHIPSHAPE = os.environ.get("SHIPSHAPE") or os.path.join(ROOT, "target/release/shipshape")
# Above this scale one run is enough: a run takes minutes and its noise is small beside it.
ONE_RUN_FROM = 30


def link_copy(dst):
    for dirpath, dirnames, filenames in os.walk(CORPUS, followlinks=False):
        rel = os.path.relpath(dirpath, CORPUS)
        target = os.path.join(dst, rel)
        os.makedirs(target, exist_ok=True)
        for name in filenames:
            src = os.path.join(dirpath, name)
            if os.path.islink(src) or not os.path.isfile(src):
                continue
            try:
                os.link(src, os.path.join(target, name))
            except OSError:
                shutil.copyfile(src, os.path.join(target, name))


def measure(path, runs):
    walls, cpus, rss = [], [], 0
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        out = subprocess.run(["/usr/bin/time", "-f", "%M", SHIPSHAPE, "audit", path,
                              "--no-config", "-f", "json", "-o", "/dev/null"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        try:
            rss = max(rss, int(out.stderr.decode().strip().splitlines()[-1]))
        except (ValueError, IndexError):
            pass
    return statistics.median(walls), statistics.median(cpus), rss / 1024


def count_files(path):
    out = subprocess.run([SHIPSHAPE, "audit", path, "--no-config", "--list-files"],
                         capture_output=True, text=True, check=False).stdout
    last = out.strip().splitlines()[-1] if out.strip() else "0"
    return int(last.split()[0])


def main():
    if not os.path.exists(SHIPSHAPE):
        sys.exit("build first: cargo build --release")
    base = tempfile.mkdtemp(prefix="shipshape-scale-")
    try:
        made = 0
        print(f"{'scale':>6} {'files':>9} {'wall s':>8} {'cpu s':>8} {'rss MiB':>8} {'files/s':>10} {'s per 1x':>9}")
        for scale in SCALES:
            while made < scale:
                link_copy(os.path.join(base, f"copy-{made:03}"))
                made += 1
            files = count_files(base)
            wall, cpu, rss = measure(base, 1 if scale >= ONE_RUN_FROM else RUNS)
            print(f"{scale:>5}x {files:>9} {wall:>8.2f} {cpu:>8.2f} {rss:>8.1f} "
                  f"{files / wall:>10,.0f} {wall / scale:>9.3f}", flush=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
