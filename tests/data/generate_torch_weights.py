"""Write tests/data/torch_weights/: real `state_dict`s saved by torch, and what they hold.

Needs torch and safetensors (2.13.0 and 0.8 for the committed files); the project never does.
For each recurrent configuration of the shared oracle's pt_public.jsonl (copied to
tests/data/oracle/pt_public.jsonl), and for a few whole models, it saves the module's
`state_dict()` with `torch.save` (`NAME.pt`) and `safetensors.torch.save_file`
(`NAME.safetensors`), with torch's own initial weights, and records in
`cases.jsonl` the module's repr, its state_dict's names and shapes, and for the recurrent
ones an input and what forward returned (`NAME.npz`: `input`, `output`, `h_n`, `c_n`).
Run:

    python tests/data/generate_torch_weights.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file
from torch import nn

DATA = Path(__file__).parent
OUT = DATA / "torch_weights"
EVERY = 5  # one oracle configuration in EVERY: the files stay small


class Tagger(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embedding = nn.Embedding(50, 8, padding_idx=0)
        self.encoder = nn.LSTM(8, 16, num_layers=2, bidirectional=True, batch_first=True)
        self.norm = nn.LayerNorm(32)
        self.head = nn.Linear(32, 5)


class Conv(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv1d(4, 8, 3)
        self.bn = nn.BatchNorm1d(8)
        self.cell = nn.GRUCell(8, 6)
        self.proj = nn.LSTM(6, 10, proj_size=3)


def main() -> None:
    torch.manual_seed(0)
    OUT.mkdir(exist_ok=True)
    cases = [json.loads(line) for line in (DATA / "oracle" / "pt_public.jsonl").open()]
    found = []
    for case in cases[::EVERY]:
        module = eval("nn." + case["repr"], {"nn": nn})
        found.append(save(case["id"], module, case["input_shape"]))
    for name, module in (("tagger", Tagger()), ("conv", Conv())):
        found.append(save(name, module, None))
    checkpoint(nn.GRU(3, 5, batch_first=True))
    with (OUT / "cases.jsonl").open("w") as out:
        for case in found:
            out.write(json.dumps(case) + "\n")
    print(f"{len(found)} state_dicts -> {OUT}")


def checkpoint(module: nn.Module) -> None:
    """A training checkpoint as people save one (the state_dict among other things), and a
    whole module pickled (which torch.load(weights_only=True) refuses, and so does rnncalc)."""
    torch.save(
        {
            "epoch": 3,
            "model_state_dict": module.state_dict(),
            "optimizer_state_dict": torch.optim.Adam(module.parameters()).state_dict(),
            "loss": 0.25,
            "shape": torch.Size([2, 3]),
            "device": torch.device("cpu"),
            "note": b"bytes",
        },
        OUT / "checkpoint.pt",
    )
    torch.save(module, OUT / "whole_module.pt")


def save(name: str, module: nn.Module, input_shape: list[int] | None) -> dict:
    module.eval()  # forward without dropout, as the executor runs
    state = module.state_dict()
    torch.save(state, OUT / f"{name}.pt")
    save_file({k: v.contiguous() for k, v in state.items()}, OUT / f"{name}.safetensors")
    case = {
        "id": name,
        "repr": repr(module),
        "state_dict": [[k, list(v.shape)] for k, v in state.items()],
        "parameters": [[k, list(p.shape)] for k, p in module.named_parameters()],
    }
    if input_shape is not None:
        x = torch.rand(*input_shape) * 2 - 1
        with torch.no_grad():
            output, state_out = module(x)
        states = state_out if isinstance(state_out, tuple) else (state_out,)
        arrays = {"input": x.numpy(), "output": output.numpy()}
        arrays |= {n: s.numpy() for n, s in zip(("h_n", "c_n"), states, strict=False)}
        np.savez(OUT / f"{name}.npz", **arrays)
        case["input_shape"] = input_shape
    return case


if __name__ == "__main__":
    main()
