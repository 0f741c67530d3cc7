"""The NumPy executor's forward pass against PyTorch's CPU nn.LSTM / nn.GRU.

    python benchmarks/executor.py [--runs 7]    # needs numpy, and torch for the comparison

Same sizes, same thread count (PyTorch's, and NumPy's BLAS through the environment, set
before NumPy loads), inference (no autograd). Prints each median and the ratio; the target is
the executor no slower than 1.5 times PyTorch.
"""

import os
import statistics
import sys
import time
import warnings

THREADS = os.environ.setdefault("OMP_NUM_THREADS", str(os.cpu_count() or 1))
os.environ.setdefault("OPENBLAS_NUM_THREADS", THREADS)
os.environ.setdefault("MKL_NUM_THREADS", THREADS)

import numpy as np  # noqa: E402

from rnncalc import parse_layer  # noqa: E402
from rnncalc.execute import run_layer  # noqa: E402

SIZES = [(32, 100, 64, 128), (64, 200, 128, 256)]  # batch, timesteps, features, units


def median_time(call, runs: int) -> float:
    call()  # warm up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def compare(mode: str, size: tuple[int, int, int, int], runs: int, torch) -> str:
    """One mode and size: the executor's median time, and PyTorch's with and without oneDNN."""
    batch, steps, features, units = size
    x = np.random.default_rng(0).standard_normal((steps, batch, features), np.float32)
    config, _ = parse_layer(f"nn.{mode}({features}, {units})")
    rng = np.random.default_rng(1)
    rows = {"LSTM": 4, "GRU": 3}[mode] * units
    params = {
        "weight_ih_l0": rng.uniform(-0.1, 0.1, (rows, features)).astype(np.float32),
        "weight_hh_l0": rng.uniform(-0.1, 0.1, (rows, units)).astype(np.float32),
        "bias_ih_l0": np.zeros(rows, np.float32),
        "bias_hh_l0": np.zeros(rows, np.float32),
    }
    mine = median_time(lambda: run_layer(config, params, x), runs)
    line = f"{mode} batch {batch}, {steps} steps, {features}→{units}: {mine * 1e3:.1f} ms"
    if torch is None:
        return line
    module = getattr(torch.nn, mode)(features, units)
    module.load_state_dict({k: torch.from_numpy(v) for k, v in params.items()})
    tx = torch.from_numpy(x)
    with torch.inference_mode():
        theirs = median_time(lambda: module(tx), runs)
        with torch.backends.mkldnn.flags(enabled=False):  # PyTorch's generic CPU path
            generic = median_time(lambda: module(tx), runs)
    return (
        f"{line}; PyTorch {theirs * 1e3:.1f} ms, ratio {mine / theirs:.2f} (target ≤ 1.5); "
        f"PyTorch without oneDNN {generic * 1e3:.1f} ms, ratio {mine / generic:.2f}"
    )


def main() -> None:
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 7
    try:
        import torch
    except ImportError:
        torch = None
        print("torch is not installed: timing the executor alone")
    if torch is not None:
        torch.set_num_threads(int(THREADS))
        warnings.filterwarnings("ignore", message="TF32 acceleration")
    print(f"{THREADS} threads; executor times, then PyTorch's CPU nn.LSTM / nn.GRU")
    for mode in ("LSTM", "GRU"):
        for size in SIZES:
            print(compare(mode, size, runs, torch))


if __name__ == "__main__":
    main()
