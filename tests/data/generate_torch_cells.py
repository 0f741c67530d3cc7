"""Write tests/data/torch_cells.jsonl: PyTorch's cells on inputs and states, as torch reports.

Needs torch (2.13.0 for the committed file); the project never does. For nn.RNNCell,
nn.GRUCell and nn.LSTMCell, batched and unbatched, with and without hx (right and wrong),
it records what forward returned (shapes), the parameters, or torch's error. Run:

    python tests/data/generate_torch_cells.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import torch
from torch import nn

OUT = Path(__file__).with_name("torch_cells.jsonl")
CELLS = [
    "RNNCell(10, 20)",
    "RNNCell(3, 5, bias=False, nonlinearity='relu')",
    "GRUCell(10, 20)",
    "GRUCell(4, 7, bias=False)",
    "LSTMCell(10, 20)",
    "LSTMCell(6, 3, bias=False)",
]


def cases() -> list[dict]:
    found = []
    for text in CELLS:
        cell = eval("nn." + text, {"nn": nn})
        i, h = cell.input_size, cell.hidden_size
        for x in ([4, i], [i], [4, i + 1], [2, 4, i]):
            for s in (None, [4, h], [h], [3, h], [4, h + 1], [1, 4, h]):
                found.append({"cell": f"nn.{text}", "input_shape": x, "hx": s})
    return found


def run(case: dict) -> dict:
    cell = eval(case["cell"], {"nn": nn})
    s = case["hx"]
    hx = None if s is None else torch.zeros(s)
    if isinstance(cell, nn.LSTMCell) and hx is not None:
        hx = (hx, torch.zeros(s))
    found = dict(case, parameters=[[n, list(p.shape)] for n, p in cell.named_parameters()])
    try:
        with torch.no_grad():
            out = cell(torch.zeros(case["input_shape"]), hx)
        outs = out if isinstance(out, tuple) else (out,)
        found["output_shapes"] = [list(o.shape) for o in outs]
    except (RuntimeError, ValueError, IndexError) as exc:
        found["error"] = str(exc).splitlines()[0]
    return found


def main() -> None:
    """Each case in a process of its own: torch crashes on some (a segmentation fault), and
    those are left out."""
    if len(sys.argv) > 1:
        print(json.dumps(run(json.loads(sys.argv[1]))))
        return
    found = []
    for case in cases():
        done = subprocess.run(
            [sys.executable, __file__, json.dumps(case)], capture_output=True, text=True
        )
        if done.returncode == 0:
            found.append(json.loads(done.stdout.strip().splitlines()[-1]))
    with OUT.open("w") as out:
        for case in found:
            out.write(json.dumps(case) + "\n")
    print(f"{len(found)} of {len(cases())} cases (the others crash torch) -> {OUT}")


if __name__ == "__main__":
    main()
