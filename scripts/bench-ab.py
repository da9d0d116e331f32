#!/usr/bin/env python3
"""Interleaved A/B timing of shipshape binaries on the same audit, for before/after pairs.

Runs each binary N times, alternating between them so that a noisy neighbour slows both
alike, and prints the median wall, user, system and total CPU time of each, and the fastest
wall time. Copy the binaries first (`cp target/release/shipshape /tmp/ss-before`): a rebuild
must not swap one under the benchmark.

Usage: scripts/bench-ab.py N BINARY [BINARY...]
Environment: ARGS (default `audit ../shared/corpus --no-config -f json -o /dev/null`).
"""

import os
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_ARGS = f"audit {os.path.join(ROOT, '../shared/corpus')} --no-config -f json -o /dev/null"


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    runs, binaries = int(sys.argv[1]), sys.argv[2:]
    args = os.environ.get("ARGS", DEFAULT_ARGS).split()
    results = {b: [] for b in binaries}
    for _ in range(runs):
        for binary in binaries:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run([binary] + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
            results[binary].append((wall, user, system, user + system))
    for binary, rows in results.items():
        median = [statistics.median(r[i] for r in rows) for i in range(4)]
        print(
            f"{binary:24} wall {median[0]:.3f}  user {median[1]:.3f}  sys {median[2]:.3f}"
            f"  cpu {median[3]:.3f}  (fastest wall {min(r[0] for r in rows):.3f})"
        )


if __name__ == "__main__":
    main()
