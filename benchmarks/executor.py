"""The NumPy executor's forward pass against PyTorch's CPU nn.LSTM / nn.GRU.

    python benchmarks/executor.py [--runs 7]    # needs numpy, and torch for the comparison

Same sizes, same weights and inputs, same thread count (PyTorch's, and NumPy's BLAS through
the environment), inference (no autograd). Each side is timed in a process of its own: in one
process, the threads OpenBLAS and PyTorch's OpenMP leave spinning slow the other side down.
Prints each median and the executor's ratio to PyTorch; the target is no more than 1.5.

Where the environment pins OpenBLAS's kernels (OPENBLAS_CORETYPE, set on some machines), the
executor is also timed with the kernels OpenBLAS would choose itself.
"""

import os
import statistics
import subprocess
import sys
import time

THREADS = os.environ.setdefault("OMP_NUM_THREADS", str(os.cpu_count() or 1))
os.environ.setdefault("OPENBLAS_NUM_THREADS", THREADS)
os.environ.setdefault("MKL_NUM_THREADS", THREADS)
SIZES = [(32, 100, 64, 128), (64, 200, 128, 256)]  # batch, timesteps, features, units


def median_ms(call, runs: int) -> float:
    call()  # warm up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e3


def measure(side: str, mode: str, size: list[int], runs: int) -> float:
    """One side's median time in ms, in this process: numpy, torch or torch-generic."""
    import numpy as np

    batch, steps, features, units = size
    x = np.random.default_rng(0).standard_normal((steps, batch, features), np.float32)
    rng = np.random.default_rng(1)
    rows = {"LSTM": 4, "GRU": 3}[mode] * units
    params = {
        "weight_ih_l0": rng.uniform(-0.1, 0.1, (rows, features)).astype(np.float32),
        "weight_hh_l0": rng.uniform(-0.1, 0.1, (rows, units)).astype(np.float32),
        "bias_ih_l0": np.zeros(rows, np.float32),
        "bias_hh_l0": np.zeros(rows, np.float32),
    }
    if side == "numpy":
        from rnncalc import parse_layer
        from rnncalc.execute import run_layer

        config, _ = parse_layer(f"nn.{mode}({features}, {units})")
        return median_ms(lambda: run_layer(config, params, x), runs)
    import torch

    torch.set_num_threads(int(THREADS))
    module = getattr(torch.nn, mode)(features, units)
    module.load_state_dict({k: torch.from_numpy(v) for k, v in params.items()})
    tx = torch.from_numpy(x)
    with torch.inference_mode(), torch.backends.mkldnn.flags(enabled=side == "torch"):
        return median_ms(lambda: module(tx), runs)


def timed(side: str, mode: str, size: tuple[int, ...], runs: int, env: dict[str, str]) -> float:
    """`measure` in a fresh process."""
    argv = [sys.executable, __file__, "--measure", side, mode, *map(str, size), str(runs)]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    return float(done.stdout)


def main() -> None:
    from tabulate import tabulate

    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 7
    try:
        import torch  # noqa: F401

        sides = ["torch", "torch-generic"]
    except ImportError:
        sides = []
        print("torch is not installed: timing the executor alone")
    pinned = os.environ.get("OPENBLAS_CORETYPE")
    unpinned = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    rows = []
    for mode in ("LSTM", "GRU"):
        for size in SIZES:
            numpy_ms = timed("numpy", mode, size, runs, dict(os.environ))
            row = [mode, "×".join(map(str, size)), f"{numpy_ms:.1f}"]
            if pinned:
                free_ms = timed("numpy", mode, size, runs, unpinned)
                row.append(f"{free_ms:.1f}")
            for side in sides:
                theirs = timed(side, mode, size, runs, dict(os.environ))
                row += [f"{theirs:.1f}", f"{numpy_ms / theirs:.2f}"]
                if pinned:
                    row.append(f"{free_ms / theirs:.2f}")
            rows.append(row)
    headers = ["layer", "batch×steps×in×units", "executor ms"] + (["unpinned ms"] if pinned else [])
    for side in sides:
        headers += [f"{side} ms", "ratio"] + (["ratio unpinned"] if pinned else [])
    print(f"{THREADS} threads" + (f"; OPENBLAS_CORETYPE={pinned}" if pinned else ""))
    print(tabulate(rows, headers, disable_numparse=True))
    if pinned:
        print("unpinned: the executor with OPENBLAS_CORETYPE unset (OpenBLAS picks its kernels)")
    if sides:
        print("torch-generic: PyTorch with oneDNN disabled, its own CPU implementation")
        print("target: ratio to PyTorch (with oneDNN, its default) no more than 1.5")


if __name__ == "__main__":
    if "--measure" in sys.argv:
        side, mode, *rest = sys.argv[sys.argv.index("--measure") + 1 :]
        print(measure(side, mode, [int(v) for v in rest[:4]], int(rest[4])))
    else:
        main()
