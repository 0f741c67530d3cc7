"""Copy ../shared/oracle and ../shared/snippets into tests/data, so that the tests run without
../shared.

Run from the repository root when either changes: `python tests/data/copy_oracle.py`.
Only data is copied: the cases real tf-keras 2.21, Keras 3.15 and PyTorch 2.13 reported
(`*.jsonl`, their README) and the saved models of `num_public/`, and the snippets of model
code with what the frameworks reported for each (`manifest.jsonl`). The tests read them as they
are (tests/conftest.py picks the single-layer cases out of the model JSON).
"""

import shutil
import sys
from pathlib import Path

DATA = Path(__file__).parent


def main() -> None:
    shared = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared")
    for name in ("oracle", "snippets"):
        out = DATA / name
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(shared / name, out, copy_function=shutil.copyfile)
        for path in [out, *out.rglob("*")]:  # the shared copy is read-only; ours need not be
            path.chmod(0o755 if path.is_dir() else 0o644)
        files = [p for p in out.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        print(f"copied {len(files)} files ({size:,} bytes) to {out}")


if __name__ == "__main__":
    main()
