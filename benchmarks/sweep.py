"""How fast rnncalc sweeps and fits: the target is a 1,000-point sweep in under a second.

    python benchmarks/sweep.py [--runs 5]

Prints the median wall time of `memory_plan` over a 1,000-point timesteps sweep for a Keras
LSTM and a two-layer PyTorch GRU, and of a `--fit` search, in one process (warm imports).
"""

import statistics
import sys
import time

from rnncalc.calc.planning import memory_plan

CASES = {
    "LSTM(256), timesteps=1:1000": dict(
        layer="LSTM(256)", input_shape=(None, 128), batch_size=32, sweep="timesteps=1:1000"
    ),
    "nn.GRU(64, 128, num_layers=2), batch=1:1000": dict(
        layer="nn.GRU(64, 128, num_layers=2)",
        batch_input_shape=(100, None, 64),
        sweep="batch=1:1000",
    ),
    "LSTM(512), --fit 16GiB over timesteps": dict(
        layer="LSTM(512)",
        input_shape=(None, 256),
        batch_size=64,
        fit="16GiB",
        fit_over="timesteps",
    ),
}


def main() -> None:
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
    for name, kwargs in CASES.items():
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            memory_plan(**kwargs)
            times.append(time.perf_counter() - started)
        print(f"{name}: median {statistics.median(times):.3f} s over {runs} runs (target 1.000 s)")


if __name__ == "__main__":
    main()
