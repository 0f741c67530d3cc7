"""How many layer configs the Python API analyses a second: the target is 20,000.

    python benchmarks/api_rate.py [--count 20000]

Times `rnncalc.api.analyze` (shapes, weights, parameter count, cost, memory: everything
`summary --json` reports) over configs already built, and `summary` from expressions, which
also parses and validates each one.
"""

import sys
import time

from rnncalc import GRUConfig, LSTMConfig, SimpleRNNConfig, summary
from rnncalc.calc.analysis import analyze
from rnncalc.config.enums import KerasVersion
from rnncalc.config.inputs import ResolvedInput


def main() -> None:
    count = int(sys.argv[sys.argv.index("--count") + 1]) if "--count" in sys.argv else 20_000
    kinds = (SimpleRNNConfig, GRUConfig, LSTMConfig)
    configs = [kinds[i % 3](units=i % 256 + 1) for i in range(count)]
    given = ResolvedInput(shape=(32, 100, 64), given=("benchmark",))
    started = time.perf_counter()
    for config in configs:
        analyze(config, given, KerasVersion.V2)
    rate = count / (time.perf_counter() - started)
    print(f"analyze: {rate:,.0f} configs a second over {count:,} (target 20,000)")
    started = time.perf_counter()
    for i in range(count // 4):
        summary(f"LSTM({i % 256 + 1})", batch_input_shape=(32, 100, 64))
    rate = count // 4 / (time.perf_counter() - started)
    print(f"summary from an expression: {rate:,.0f} a second over {count // 4:,}")


if __name__ == "__main__":
    main()
