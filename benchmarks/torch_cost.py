"""Ground-truth FLOPs and saved-activation memory of PyTorch recurrent layers (CPU), and how
far rnncalc's estimates are from them.

    python benchmarks/torch_cost.py            # measure (needs torch 2.x), then compare
    python benchmarks/torch_cost.py --compare  # compare rnncalc with the last measurements

It measures a grid of nn.RNN (tanh) / nn.GRU / nn.LSTM configurations and writes
tests/data/torch_cost.jsonl (the tests check rnncalc against it), one sorted, deterministic JSON
object per line: the configuration plus

- flops, flops_by_op: FlopCounterMode counts of one forward pass, oneDNN disabled (with oneDNN
  on, nn.LSTM runs one fused op that the counter reports as 0);
- saved_bytes, saved_tensors: bytes and count of the distinct storages saved for backward during
  a training-mode forward (oneDNN disabled, input not requiring grad), leaving out parameter
  storages and the input's own storage;
- saved_bytes_input_grad: the same with the input requiring grad;
- saved_bytes_mkldnn, saved_tensors_mkldnn: the same as saved_bytes with oneDNN enabled.
"""

from __future__ import annotations

import itertools
import json
import pathlib
import sys
import warnings

OUT = pathlib.Path(__file__).parent.parent / "tests" / "data" / "torch_cost.jsonl"
# (batch, timesteps, input_size, hidden_size)
SHAPES = [
    (1, 1, 3, 4),
    (2, 5, 3, 4),
    (3, 7, 5, 12),
    (4, 10, 8, 16),
    (8, 20, 16, 32),
    (16, 50, 32, 64),
]


def _saved(module, x, mkldnn, input_grad):
    """Bytes and count of distinct storages saved for backward, minus parameters and the input."""
    import torch

    x = x.detach().requires_grad_(input_grad)
    skip = {p.untyped_storage().data_ptr() for p in module.parameters()}
    skip.add(x.untyped_storage().data_ptr())
    storages = {}

    def pack(t):
        storage = t.untyped_storage()
        if storage.data_ptr() not in skip:
            storages[storage.data_ptr()] = storage  # holding it keeps the address unique
        return t

    with (
        torch.backends.mkldnn.flags(enabled=mkldnn),
        torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t),
    ):
        out = module(x)
    del out
    return sum(s.nbytes() for s in storages.values()), len(storages)


def measure(
    mode,
    input_size,
    hidden_size,
    num_layers,
    bias,
    batch_first,
    bidirectional,
    proj_size,
    batch,
    timesteps,
    dtype=None,
    dropout=0.0,
):
    """Measure one configuration; batch=None means an unbatched (timesteps, input_size) input."""
    import torch
    from torch import nn
    from torch.utils.flop_counter import FlopCounterMode

    dtype = dtype or torch.float32
    torch.manual_seed(0)
    extra = {"proj_size": proj_size} if proj_size else {}
    module = getattr(nn, mode)(
        input_size,
        hidden_size,
        num_layers=num_layers,
        bias=bias,
        batch_first=batch_first,
        dropout=dropout,
        bidirectional=bidirectional,
        dtype=dtype,
        **extra,
    ).train()
    if batch is None:
        shape = (timesteps, input_size)
    else:
        shape = (batch, timesteps, input_size) if batch_first else (timesteps, batch, input_size)
    x = torch.randn(shape, dtype=dtype)
    counter = FlopCounterMode(display=False)
    with torch.backends.mkldnn.flags(enabled=False), counter:
        module(x)
    by_op = {str(op): n for op, n in counter.get_flop_counts()["Global"].items()}
    result = {"flops": counter.get_total_flops(), "flops_by_op": dict(sorted(by_op.items()))}
    result["saved_bytes"], result["saved_tensors"] = _saved(module, x, False, False)
    result["saved_bytes_input_grad"], _ = _saved(module, x, False, True)
    result["saved_bytes_mkldnn"], result["saved_tensors_mkldnn"] = _saved(module, x, True, False)
    return result


FIELDS = (
    "mode input_size hidden_size num_layers bias batch_first bidirectional proj_size dropout"
    " batch timesteps"
).split()


def grid():
    """Configurations as keyword dicts for measure(), sorted; batch None means unbatched."""
    modes = ("RNN", "GRU", "LSTM")

    def projs(mode, h):
        return (0, h // 2) if mode == "LSTM" else (0,)

    rows = []
    for mode, bias, layers, bidir, bf, (n, t, i, h) in itertools.product(
        modes, (True, False), (1, 2, 3), (False, True), (False, True), SHAPES
    ):
        rows += [(mode, i, h, layers, bias, bf, bidir, p, 0.0, n, t) for p in projs(mode, h)]
    for mode, bidir, bf, (n, t, i, h) in itertools.product(
        modes, (False, True), (False, True), SHAPES[1:4]
    ):
        rows += [(mode, i, h, 2, True, bf, bidir, p, 0.5, n, t) for p in projs(mode, h)]
    for mode, layers, bidir, (_, t, i, h) in itertools.product(
        modes, (1, 2), (False, True), SHAPES[1:5]
    ):
        rows += [(mode, i, h, layers, True, False, bidir, p, 0.0, None, t) for p in projs(mode, h)]
    rows.sort(key=lambda row: tuple(-1 if v is None else v for v in row))
    return [dict(zip(FIELDS, row, strict=True)) for row in rows]


def compare(rows):
    """rnncalc's `macs` and `activations_training_bytes` against the measurements: the worst
    relative errors over all rows."""
    from rnncalc import summary

    worst = {"flops": 0.0, "saved bytes": 0.0}
    for row in rows:
        args = ", ".join(
            f"{k}={row[k]!r}"
            for k in ("num_layers", "bias", "batch_first", "bidirectional", "dropout", "proj_size")
            if k != "proj_size" or row[k]
        )
        expression = f"nn.{row['mode']}({row['input_size']}, {row['hidden_size']}, {args})"
        n, t, i = row["batch"], row["timesteps"], row["input_size"]
        shape = (t, i) if n is None else (n, t, i) if row["batch_first"] else (t, n, i)
        report = summary(expression, batch_input_shape=shape)
        for name, mine, measured in (
            ("flops", 2 * report.macs, row["flops"]),
            ("saved bytes", report.memory.activations_training_bytes, row["saved_bytes"]),
        ):
            worst[name] = max(worst[name], abs(mine - measured) / max(measured, 1))
    return worst


def main():
    if "--compare" in sys.argv:
        rows = [json.loads(line) for line in OUT.open()]
    else:
        warnings.filterwarnings("ignore", message="TF32 acceleration|LSTM with projections")
        rows = [{**c, "dtype": "float32", **measure(**c)} for c in grid()]
        OUT.write_text("".join(json.dumps(row) + "\n" for row in rows))
        print(f"wrote {len(rows)} rows to {OUT}")
    for name, error in compare(rows).items():
        print(f"rnncalc vs PyTorch over {len(rows)} configurations: worst {name} error {error:.2%}")


if __name__ == "__main__":
    main()
