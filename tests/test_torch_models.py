"""`rnncalc model` of PyTorch models: from `print(model)`, and from the module's code.

Ground truth: the PyTorch snippets (tests/data/snippets, what torch 2.13 reported for published
module code) and tests/data/torch_models.jsonl (tests/data/generate_torch_models.py: modules
the snippets do not use, with named_modules(), named_parameters(), forward hooks' shapes).
"""

import ast
import json

import pytest

from rnncalc.calc.torch_code import code_summary
from rnncalc.calc.torch_model import tree_summary
from rnncalc.errors import RnncalcError

from conftest import DATA, load_cases, run_cli

SNIPPETS = DATA / "snippets"
MANIFEST = [json.loads(line) for line in (SNIPPETS / "manifest.jsonl").open()]
TORCH = [
    pytest.param(case, model, id=f"{case['id']}-{model['target']}")
    for case in MANIFEST
    if "pytorch" in case["truth"]
    for model in case["truth"]["pytorch"]["models"]
]
CASES = load_cases("torch_models.jsonl")
# What print(model) cannot show: an nn.Parameter of a user class, tied weights, a module held
# twice, requires_grad=False, MultiheadAttention's kdim/vdim/add_bias_kv.
HIDDEN_IN_TREE = {
    "own-parameter", "tied", "shared-module", "frozen", "mha-kv", "pretrained-packed",
    "attention-decoder", "word-language-model",
}  # fmt: skip
KEYS = ("name", "class_name", "params", "own_params", "trainable_params")


def table(report):
    return [{k: m[k] for k in KEYS} for m in report["modules"]]


def shape_of(expression):
    """`torch.zeros(4, 30, 20, dtype=...)` or `torch.tensor([0, 1, 2])`: the tensor's shape."""
    call = ast.parse(expression, mode="eval").body
    if call.func.attr == "tensor":
        return (len(call.args[0].elts),)
    return tuple(ast.literal_eval(a) for a in call.args)


@pytest.mark.parametrize(("case", "model"), TORCH)
def test_snippets_report_what_torch_reported(case, model):
    args = ["model", str(SNIPPETS / case["file"]), "--json", "--target", model["target"]]
    args += ["--vars", json.dumps(case["free_vars"])]
    if model.get("forward_input"):
        args += ["--input-shape", ",".join(map(str, shape_of(model["forward_input"])))]
    result = run_cli(*args)
    if "error" in model:
        assert result.exit_code == 2
        line = result.stderr.strip()
        assert line.startswith("error: ") and "Fix: " in line and len(line.splitlines()) == 1
        return
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["framework"] == "torch" and report["format"] == "code"
    assert report["model_class"] == model["model_class"]
    assert table(report) == model["modules"]
    assert [[p["name"], list(p["shape"])] for p in report["parameters"]] == model["parameters"]
    assert (report["total_params"], report["trainable_params"]) == (
        model["total_params"],
        model["trainable_params"],
    )
    if "forward_output_shapes" in model:
        assert report["output_shapes"] == model["forward_output_shapes"]


@pytest.mark.parametrize(("case", "model"), [p for p in TORCH if "print" in p.values[1]])
def test_their_printed_trees_give_the_same_table(case, model):
    result = run_cli("model", "-", "--framework", "torch", "--json", input=model["print"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["format"] == "tree" and table(report) == model["modules"]
    assert report["total_params"] == model["total_params"]
    assert "never shows" in report["warnings"][0]  # every tree report says what it cannot see


@pytest.mark.parametrize("case", [c for c in CASES if "print" in c], ids=lambda c: c["id"])
def test_trees_of_every_common_module(case):
    report = tree_summary(case["print"], "-")
    got = [{k: getattr(m, k) for k in KEYS} for m in report.modules]
    if case["id"] in HIDDEN_IN_TREE:
        assert got != case["modules"] or case["id"] == "mha-kv"
        return
    assert got == case["modules"]
    assert report.total_params == case["total_params"]


@pytest.mark.parametrize("case", [c for c in CASES if "print" in c], ids=lambda c: c["id"])
def test_code_of_every_common_module(case):
    inputs = [shape_of(i) for i in case["inputs"]] or None
    report = code_summary(case["code"], "case.py", inputs, target=case["target"])
    got = [{k: getattr(m, k) for k in KEYS} for m in report.modules]
    assert got == case["modules"]
    assert [[p.name, list(p.shape), p.trainable] for p in report.parameters] == case["parameters"]
    assert (report.total_params, report.trainable_params) == (
        case["total_params"],
        case["trainable_params"],
    )
    if "forward_error" in case:
        assert report.output_shapes is None
        assert any(case["forward_error"]["message"] in w for w in report.warnings)
        return
    assert report.output_shapes == case.get("output_shapes")
    for module in report.modules:
        call = case.get("calls", {}).get(module.name)
        if call and "PackedSequence" in json.dumps(call):  # rnncalc shows it padded
            continue
        if module.output_shapes is not None:  # torch's own forward (TransformerEncoderLayer's
            assert call == {  # children) is not followed inside
                "input_shapes": module.input_shapes,
                "output_shapes": module.output_shapes,
            }


def test_tied_weights_count_once_in_the_total_and_in_each_module():
    case = next(c for c in CASES if c["id"] == "tied")
    report = code_summary(case["code"], "tied.py", target=case["target"])
    modules = {m.name: m for m in report.modules}
    assert modules["encoder"].params == modules["decoder"].params - 50  # the bias
    assert report.total_params < sum(m.own_params for m in report.modules)
    assert any("encoder.weight and decoder.weight are one tensor" in w for w in report.warnings)


def test_forward_that_rnncalc_cannot_follow_keeps_the_table_and_names_the_line():
    code = """import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)
    def forward(self, x):
        y = x.unfold(1, 2, 1)
        return self.fc(y)
"""
    report = code_summary(code, "net.py", [(3, 4)], target="Net()")
    assert report.total_params == 10 and report.output_shapes is None
    assert "line 7" in report.warnings[-1] and "unfold" in report.warnings[-1]


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("nn.Linear(4, 2, foo=1)", "unexpected keyword argument 'foo'"),
        ("nn.Linear(4)", "missing 1 required positional argument(s): 'out_features'"),
        ("nn.Conv1d(3, 4, 3, groups=2)", "in_channels must be divisible by groups"),
        ("nn.MultiheadAttention(10, 3)", "embed_dim must be divisible by num_heads"),
        ("nn.Embedding(10, 3, padding_idx=10)", "Padding_idx must be within num_embeddings"),
        ("nn.RNNCell(3, 4, nonlinearity='sigmoid')", "Unknown nonlinearity"),
        ("nn.Frobnicate(3)", "Frobnicate"),
    ],
)
def test_constructor_errors_are_pytorchs(code, says):
    with pytest.raises(RnncalcError, match=None) as error:
        code_summary(f"import torch.nn as nn\nmodel = {code}\n", "x.py")
    assert says in str(error.value) and "line 2" in str(error.value)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Net(\n  (fc): Linear(4, 2)\n  (x) Linear(4)\n)", "line 3 of the module tree"),
        ("Net(\n  (fc): Linear(4, 2)\n", "line 1 of the module tree: a module whose `(`"),
        ("Net(\n  (fc): Linear(4, 2)\n     (g): ReLU()\n)", "line 3 of the module tree: indented"),
        ("Net(\n  (fc): Linear(4, 2)\n)\nmore", "line 4 of the module tree: text after"),
        ("Net(\n  (fc): Linear(4, 2, bias=True, bias=False)\n)", "line 2"),
    ],
)
def test_a_tree_that_is_not_what_print_writes_is_an_error_naming_its_line(text, says):
    result = run_cli("model", "-", "--framework", "torch", input=text)
    assert result.exit_code == 2 and says in result.stderr, result.stderr


def test_code_that_imports_torch_is_read_as_pytorch_and_nothing_runs(tmp_path):
    marker = tmp_path / "ran"
    code = f"""import os, torch
import torch.nn as nn
os.system("touch {marker}")
open("{marker}", "w")
model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), getattr(nn, "Linear")(4, 1))
"""
    path = tmp_path / "net.py"
    path.write_text(code)
    result = run_cli("model", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["total_params"] == 21 and not marker.exists()
    assert any("os.system" in w for w in report["warnings"])


def test_a_keras_file_given_as_torch_is_refused(tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"class_name": "Sequential", "config": {"layers": []}}))
    result = run_cli("model", str(path), "--framework", "torch")
    assert result.exit_code == 2 and "not a PyTorch one" in result.stderr
