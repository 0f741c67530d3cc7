"""Write tests/data/torch_models.jsonl: PyTorch models built from code, as PyTorch reports them.

Needs torch (2.13.0 for the committed file); the project never does. Each case is a module's
code, the expression that builds the model, and the tensors given to `forward`. For each, the
file records `print(model)`, `named_modules()` (params, own params, trainable), every
parameter from `named_parameters()`, the totals over `model.parameters()`, and where inputs
are given, each module's first call's input and output shapes (forward hooks) and what
`forward` returns. Errors are recorded with their message. Run:

    python tests/data/generate_torch_models.py
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from torch import nn

OUT = Path(__file__).with_name("torch_models.jsonl")
CODE = Path(__file__).with_name("torch_code")
HEAD = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n"


def seq(body: str) -> str:
    return HEAD + f"model = nn.Sequential(\n    {body}\n)\n"


CASES: list[tuple[str, str | Path, str, list[str]]] = [
    ("mlp", seq("nn.Linear(10, 20), nn.ReLU(), nn.Dropout(0.2), nn.Linear(20, 5, bias=False)"),
     "model", ["torch.zeros(4, 10)"]),
    ("conv1d", seq("nn.Conv1d(16, 33, 3, stride=2), nn.BatchNorm1d(33), nn.ReLU(), "
                   "nn.MaxPool1d(2), nn.Flatten(), nn.Linear(33 * 6, 4)"),
     "model", ["torch.zeros(2, 16, 50)"]),
    ("conv2d", seq("nn.Conv2d(3, 8, (3, 5), padding=1), nn.BatchNorm2d(8, affine=False), "
                   "nn.LeakyReLU(0.1), nn.AvgPool2d(2), nn.Conv2d(8, 16, 3, groups=4, bias=False), "
                   "nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(16, 2)"),
     "model", ["torch.zeros(2, 3, 32, 32)"]),
    ("conv3d", seq("nn.Conv3d(2, 4, 3, bias=False), nn.GroupNorm(2, 4), nn.SiLU(), "
                   "nn.MaxPool3d(2), nn.Flatten(start_dim=1)"),
     "model", ["torch.zeros(1, 2, 10, 10, 10)"]),
    ("transpose", seq("nn.ConvTranspose1d(8, 4, 3, stride=2), nn.Tanh(), "
                      "nn.ConvTranspose2d(4, 2, 3, stride=2, output_padding=1)"),
     "model", []),
    ("transpose2d", seq("nn.ConvTranspose2d(4, 2, 3, stride=2, output_padding=1), nn.Sigmoid(), "
                        "nn.Dropout2d(0.1), nn.Identity()"),
     "model", ["torch.zeros(2, 4, 7, 7)"]),
    ("norms", seq("nn.LayerNorm(10), nn.LayerNorm((10,), elementwise_affine=False), "
                  "nn.PReLU(), nn.Linear(10, 3), nn.Softmax(dim=-1)"),
     "model", ["torch.zeros(5, 7, 10)"]),
    ("layernorm-nobias", seq("nn.LayerNorm([4, 6], bias=False), nn.GELU(), nn.Flatten(), "
                             "nn.Linear(24, 2), nn.LogSoftmax(dim=1)"),
     "model", ["torch.zeros(3, 4, 6)"]),
    ("embedding", seq("nn.Embedding(100, 16, padding_idx=0, max_norm=1.0), "
                      "nn.LSTM(16, 32, batch_first=True)"),
     "model", ["torch.zeros(4, 12, dtype=torch.long)"]),
    ("embedding-bag", HEAD + "model = nn.EmbeddingBag(50, 8, mode='sum')\n",
     "model", ["torch.zeros(3, 6, dtype=torch.long)"]),
    ("bilinear", HEAD + "model = nn.Bilinear(20, 30, 40)\n",
     "model", ["torch.zeros(5, 20)", "torch.zeros(5, 30)"]),
    ("activations", seq("nn.ELU(), nn.SELU(), nn.ReLU6(), nn.Hardtanh(-2.0, 2.0), nn.Softplus(), "
                        "nn.Mish(), nn.Hardswish(), nn.Softsign(), nn.PReLU(num_parameters=6), "
                        "nn.Threshold(0.1, 20.0), nn.AlphaDropout(0.1)"),
     "model", ["torch.zeros(2, 6)"]),
    ("pools", seq("nn.AdaptiveMaxPool1d(4), nn.AvgPool1d(2), nn.Flatten(), "
                  "nn.Unflatten(1, (2, 6))"),
     "model", ["torch.zeros(2, 6, 9)"]),
    ("mha", HEAD + "model = nn.MultiheadAttention(16, 4)\n",
     "model", ["torch.zeros(5, 2, 16)", "torch.zeros(5, 2, 16)", "torch.zeros(5, 2, 16)"]),
    ("mha-kv", HEAD + "model = nn.MultiheadAttention(16, 4, kdim=8, vdim=12, add_bias_kv=True, "
     "bias=False, batch_first=True)\n",
     "model", ["torch.zeros(2, 5, 16)", "torch.zeros(2, 7, 8)", "torch.zeros(2, 7, 12)"]),
    ("encoder-layer", HEAD + "model = nn.TransformerEncoderLayer(16, 4, dim_feedforward=32)\n",
     "model", ["torch.zeros(6, 2, 16)"]),
    ("encoder-layer-gelu", HEAD + "model = nn.TransformerEncoderLayer(16, 2, dim_feedforward=8, "
     "batch_first=True, activation=nn.GELU(), norm_first=True, bias=False)\n",
     "model", ["torch.zeros(2, 6, 16)"]),
    ("recurrent", seq("nn.GRU(8, 16, num_layers=2, bidirectional=True, dropout=0.1)"),
     "model", ["torch.zeros(7, 3, 8)"]),
    ("lstm-proj", HEAD + "model = nn.LSTM(10, 20, num_layers=2, proj_size=5, batch_first=True)\n",
     "model", ["torch.zeros(3, 7, 10)"]),
    ("rnn-relu", HEAD + "model = nn.RNN(4, 6, nonlinearity='relu', bias=False)\n",
     "model", ["torch.zeros(9, 4)"]),
    ("cells", HEAD + "model = nn.ModuleList([nn.RNNCell(4, 6, nonlinearity='relu'), "
     "nn.GRUCell(6, 8, bias=False), nn.LSTMCell(8, 10)])\n", "model", []),
    ("lstm-cell", HEAD + "model = nn.LSTMCell(8, 10)\n", "model", ["torch.zeros(3, 8)"]),
    ("gru-cell-unbatched", HEAD + "model = nn.GRUCell(8, 10)\n", "model", ["torch.zeros(8)"]),
    ("module-list-runs", HEAD + "model = nn.ModuleList([nn.Linear(8, 8) for _ in range(3)] + "
     "[nn.ReLU(), nn.Linear(8, 2), nn.Linear(8, 2)])\n", "model", []),
    ("module-dict", HEAD + "model = nn.ModuleDict({'enc': nn.Linear(4, 8), 'act': nn.ReLU(), "
     "'dec': nn.Linear(8, 4)})\n", "model", []),
    ("tied", HEAD + '''class Tied(nn.Module):
    def __init__(self, vocab, dim):
        super().__init__()
        self.encoder = nn.Embedding(vocab, dim)
        self.rnn = nn.LSTM(dim, dim, batch_first=True)
        self.decoder = nn.Linear(dim, vocab)
        self.decoder.weight = self.encoder.weight

    def forward(self, x):
        out, _ = self.rnn(self.encoder(x))
        return self.decoder(out)
''', "Tied(50, 8)", ["torch.zeros(2, 5, dtype=torch.long)"]),
    ("own-parameter", HEAD + '''class Scaled(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(n))
        self.offset = nn.Parameter(torch.zeros(1, n), requires_grad=False)
        self.body = nn.Sequential(nn.Linear(n, n), nn.Tanh())

    def forward(self, x):
        return self.body(x) * self.scale + self.offset
''', "Scaled(6)", ["torch.zeros(3, 6)"]),
    ("shared-module", HEAD + '''class Shared(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = nn.Linear(4, 4)
        self.again = self.block
        self.layers = nn.ModuleList([self.block, nn.Linear(4, 2)])

    def forward(self, x):
        return self.layers[1](self.again(self.block(x)))
''', "Shared()", ["torch.zeros(2, 4)"]),
    ("frozen", HEAD + '''class Frozen(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 4)
        self.emb.weight.requires_grad = False
        self.gru = nn.GRU(4, 3)
        for p in self.gru.parameters():
            p.requires_grad = False
        self.out = nn.Linear(3, 1)

    def forward(self, x):
        y, h = self.gru(self.emb(x))
        return self.out(h[-1])
''', "Frozen()", ["torch.zeros(5, 2, dtype=torch.long)"]),
    ("stack-layers", HEAD + '''class Stack(nn.Module):
    def __init__(self, sizes, p=0.1):
        super(Stack, self).__init__()
        layers = []
        for a, b in zip(sizes, sizes[1:]):
            layers += [nn.Linear(a, b), nn.ReLU(), nn.Dropout(p)]
        self.net = nn.Sequential(*layers)
        self.heads = nn.ModuleDict({name: nn.Linear(sizes[-1], 1) for name in ["a", "b"]})

    def forward(self, x):
        x = self.net(x)
        return torch.cat([self.heads["a"](x), self.heads["b"](x)], dim=1)
''', "Stack([12, 8, 4])", ["torch.zeros(3, 12)"]),
    ("seq2seq", HEAD + '''class Seq2Seq(nn.Module):
    def __init__(self, vocab=1000, emb=32, hidden=64, layers=2):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb, padding_idx=0)
        self.encoder = nn.LSTM(emb, hidden, layers, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(2 * hidden, hidden)
        self.decoder = nn.GRU(emb, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, src):
        x = self.embedding(src)
        enc, (h, c) = self.encoder(x)
        h0 = torch.tanh(self.bridge(torch.cat([h[-2], h[-1]], dim=1))).unsqueeze(0)
        dec, _ = self.decoder(x, h0)
        return self.out(dec), enc.shape
''', "Seq2Seq()", ["torch.zeros(4, 9, dtype=torch.long)"]),
    ("views", HEAD + '''class Views(nn.Module):
    def __init__(self, n_features, hidden):
        super().__init__()
        self.hidden = hidden
        self.conv = nn.Conv1d(n_features, hidden, kernel_size=3, padding=1)
        self.rnn = nn.LSTM(hidden, hidden, batch_first=True)
        self.fc = nn.Linear(hidden * 2, 3)

    def forward(self, x):
        b, t, f = x.size()
        y = self.conv(x.permute(0, 2, 1)).transpose(1, 2)
        y, (h, c) = self.rnn(y)
        last = y[:, -1, :]
        pooled = y.mean(dim=1)
        z = torch.stack([last, pooled], dim=1).reshape(b, -1)
        return F.log_softmax(self.fc(z), dim=-1).squeeze(), h.view(-1, self.hidden)
''', "Views(5, 7)", ["torch.zeros(2, 11, 5)"]),
    # code in files of its own (tests/data/torch_code), as people write it
    ("registered", CODE / "registered.py", "TextRNN(5000, 100, 128, 2, 4)",
     ["torch.zeros(4, 20, dtype=torch.long)"]),
    ("pretrained-packed", CODE / "pretrained_packed.py", "Classifier(torch.zeros(1000, 50))",
     ["torch.zeros(4, 12, dtype=torch.long)", "torch.tensor([12, 10, 5, 3])"]),
    ("cnn-transformer", CODE / "cnn_transformer.py", "CNNTransformer()",
     ["torch.zeros(2, 1, 16, 40)"]),
    ("word-language-model", CODE / "word_language_model.py",
     "RNNModel('GRU', 1000, 64, 64, 2, tie_weights=True)",
     ["torch.zeros(35, 4, dtype=torch.long)", "torch.zeros(2, 4, 64)"]),
    ("word-language-model-relu", CODE / "word_language_model.py",
     "RNNModel('RNN_RELU', 1000, 32, 48, 3)", []),
    ("attention-decoder", CODE / "attention_decoder.py", "Decoder(32, 64, 500, n_layers=2)",
     ["torch.zeros(6, dtype=torch.long)", "torch.zeros(2, 6, 64)", "torch.zeros(6, 9, 64)",
      "torch.zeros(6, 9)"]),
]


def shapes(value: object) -> object:
    if isinstance(value, nn.utils.rnn.PackedSequence):  # its data's shape depends on lengths
        return "PackedSequence"
    if isinstance(value, torch.Tensor):
        return list(value.shape)
    if isinstance(value, torch.Size):
        return list(value)
    if isinstance(value, tuple | list):
        return [shapes(v) for v in value]
    return None


def record(case_id: str, code: str | Path, target: str, inputs: list[str]) -> dict:
    code = code.read_text() if isinstance(code, Path) else code
    found: dict = {"id": case_id, "code": code, "target": target, "inputs": inputs}
    scope: dict = {}
    try:
        exec(code, scope)
        model = eval(target, scope)
    except Exception as exc:
        found["error"] = {"type": type(exc).__name__, "message": str(exc)}
        return found
    found["print"] = str(model)
    found["modules"] = [
        {
            "name": name,
            "class_name": type(m).__name__,
            "params": sum(p.numel() for p in m.parameters()),
            "own_params": sum(p.numel() for p in m.parameters(recurse=False)),
            "trainable_params": sum(p.numel() for p in m.parameters() if p.requires_grad),
        }
        for name, m in model.named_modules()
    ]
    found["parameters"] = [[n, list(p.shape), p.requires_grad] for n, p in model.named_parameters()]
    found["total_params"] = sum(p.numel() for p in model.parameters())
    found["trainable_params"] = sum(p.numel() for p in model.parameters() if p.requires_grad)
    if not inputs:
        return found
    calls: dict[str, dict] = {}
    names = {id(m): name for name, m in model.named_modules()}

    def hook(module: nn.Module, args: tuple, output: object) -> None:
        name = names[id(module)]
        if name not in calls:
            tensors = [list(a.shape) for a in args if isinstance(a, torch.Tensor)]
            calls[name] = {"input_shapes": tensors, "output_shapes": shapes(output)}

    handles = [m.register_forward_hook(hook) for m in model.modules()]
    try:
        with torch.no_grad():
            output = model(*[eval(i, {"torch": torch}) for i in inputs])
        found["output_shapes"] = shapes(output)
        found["calls"] = calls
    except Exception as exc:
        found["forward_error"] = {"type": type(exc).__name__, "message": str(exc)}
    for handle in handles:
        handle.remove()
    return found


def main() -> None:
    torch.manual_seed(0)
    with OUT.open("w") as out:
        for case in CASES:
            out.write(json.dumps(record(*case)) + "\n")
    print(f"{len(CASES)} cases -> {OUT}")


if __name__ == "__main__":
    main()
