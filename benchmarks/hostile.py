"""Time and peak memory of rnncalc refusing hostile input, against the targets: a few seconds
and under 1 GiB each (issue: files from strangers). Each case runs in a fresh process.

    python benchmarks/hostile.py

Prints one line per case: its exit code, seconds, peak MiB, and both as a ratio of the target
(1.00 = at the target). A real model read whole (9,999 layers, listed last first) is timed the
same way: model graphs are walked in linear time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

TARGET_SECONDS, TARGET_BYTES = 3.0, 2**30
ROOT = Path(__file__).resolve().parent.parent
WEIGHTS = ROOT / "tests" / "data" / "weights"


def _chain(n: int) -> str:
    layers = [
        {
            "class_name": "InputLayer",
            "name": "in",
            "inbound_nodes": [],
            "config": {"name": "in", "batch_shape": [None, 4]},
        },
    ]
    for i in range(n):
        layers.append(
            {
                "class_name": "Dense",
                "name": f"d{i}",
                "config": {"name": f"d{i}", "units": 4},
                "inbound_nodes": [[[layers[-1]["name"], 0, 0, {}]]],
            }
        )
    config = {
        "name": "m",
        "layers": layers[::-1],
        "input_layers": [["in", 0, 0]],
        "output_layers": [[layers[-1]["name"], 0, 0]],
    }
    return json.dumps({"class_name": "Functional", "keras_version": "2.15.0", "config": config})


def cases(folder: Path) -> dict[str, list[str]]:
    """Each hostile case as rnncalc's arguments, its files made in `folder`."""
    import h5py

    bomb = folder / "bomb.npy"
    with bomb.open("wb") as stream:
        header = {"descr": "<f4", "fortran_order": False, "shape": (10**6, 10**6)}
        np.lib.format.write_array_header_1_0(stream, header)
    unwritten = folder / "unwritten.weights.h5"
    shutil.copy(WEIGHTS / "k3_named.weights.h5", unwritten)
    with h5py.File(unwritten, "r+") as h5:
        del h5["layers/lstm/cell/vars/0"]
        h5.create_dataset("layers/lstm/cell/vars/0", (100_000, 100_000), "f4", chunks=True)
    (folder / "deep.json").write_bytes(b"[" * 1_000_000 + b"]" * 1_000_000)
    (folder / "wide.json").write_text(_chain(200_000))
    (folder / "real.json").write_text(_chain(9_999))
    (folder / "spin.py").write_text("import os\nos.system('touch spun')\nwhile True:\n    pass\n")
    (folder / "grow.py").write_text("s = 'ab'\nfor i in range(99):\n    s = s + s\n")
    (folder / "deep.py").write_text("x = " + "[" * 190 + "]" * 190 + "\n")
    pickles = {  # a state_dict's data.pkl, written to build as much as its bound lets it
        "empty_dicts.pt": b"\x80\x02](" + b"}" * (2 * 2**20 - 10) + b"e.",
        "marks.pt": b"\x80\x02" + b"(" * (2 * 2**20 - 3) + b".",
        "system.pt": b"\x80\x02cos\nsystem\nX\n\x00\x00\x00touch spun\x85R.",
    }
    for name, data in pickles.items():
        with zipfile.ZipFile(folder / name, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("archive/data.pkl", data)
    header = b'{"w": {"dtype": "F32", "shape": [1000000, 1000000], "data_offsets": [0, 4]}}'
    (folder / "huge.safetensors").write_bytes(len(header).to_bytes(8, "little") + header + b"0000")
    model = str(WEIGHTS / "k3_named.keras")
    return {
        "a state_dict pickle of 2 MB of empty dicts": ["model", str(folder / "empty_dicts.pt")],
        "a state_dict pickle nested 2 million deep": ["model", str(folder / "marks.pt")],
        "a state_dict pickle that calls os.system": ["model", str(folder / "system.pt")],
        "a safetensors tensor of 10^12 floats": ["model", str(folder / "huge.safetensors")],
        "model code that loops without end": ["model", str(folder / "spin.py")],
        "model code doubling a string 99 times": ["model", str(folder / "grow.py")],
        "model code nested 190 deep": ["model", str(folder / "deep.py")],
        "a 4 TB .npy header": ["run", model, "--input", str(bomb)],
        "an unwritten 100000x100000 dataset": [
            "convert",
            "LSTM(4)",
            "--input-shape",
            "6,3",
            "--weights",
            str(unwritten),
            "--layer",
            "encoder",
            "--output",
            str(folder / "out.npz"),
        ],
        "nn.LSTM num_layers=1,000,000": [
            "summary",
            "nn.LSTM(3, 4, num_layers=1000000)",
            "--batch-input-shape",
            "5,2,3",
        ],
        "check over 10,000,000 timesteps": [
            "check",
            "LSTM(1)",
            "--batch-input-shape",
            "1,10000000,1",
        ],
        "a sweep of 10^12 values": [
            "memory",
            "LSTM(4)",
            "--input-shape",
            "3,4",
            "--batch-size",
            "2",
            "--sweep",
            "timesteps=1:1000000000000",
        ],
        "a grid of 10^12 combinations": [
            "sweep",
            "LSTM(4)",
            "--input-shape",
            "3,4",
            "--vary",
            "units=1:1000000",
            "--vary",
            "dropout=0:1000000",
        ],
        "JSON nested 10^6 deep": ["model", str(folder / "deep.json")],
        "200,000 layers listed last first": ["model", str(folder / "wide.json")],
        "a 9,999-layer model (answered)": ["model", str(folder / "real.json")],
    }


# Run rnncalc and report its own peak memory as it exits: VmHWM, the high-water mark of this
# process's memory alone (ru_maxrss would start from the parent's, inherited across exec).
CHILD = """
import sys
from rnncalc.main import main
sys.argv = ["rnncalc", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    status = exc.code or 0
else:
    status = 0
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
sys.stderr.write(f"\\npeak {hwm}\\n")
sys.exit(status)
"""


def measure(args: list[str]) -> tuple[int, float, int]:
    """Exit code, seconds and peak bytes of `rnncalc ARGS` in a fresh process."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args], capture_output=True, text=True, timeout=300
    )
    seconds = time.perf_counter() - start
    peak = int(done.stderr.strip().splitlines()[-1].split()[1]) * 1024  # KiB on Linux
    return done.returncode, seconds, peak


def main() -> None:
    argparse.ArgumentParser(description=__doc__).parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print(f"{'case':44} exit  seconds  ratio  peak MiB  ratio")
        for name, args in cases(Path(folder)).items():
            status, seconds, peak = measure(args)
            print(
                f"{name:44} {status:4}  {seconds:7.2f}  {seconds / TARGET_SECONDS:5.2f}  "
                f"{peak / 2**20:8.0f}  {peak / TARGET_BYTES:5.2f}"
            )


if __name__ == "__main__":
    main()
