"""Ask real PyTorch what it does with recurrent module expressions as people write them.

Each case is an expression (as written in code or as `print(model)` shows it) and the shape of
the input it is run on. The module is made and run on zeros; the answer (output shapes, parameter
names and shapes, repr, warnings) or the refusal (exception type, message, and whether it came
when the module was made or when it ran) is saved. Needs torch installed; the tests only read
the file it writes.

    python tests/data/generate_torch.py

Each run replaces tests/data/torch_expressions.jsonl.
"""

import json
import warnings
from pathlib import Path

OUT = Path(__file__).with_name("torch_expressions.jsonl")

CASES = [
    # the forms people write
    ("nn.LSTM(10, 20, num_layers=2, batch_first=True, bidirectional=True)", (3, 5, 10)),
    ("torch.nn.GRU(input_size=300, hidden_size=512)", (5, 3, 300)),
    ("LSTM(15, 30, proj_size=21, num_layers=2, bias=False)", (4, 2, 15)),
    ("RNN(10, 20)", (5, 3, 10)),
    ("nn.RNN(input_size=10, hidden_size=20, num_layers=3, nonlinearity='tanh')", (5, 3, 10)),
    # known numbers
    ("nn.LSTM(300, 512, num_layers=2)", (5, 3, 300)),
    ("nn.LSTM(10, 20, proj_size=5)", (7, 3, 10)),
    ("nn.GRU(10, 20, num_layers=2, bidirectional=True)", (5, 3, 10)),
    ("nn.LSTM(256, 512, batch_first=True)", (60, 8, 256)),
    ("nn.LSTM(10, 20, bias=False)", (5, 3, 10)),
    ("nn.GRU(10, 20, bias=False, num_layers=2)", (5, 3, 10)),
    ("nn.RNN(10, 20, bidirectional=True, bias=False)", (5, 3, 10)),
    ("nn.GRU(10, 20, batch_first=True, bidirectional=True)", (3, 5, 10)),
    ("nn.LSTM(10, 20, batch_first=True, bidirectional=True, num_layers=3)", (3, 5, 10)),
    # unbatched input (L, H_in)
    ("nn.LSTM(10, 20)", (5, 10)),
    ("nn.LSTM(10, 20, batch_first=True)", (5, 10)),
    ("nn.LSTM(10, 20, bidirectional=True)", (5, 10)),
    ("nn.LSTM(10, 20, num_layers=2, bidirectional=True, batch_first=True)", (5, 10)),
    ("nn.GRU(10, 20, num_layers=2)", (5, 10)),
    ("nn.RNN(10, 20, bidirectional=True)", (5, 10)),
    ("nn.LSTM(10, 20, proj_size=5, num_layers=2, bidirectional=True)", (5, 10)),
    # nonlinearity
    ("nn.RNN(10, 20, nonlinearity='relu')", (5, 3, 10)),
    ("nn.RNN(10, 20, nonlinearity='sigmoid')", (5, 3, 10)),
    ("nn.GRU(10, 20, nonlinearity='relu')", (5, 3, 10)),
    ("nn.LSTM(10, 20, nonlinearity='tanh')", (5, 3, 10)),
    # dropout
    ("nn.LSTM(10, 20, dropout=1.5)", (5, 3, 10)),
    ("nn.LSTM(10, 20, dropout=-0.1)", (5, 3, 10)),
    ("nn.LSTM(10, 20, dropout=0.5)", (5, 3, 10)),
    ("nn.LSTM(10, 20, dropout=0.5, num_layers=1)", (5, 3, 10)),
    ("nn.LSTM(10, 20, dropout=1.0, num_layers=2)", (5, 3, 10)),
    ("nn.GRU(10, 20, dropout=0.2, num_layers=2)", (5, 3, 10)),
    ("nn.RNN(10, 20, dropout=True, num_layers=2)", (5, 3, 10)),
    ("nn.LSTM(10, 20, dropout='0.5', num_layers=2)", (5, 3, 10)),
    # proj_size
    ("nn.LSTM(10, 20, proj_size=20)", (5, 3, 10)),
    ("nn.LSTM(10, 20, proj_size=25)", (5, 3, 10)),
    ("nn.LSTM(10, 20, proj_size=19)", (5, 3, 10)),
    ("nn.LSTM(10, 20, proj_size=0)", (5, 3, 10)),
    ("nn.LSTM(10, 20, proj_size=-1)", (5, 3, 10)),
    ("nn.GRU(10, 20, proj_size=5)", (5, 3, 10)),
    ("nn.RNN(10, 20, proj_size=5)", (5, 3, 10)),
    ("nn.LSTM(10, 20, proj_size=5, bidirectional=True, num_layers=3)", (5, 3, 10)),
    ("nn.LSTM(10, 20, proj_size=5, bias=False)", (5, 3, 10)),
    # input rank and size
    ("nn.LSTM(10, 20)", (2, 5, 3, 10)),
    ("nn.LSTM(10, 20)", (10,)),
    ("nn.GRU(10, 20)", (5, 3, 11)),
    ("nn.GRU(10, 20)", (5, 11)),
    ("nn.LSTM(10, 20, batch_first=True)", (3, 5, 11)),
    ("nn.LSTM(10, 20)", (5, 0, 10)),
    ("nn.LSTM(10, 20)", (0, 3, 10)),
    ("nn.LSTM(10, 20, batch_first=True)", (0, 5, 10)),
    ("nn.RNN(10, 20)", (0, 10)),
    # sizes and types
    ("nn.LSTM(10, 0)", (5, 3, 10)),
    ("nn.LSTM(10, -1)", (5, 3, 10)),
    ("nn.LSTM(10, 20, num_layers=0)", (5, 3, 10)),
    ("nn.LSTM(10, 20, num_layers=-1)", (5, 3, 10)),
    ("nn.LSTM(0, 20)", (5, 3, 0)),
    ("nn.LSTM(10, 20.0)", (5, 3, 10)),
    ("nn.LSTM(10.0, 20)", (5, 3, 10)),
    ("nn.LSTM(10, 20, num_layers=2.0)", (5, 3, 10)),
    ("nn.LSTM(10, True)", (5, 3, 10)),
    ("nn.LSTM(10, 20, bias='False')", (5, 3, 10)),
    ("nn.LSTM(10, 20, bias='')", (5, 3, 10)),
    ("nn.LSTM(10, 20, bias=0)", (5, 3, 10)),
    ("nn.LSTM(10, 20, batch_first='yes')", (3, 5, 10)),
    ("nn.LSTM(10, 20, bidirectional=2)", (5, 3, 10)),
    # keywords
    ("nn.LSTM(10, 20, device='cpu')", (5, 3, 10)),
    ("nn.LSTM(10, 20, return_sequences=True)", (5, 3, 10)),
    ("nn.LSTM(10, 20, units=20)", (5, 3, 10)),
    ("nn.LSTM(input_size=10)", (5, 3, 10)),
    ("nn.LSTM(hidden_size=20)", (5, 3, 10)),
    ("nn.LSTM()", (5, 3, 10)),
    ("nn.LSTM(10, hidden_size=20)", (5, 3, 10)),
    ("nn.LSTM(10, 20, input_size=10)", (5, 3, 10)),
    ("nn.LSTM(10, 20, mode='GRU')", (5, 3, 10)),
    # positional arguments beyond (input_size, hidden_size)
    ("nn.LSTM(10, 20, 2)", (5, 3, 10)),
    ("nn.LSTM(10, 20, 2, False)", (5, 3, 10)),
    ("nn.LSTM(10, 20, 2, True, True)", (3, 5, 10)),
    ("nn.LSTM(10, 20, 2, True, False, 0.5, True)", (5, 3, 10)),
    ("nn.LSTM(10, 20, 2, True, False, 0.0, False, 5)", (5, 3, 10)),
    ("nn.GRU(10, 20, 2, True, True, 0.0, True)", (3, 5, 10)),
    ("nn.RNN(10, 20, 2, 'relu')", (5, 3, 10)),
    ("nn.RNN(10, 20, 2)", (5, 3, 10)),
    ("nn.RNN(10, 20, 2, 'relu', False, True)", (3, 5, 10)),
    # modules that are not the three layers
    ("nn.LSTMCell(10, 20)", (3, 10)),
    ("nn.GRUCell(10, 20)", (10,)),
    ("nn.RNNBase('LSTM', 10, 20)", (5, 3, 10)),
]


def _shapes(output) -> list:
    """Output tensors flattened in order: output, h_n, then c_n for LSTM."""
    if isinstance(output, (list, tuple)):
        return [s for o in output for s in _shapes(o)]
    return [list(output.shape)]


def torch_answer(torch, expression: str, input_shape: tuple) -> dict:
    namespace = {"nn": torch.nn, "torch": torch}
    namespace |= {"RNN": torch.nn.RNN, "GRU": torch.nn.GRU, "LSTM": torch.nn.LSTM}
    stage = "init"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            torch.manual_seed(0)
            module = eval(expression, namespace)  # the fixture generator only: trusted literals
            stage = "forward"
            with torch.no_grad():
                output = module(torch.zeros(input_shape))
            answer = {
                "accepted": True,
                "output_shapes": _shapes(output),
                "params": sum(p.numel() for p in module.parameters()),
                "weights": [[name, list(p.shape)] for name, p in module.named_parameters()],
                "repr": str(module),
            }
        except Exception as exc:  # what torch refuses, and how, is the answer
            answer = {
                "accepted": False,
                "error": type(exc).__name__,
                "message": str(exc)[:300],
                "stage": stage,
            }
    # oneDNN notes (emitted once per process) are about this machine's CPU kernels, not the module
    kept = [str(w.message) for w in caught if "oneDNN" not in str(w.message)]
    return answer | {"warnings": kept}


def main() -> None:
    import torch

    fresh = [
        json.dumps(
            {"torch": torch.__version__, "expression": expression, "input_shape": list(shape)}
            | torch_answer(torch, expression, shape),
            sort_keys=True,
        )
        for expression, shape in CASES
    ]
    OUT.write_text("\n".join(sorted(fresh)) + "\n")
    print(f"wrote {len(fresh)} torch cases to {OUT}")


if __name__ == "__main__":
    main()
