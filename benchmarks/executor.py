"""The NumPy executor's forward pass against PyTorch's CPU nn.LSTM / nn.GRU.

    python benchmarks/executor.py [--runs 7] [--rounds 3]   # numpy, and torch to compare

Same sizes, same weights and inputs, same thread count (PyTorch's, and NumPy's BLAS through
the environment), inference (no autograd). Each side is timed in a process of its own: in one
process, the threads OpenBLAS and PyTorch's OpenMP leave spinning slow the other side down.
The machine is shared and noisy: each side is timed in several rounds, interleaved, and the
best round's median counts. Prints those and the executor's ratio to PyTorch; the target is no
more than 1.5.

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


def best(
    sides: dict[str, dict[str, str]], mode: str, size: tuple[int, ...], runs: int, rounds: int
) -> dict[str, float]:
    """Each side's best median over `rounds`, the sides interleaved within a round."""
    found: dict[str, float] = {}
    for _ in range(rounds):
        for side, env in sides.items():
            ms = timed(side.removesuffix("-unpinned"), mode, size, runs, env)
            found[side] = min(found.get(side, ms), ms)
    return found


def main() -> None:
    from tabulate import tabulate

    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 7
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3
    try:
        import torch  # noqa: F401

        sides = ["torch", "torch-generic"]
    except ImportError:
        sides = []
        print("torch is not installed: timing the executor alone")
    pinned = os.environ.get("OPENBLAS_CORETYPE")
    env = dict(os.environ)
    everyone = {"numpy": env} | {side: env for side in sides}
    if pinned:
        everyone["numpy-unpinned"] = {k: v for k, v in env.items() if k != "OPENBLAS_CORETYPE"}
    rows = []
    for mode in ("LSTM", "GRU"):
        for size in SIZES:
            ms = best(everyone, mode, size, runs, rounds)
            row = [mode, "×".join(map(str, size)), f"{ms['numpy']:.1f}"]
            row += [f"{ms['numpy-unpinned']:.1f}"] if pinned else []
            for side in sides:
                row += [f"{ms[side]:.1f}", f"{ms['numpy'] / ms[side]:.2f}"]
                row += [f"{ms['numpy-unpinned'] / ms[side]:.2f}"] if pinned else []
            rows.append(row)
    headers = ["layer", "batch×steps×in×units", "executor ms"] + (["unpinned ms"] if pinned else [])
    for side in sides:
        headers += [f"{side} ms", "ratio"] + (["ratio unpinned"] if pinned else [])
    print(
        f"{THREADS} threads, best of {rounds} rounds"
        + (f"; OPENBLAS_CORETYPE={pinned}" if pinned else "")
    )
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
