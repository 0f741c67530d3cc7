"""Cold-start wall time of `rnncalc summary` for one layer, and what its import pulls in.

Prints the median over fresh processes; where tf-keras, Keras 3 or torchinfo are importable in
the same Python (or in the one named by --framework-python), times the same answer from them in
the same run and prints the ratio. Target: rnncalc ≤ 0.25 s on the 2-core CI machine, at
least 10 times faster than Keras.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

EXPRESSION = "LSTM(32, input_shape=(10, 64))"
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
    ours = wall([*argv, "summary", EXPRESSION], args.runs)
    assert ours is not None, "rnncalc summary failed"
    print(
        f"rnncalc summary {EXPRESSION!r}: median {ours:.3f} s over {args.runs} runs "
        f"(target 0.250 s)"
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
