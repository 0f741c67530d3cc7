"""Cold-start wall time of `rnncalc summary` for one layer, and what its import pulls in.

Prints the median over fresh processes, and the ratio to importing rnncalc's dependencies alone
(pydantic, typer, tabulate), timed in the same run, alternating with rnncalc's runs so that the
machine's load falls on both alike. Target: ≤ 1.5 times the dependencies as rnncalc uses them
(pydantic's BaseModel loads the part of pydantic a bare `import pydantic` leaves for later; the
ratio to the bare imports is printed too). Where tf-keras, Keras 3 or torchinfo are importable
in the same Python (or in the one named by --framework-python), times the same answer from them
and prints that ratio: at least 10 times slower than rnncalc.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

EXPRESSION = "LSTM(32, input_shape=(10, 64))"
DEPENDENCIES = {
    "as rnncalc uses them": "from pydantic import BaseModel; import tabulate, typer",
    "bare imports": "import pydantic, tabulate, typer",
}
TARGET = 1.5
HEAVY = ("numpy", "h5py", "mkdocs", "matplotlib", "tensorflow", "torch")
FRAMEWORKS = {
    "tf-keras model.summary()": (
        "import os; os.environ['TF_CPP_MIN_LOG_LEVEL']='3'; import tf_keras as k; "
        "m=k.Sequential([k.layers.LSTM(32, input_shape=(10, 64))]); m.summary()"
    ),
    "Keras 3 model.summary()": (
        "import keras as k; m=k.Sequential([k.Input((10, 64)), k.layers.LSTM(32)]); m.summary()"
    ),
    "torchinfo summary()": (
        "import torch, torchinfo; torchinfo.summary(torch.nn.LSTM(64, 32, batch_first=True), "
        "input_size=(1, 10, 64))"
    ),
}


def interleaved(commands: dict[str, list[str]], runs: int) -> dict[str, float]:
    """The median wall time of each command, the commands taking turns run by run."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            start = time.perf_counter()
            subprocess.run(argv, capture_output=True, check=True)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(found) for name, found in times.items()}


def wall(argv: list[str], runs: int) -> float | None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(argv, capture_output=True)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            return None
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument(
        "--framework-python",
        default=sys.executable,
        help="the Python in which to look for tf-keras, Keras 3 and torchinfo",
    )
    args = parser.parse_args()

    probe = f"import sys, rnncalc.cli; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    heavy = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    print(f"heavy modules imported by the calculator path: {heavy or 'none'}")

    command = shutil.which("rnncalc")
    argv = [command] if command else [sys.executable, "-m", "rnncalc"]
    commands = {"rnncalc": [*argv, "summary", EXPRESSION]}
    commands |= {name: [sys.executable, "-c", code] for name, code in DEPENDENCIES.items()}
    medians = interleaved(commands, args.runs)
    ours = medians.pop("rnncalc")
    print(f"rnncalc summary {EXPRESSION!r}: median {ours:.3f} s over {args.runs} runs")
    for name, theirs in medians.items():
        target = f" (target ≤ {TARGET})" if name == next(iter(DEPENDENCIES)) else ""
        print(
            f"cold start / dependencies {name}: {ours / theirs:.2f}{target} "
            f"({theirs:.3f} s for {DEPENDENCIES[name]!r})"
        )
    for name, code in FRAMEWORKS.items():
        theirs = wall([args.framework_python, "-c", code], max(3, args.runs // 3))
        if theirs is None:
            print(f"{name}: not installed, skipped")
        else:
            print(f"{name}: median {theirs:.3f} s, {theirs / ours:.1f}× rnncalc")
    if heavy:
        sys.exit(f"the calculator path imported {heavy}")


if __name__ == "__main__":
    main()
