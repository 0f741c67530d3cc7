"""Cold wall time of `rnncalc model FILE.py` for every published snippet of model code.

Each snippet (tests/data/snippets, with the values its manifest gives for its free names) runs
in fresh processes, the snippets taking turns run by run, after one untimed run of each (so
that the first one timed does not also pay for reading the installed files from disk).
Prints each one's median, the slowest median against the target of 0.3 s (with the time the
dependencies take to import in the same run, which says how quick the machine is), and, where
tf-keras is importable in the same Python (or in the one named by --framework-python), the
median of tf-keras building the same model and calling summary(), as a ratio.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

SNIPPETS = Path(__file__).parent.parent / "tests" / "data" / "snippets"
TARGET = 0.3
DEPENDENCIES = "from pydantic import BaseModel; import tabulate, typer"  # as rnncalc uses them
# The snippet run the way the manifest ran it: tf-keras serves `keras`, the model summarized.
FRAMEWORK = """
import os, sys, types
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np
import tf_keras
for name in ("", ".layers", ".models"):
    sys.modules["keras" + name] = eval("tf_keras" + name)
free = {free}
def value(v):
    if isinstance(v, dict) and "__array__" in v: return np.zeros(v["__array__"], "float32")
    if isinstance(v, dict) and "__object__" in v: return types.SimpleNamespace(**v["__object__"])
    return v
scope = {{k: value(v) for k, v in free.items()}}
exec(open({path!r}).read(), scope)
eval({target!r}, scope).summary()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--framework-python", default=sys.executable)
    args = parser.parse_args()
    rnncalc = shutil.which("rnncalc") or sys.exit("rnncalc is not installed")
    cases = [json.loads(line) for line in (SNIPPETS / "manifest.jsonl").open()]
    cases = [c for c in cases if c["outcome"].get("keras2") == "accepted"]
    commands = {}
    for case in cases:
        target = case["targets"][0]
        argv = [rnncalc, "model", str(SNIPPETS / case["file"]), "--json"]
        argv += ["--vars", json.dumps(case["free_vars"])]
        commands[case["id"]] = argv + ([] if target == "model" else ["--target", target])
    for argv in commands.values():  # one untimed run each: the disk's cache, not the start
        subprocess.run(argv, capture_output=True, check=True)
    commands["(dependencies)"] = [sys.executable, "-c", DEPENDENCIES]
    times = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, argv in commands.items():
            start = time.perf_counter()
            subprocess.run(argv, capture_output=True, check=True)
            times[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(found) for name, found in times.items()}
    dependencies = medians.pop("(dependencies)")
    for name, median in sorted(medians.items(), key=lambda item: -item[1]):
        print(f"{name:45} {median * 1000:7.0f} ms")
    slowest = max(medians.values())
    print(
        f"slowest median {slowest * 1000:.0f} ms (target < {TARGET * 1000:.0f} ms): "
        f"{'met' if slowest < TARGET else 'NOT MET'}; the dependencies alone import in "
        f"{dependencies * 1000:.0f} ms here ({slowest / dependencies:.2f}x)"
    )
    probe = [args.framework_python, "-c", "import tf_keras"]
    if subprocess.run(probe, capture_output=True).returncode != 0:
        print("tf-keras is not importable here: no framework ratio (--framework-python)")
        return
    ratios = []
    for case in cases[:5]:  # TensorFlow takes seconds to start: a few snippets are enough
        code = FRAMEWORK.format(
            free=case["free_vars"], path=str(SNIPPETS / case["file"]), target=case["targets"][0]
        )
        found = []
        for _ in range(min(args.runs, 3)):
            start = time.perf_counter()
            subprocess.run([args.framework_python, "-c", code], capture_output=True, check=True)
            found.append(time.perf_counter() - start)
        ratios.append(statistics.median(found) / medians[case["id"]])
        print(
            f"{case['id']:45} tf-keras {statistics.median(found):6.2f} s: {ratios[-1]:.0f}x rnncalc"
        )
    print(
        f"tf-keras building and summarizing takes {statistics.median(ratios):.0f}x rnncalc's time"
    )


if __name__ == "__main__":
    main()
