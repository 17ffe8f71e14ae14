"""Wall time of ``stepvid generate`` with the bundled model on the CPU: a fresh process each run, model load,
text encoding, sampling, VAE decode and the mp4 write all included (the issue's "<= 30 s on 2 cores").

    python benchmarks/bundled_speed.py                    # 3 runs, pinned to 2 cores when taskset exists
    python benchmarks/bundled_speed.py --runs 5 --cores 0,1 --model DIR
    python benchmarks/bundled_speed.py --runs 3 --compare "--preset base"   # defaults vs defaults + FLAGS
    python benchmarks/bundled_speed.py --flags "--tries 1" --compare "--preset base"   # one clip each, no retries
    python benchmarks/bundled_speed.py --flags "--tries 1" --compare-env STEPVID_MALLOC_TUNE=0   # same flags, env

With ``--compare FLAGS`` the two settings alternate run by run (same box, same load) and the ratio of their median
wall and CPU times is printed last.

Wall time is what the issue's target is about; on a shared machine also read the CPU time (user + sys of the
child), which other load barely changes: with ``--threads 1 --cores 0`` it bounds the 2-core wall time.
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--prompt", default="一个红色的圆向右移动")
    ap.add_argument("--model", default=None, help="model folder (default: the bundled model, as users get it)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cores", default="0,1", help="CPU list for taskset (empty: do not pin)")
    ap.add_argument("--threads", type=int, default=2, help="OMP/torch threads in the child")
    ap.add_argument("--compare", default=None, metavar="FLAGS",
                    help="also time `stepvid generate` with these extra flags, alternating with the defaults")
    ap.add_argument("--compare-env", default=None, metavar="KEY=VALUE[,...]",
                    help="environment for the compared runs (e.g. STEPVID_MALLOC_TUNE=0: the CLI's malloc setting off); "
                         "alone it compares the same flags under two environments")
    ap.add_argument("--flags", default="", help="extra `stepvid generate` flags for every run (e.g. '--tries 1': the "
                    "world check's retries make a run's time depend on whether its first clip passed)")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(REPO))
    from stepvid.pipeline_cli import bundled_model_dir

    if args.model is None and bundled_model_dir() is None:
        print("no bundled model in stepvid/bundled/ (train it: recipes/bundled/run.py); pass --model DIR", file=sys.stderr)
        return 2
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), MKL_NUM_THREADS=str(args.threads),
               PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    prefix = ["taskset", "-c", args.cores] if args.cores and shutil.which("taskset") else []
    compare_env = dict(kv.split("=", 1) for kv in args.compare_env.split(",")) if args.compare_env else {}
    other = " ".join(filter(None, [args.compare, args.compare_env]))  # the compared setting's name ("": none)
    settings = {"defaults": []} | ({other: shlex.split(args.compare or "")} if other else {})
    times: dict[str, list[float]] = {k: [] for k in settings}
    cpus: dict[str, list[float]] = {k: [] for k in settings}
    last = ""
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            for name, extra in settings.items():
                cmd = [*prefix, sys.executable, "-m", "stepvid.cli", "generate", args.prompt, "-o",
                       f"{tmp}/out{i}.mp4", "--device", "cpu", "--seed", str(i)]
                if args.model:
                    cmd += ["--model", args.model]
                cmd += [*shlex.split(args.flags), *extra]  # after --model, so compared flags may replace it
                r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                t0 = time.perf_counter()
                run_env = env | compare_env if name == other else env
                res = subprocess.run(cmd, env=run_env, capture_output=True, text=True, check=False)
                dt = time.perf_counter() - t0
                r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
                if res.returncode != 0:
                    print(res.stderr[-2000:], file=sys.stderr)
                    return res.returncode
                lines = res.stderr.splitlines() + res.stdout.splitlines()
                last = ([x for x in lines if x.startswith("wrote")][-1:] or [""])[0]
                times[name].append(dt)
                cpus[name].append(cpu)
                split = last[last.find("load "):] if "load " in last else ""
                print(f"run {i} [{name}]: {dt:.2f} s wall, {cpu:.2f} CPU-s (user + sys); {split}", flush=True)
    where = f"{'pinned to cores ' + args.cores if prefix else 'unpinned'}, {args.threads} threads"
    for name in settings:
        t, c = times[name], cpus[name]
        print(f"stepvid generate [{name}] (fresh process, {where}): median {statistics.median(t):.2f} s, "
              f"min {min(t):.2f} s, max {max(t):.2f} s over {len(t)} runs; CPU time median "
              f"{statistics.median(c):.2f} s")
    if other:
        med = {k: (statistics.median(times[k]), statistics.median(cpus[k])) for k in settings}
        (tw, tc), (cw, cc) = med["defaults"], med[other]
        print(f"[{other}] / [defaults]: {cw / tw:.2f}x wall, {cc / tc:.2f}x CPU time")
    print(last)
    return 0


if __name__ == "__main__":
    sys.exit(main())
