"""Copy ../shared/oracle into tests/data/oracle, so that the tests run without ../shared.

Run from the repository root when the oracle changes: `python tests/data/copy_oracle.py`.
Only data is copied: the cases real tf-keras 2.21, Keras 3.15 and PyTorch 2.13 reported
(`*.jsonl`, their README) and the saved models of `num_public/`. The tests read them as they
are (tests/conftest.py picks the single-layer cases out of the model JSON).
"""

import shutil
import sys
from pathlib import Path

OUT = Path(__file__).parent / "oracle"


def main() -> None:
    oracle = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/oracle")
    shutil.rmtree(OUT, ignore_errors=True)
    shutil.copytree(oracle, OUT, copy_function=shutil.copyfile)
    for path in [OUT, *OUT.rglob("*")]:  # the shared copy is read-only; ours need not be
        path.chmod(0o755 if path.is_dir() else 0o644)
    files = [p for p in OUT.rglob("*") if p.is_file()]
    print(f"copied {len(files)} files ({sum(p.stat().st_size for p in files):,} bytes) to {OUT}")


if __name__ == "__main__":
    main()
