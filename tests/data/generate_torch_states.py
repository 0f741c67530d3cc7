"""Write tests/data/torch_states.jsonl: what PyTorch says of initial states given to forward.

Needs torch (2.13.0 for the committed file); the project never does. For recurrent modules
(batch_first, bidirectional, num_layers, proj_size) and inputs batched and unbatched, it gives
`forward` an `hx` (and for LSTM a `cx`) of the expected shape and of wrong ones, and records
whether torch accepted it, and its error message where it did not. Run:

    python tests/data/generate_torch_states.py
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from torch import nn

OUT = Path(__file__).with_name("torch_states.jsonl")
MODULES = [
    "LSTM(4, 6)",
    "LSTM(4, 6, num_layers=2, bidirectional=True)",
    "LSTM(4, 6, proj_size=3, batch_first=True)",
    "LSTM(4, 6, num_layers=3, proj_size=2, bidirectional=True, batch_first=True)",
    "GRU(4, 6, num_layers=2)",
    "GRU(4, 5, bidirectional=True, batch_first=True)",
    "RNN(4, 6)",
    "RNN(4, 3, num_layers=2, bidirectional=True, batch_first=True)",
]


def states_for(module: nn.Module, batched: bool, batch: int) -> list[tuple[list, list | None]]:
    layers = module.num_layers * (2 if module.bidirectional else 1)
    out = module.proj_size or module.hidden_size
    lead = [layers, batch] if batched else [layers]
    good_h, good_c = [*lead, out], [*lead, module.hidden_size]
    lstm = isinstance(module, nn.LSTM)
    wrong = [
        [*lead[:-1], lead[-1] + 1, out],
        [*lead, out + 1],
        [layers + 1, *lead[1:], out],
        [out],
        [*lead, out, 1],
        [1, *lead, out],
    ]
    found: list[tuple[list, list | None]] = []
    for h in [good_h, *wrong]:
        found.append((h, good_c if lstm else None))
    if lstm:
        cells = ([*lead, out + 7], [*lead[:-1], lead[-1] + 1, module.hidden_size], [out])
        found += [(good_h, c) for c in cells]
        found.append((good_h, good_h))  # the projection's size where the cell's is expected
    return found


def main() -> None:
    cases = []
    for text in MODULES:
        module = eval("nn." + text, {"nn": nn})
        first = module.batch_first
        for batched in (True, False):
            batch, steps = 3, 5
            shape = ([batch, steps] if first else [steps, batch]) + [4] if batched else [steps, 4]
            for h, c in states_for(module, batched, batch):
                hx = (torch.zeros(h), torch.zeros(c)) if c is not None else torch.zeros(h)
                case = {"module": f"nn.{text}", "input_shape": shape, "hx": h, "cx": c}
                try:
                    with torch.no_grad():
                        module(torch.zeros(shape), hx)
                    case["accepted"] = True
                except (RuntimeError, ValueError) as exc:
                    case["accepted"] = False
                    case["error"] = str(exc).splitlines()[0]
                cases.append(case)
    with OUT.open("w") as out:
        for case in cases:
            out.write(json.dumps(case) + "\n")
    print(f"{len(cases)} cases -> {OUT}")


if __name__ == "__main__":
    main()
