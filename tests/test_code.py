"""`rnncalc model FILE.py`: models read from the code that builds them, never run.

The snippets are published model-building code with what tf-keras 2.21 and Keras 3.15 reported
for it (tests/data/snippets, copied from ../shared/snippets); the code cases are code written
to exercise what the snippets do not, with what the same Keras versions reported
(tests/data/code_models.jsonl, from tests/data/generate_code_models.py).
"""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnncalc.calc.model import model_summary
from rnncalc.errors import RnncalcError
from rnncalc.parse.arrays import Array
from rnncalc.parse.code import given_variables, parse_set, variable
from rnncalc.parse.python import Items, Namespace

from conftest import DATA, load_cases, run_cli

SNIPPETS = DATA / "snippets"
MANIFEST = [json.loads(line) for line in (SNIPPETS / "manifest.jsonl").open()]


def as_vars(value):
    """The manifest's free_vars in `--vars`'s own forms: `{"shape"}`, `{"len"}`, objects."""
    if isinstance(value, dict):
        if "__array__" in value:
            return {"shape": value["__array__"]}
        if "__list_len__" in value or "__dict_len__" in value:
            return {"len": value.get("__list_len__", value.get("__dict_len__"))}
        if "__tuple__" in value:
            return [as_vars(v) for v in value["__tuple__"]]
        if "__object__" in value:
            return {k: as_vars(v) for k, v in value["__object__"].items()}
        return {k: as_vars(v) for k, v in value.items()}
    return value


def keras_shapes(layer: dict, keras: str):
    """What Keras reported as a layer's output shape, as rnncalc lists them: one per tensor."""
    shape = layer["output_shape"]
    if shape is None:
        return None
    if keras == "2" and layer["class_name"] == "InputLayer":
        shape = shape[0]  # Keras 2 lists an InputLayer's one shape
    if shape and isinstance(shape[0], list):  # several tensors, nested as Keras returns them
        return [s for part in shape for s in keras_shapes({**layer, "output_shape": part}, "3")]
    return [list(shape)]


CASES = [
    pytest.param(case, keras, index, id=f"{case['id']}-k{keras}-{index}")
    for case in MANIFEST
    for keras in ("2", "3")
    if f"keras{keras}" in case["truth"]
    for index in range(len(case["targets"]))
]


@pytest.mark.parametrize(("case", "keras", "index"), CASES)
def test_snippets_report_what_keras_reported(case, keras, index):
    truth = case["truth"][f"keras{keras}"]
    target = case["targets"][index]
    args = ["model", str(SNIPPETS / case["file"]), "--keras", keras, "--json"]
    args += ["--vars", json.dumps(as_vars(case["free_vars"]))]
    if target != "model":
        args += ["--target", target]
    result = run_cli(*args)
    error = truth.get("error") or truth["models"][index].get("error")
    if error:
        assert result.exit_code == 2, result.stdout
        line = result.stderr.strip()
        assert line.startswith("error: ") and "Fix: " in line and len(line.splitlines()) == 1
        assert "line " in line, line
        if "line" in error:  # the line of the statement Keras failed on
            assert f"line {error['line']}:" in line, (line, error)
        return
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    model = truth["models"][index]
    got = [
        (layer["name"], layer["class_name"], layer["output_shapes"], layer["params"])
        for layer in report["layers"]
    ]
    expected = [
        (layer["name"], layer["class_name"], keras_shapes(layer, keras), layer["params"])
        for layer in model["layers"]
    ]
    assert got == expected
    assert report["name"] == model["model_name"] and report["model_class"] == model["model_class"]
    assert report["built"] == model.get("built", True)
    for key in ("total_params", "trainable_params", "non_trainable_params"):
        assert report[key] == model[key], key
    if truth["warnings"]:  # what Keras warned about, rnncalc warns about
        assert report["warnings"], truth["warnings"]


ACCEPTED = [c for c in MANIFEST if c["outcome"].get("keras2") == "accepted"]


@pytest.mark.parametrize("case", ACCEPTED[:6], ids=lambda c: c["id"])
def test_the_manifests_own_forms_are_read_too(case):
    """`{"__array__": [...]}` and the other forms of the snippets' manifest, from Python."""
    code = (SNIPPETS / case["file"]).read_text()
    target = case["targets"][0]
    found = model_summary(
        code=code, variables=case["free_vars"], target=None if target == "model" else target
    )
    assert found.format == "code" and found.source == "<code>"


CODE_CASES = load_cases("code_models.jsonl") if (DATA / "code_models.jsonl").exists() else []


@pytest.mark.parametrize(
    ("case", "keras"),
    [
        pytest.param(case, keras, id=f"{case['id']}-k{keras}")
        for case in CODE_CASES
        for keras in ("2", "3")
        if f"keras{keras}" in case
    ],
)
def test_code_cases_report_what_keras_reported(case, keras):
    truth = case[f"keras{keras}"]
    try:
        report = model_summary(code=case["code"], keras=keras, target="model")
    except RnncalcError as exc:
        assert "error" in truth, f"Keras built it; rnncalc said {exc}"
        if truth["error"].get("line"):
            assert str(exc).startswith(f"line {truth['error']['line']}:"), (str(exc), truth)
        return
    assert "error" not in truth, f"Keras refused it ({truth['error']}); rnncalc built it"
    got = [
        (layer.name, layer.class_name, _lists(layer.output_shapes), layer.params)
        for layer in report.layers
    ]
    expected = [
        (layer["name"], layer["class_name"], keras_shapes(layer, keras), layer["params"])
        for layer in truth["layers"]
    ]
    assert got == expected
    assert (report.name, report.model_class) == (truth["model_name"], truth["model_class"])
    assert (report.total_params, report.trainable_params) == (
        truth["total_params"],
        truth["trainable_params"],
    )


def _lists(shapes):
    return None if shapes is None else [list(s) for s in shapes]


# ---------------------------------------------------------------- free names and targets


def test_set_gives_literals_shapes_and_attributes():
    assert parse_set("units=64") == ("units", 64)
    assert parse_set("shape=(10, 3)") == ("shape", [10, 3])
    assert parse_set("name='enc'") == ("name", "enc")
    assert parse_set("X_train.shape=1000,10,64") == ("X_train", {"shape": [1000, 10, 64]})
    assert parse_set("config.max_len=11") == ("config", {"max_len": 11})
    both = given_variables(["config.max_len=11", "config.buckets=20"], None)
    assert both == {"config": {"max_len": 11, "buckets": 20}}


@pytest.mark.parametrize("bad", ["units", "units=sixty", "1x=3", "X.shape=a,b"])
def test_a_bad_set_says_how_to_write_it(bad):
    with pytest.raises(RnncalcError, match="--set"):
        parse_set(bad)


def test_vars_forms():
    assert variable({"shape": [5, 3]}) == Array((5, 3))
    assert variable({"len": 7}) == Items(7)
    assert variable({"max_len": 3}) == Namespace({"max_len": 3})
    assert variable({"__object__": {"a": {"__array__": [2]}}}) == Namespace({"a": Array((2,))})
    assert variable({"__tuple__": [1, 2]}) == (1, 2)


def test_vars_from_a_file(tmp_path):
    path = tmp_path / "vars.json"
    path.write_text('{"units": 8}')
    assert given_variables([], str(path)) == {"units": 8}
    with pytest.raises(RnncalcError, match="neither a JSON object nor a file"):
        given_variables([], str(tmp_path / "missing.json"))
    with pytest.raises(RnncalcError, match="not an object"):
        given_variables([], "[1, 2]" if False else str(_write(tmp_path / "l.json", "[1]")))


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


HEADER = "from tensorflow import keras\nfrom tensorflow.keras import layers\n"


def code_report(body: str, **kwargs):
    return model_summary(code=HEADER + body, **kwargs)


def test_a_free_name_is_an_error_naming_it_its_line_and_the_set_that_fixes_it():
    with pytest.raises(RnncalcError) as info:
        code_report("x = 1\nm = keras.Sequential([layers.LSTM(units, input_shape=(5, 2))])")
    message = str(info.value)
    assert message.startswith("line 4:") and "`units`" in message and "--set units=" in message
    with pytest.raises(RnncalcError, match=r"--set X\.shape="):
        code_report("m = keras.Sequential([layers.LSTM(4, input_shape=X.shape[1:])])")


def test_len_of_collections_and_attributes_of_objects():
    body = (
        "m = keras.Sequential([layers.Embedding(len(vocab), cfg.dim, input_length=cfg['n']),\n"
        "    layers.LSTM(4)])"
    )
    report = code_report(body, variables={"vocab": {"len": 100}, "cfg": {"dim": 8, "n": 5}})
    assert report.layers[0].output_shapes == [(None, 5, 8)] and report.layers[0].params == 800


def test_targets():
    body = (
        "def build(units, steps=5):\n"
        "    return keras.Sequential([layers.LSTM(units, input_shape=(steps, 2))])\n"
        "a = build(3)\n"
        "b = build(4, steps=7)\n"
    )
    assert code_report(body).layers[0].params == 4 * 4 * (2 + 4 + 1)  # the last: b
    assert code_report(body, target="@1").layers[0].params == 4 * 3 * (2 + 3 + 1)
    assert code_report(body, target="a").layers[0].output_shapes == [(None, 3)]
    assert code_report(body, target="build(8, steps=9)").name == "sequential_2"
    with pytest.raises(RnncalcError, match="creates 2 model"):
        code_report(body, target="@3")
    with pytest.raises(RnncalcError, match="not a model"):
        code_report(body, target="4")
    with pytest.raises(RnncalcError, match=r"no model. Fix: .*--target .*build"):
        code_report("def build():\n    return 1\n")


# ---------------------------------------------------------------- what the reader understands


def test_imports_in_every_style_give_the_same_model():
    bodies = [
        "import keras\nm = keras.Sequential([keras.layers.GRU(4, input_shape=(5, 2))])",
        "import tensorflow as tf\n"
        "m = tf.keras.Sequential([tf.keras.layers.GRU(4, input_shape=(5, 2))])",
        "import keras.layers as L\nimport keras.models as M\n"
        "m = M.Sequential([L.GRU(4, input_shape=(5, 2))])",
        "from keras.layers import *\nfrom keras.models import *\n"
        "m = Sequential([GRU(4, input_shape=(5, 2))])",
        "from keras.layers.recurrent import GRU\nfrom keras.models import Sequential\n"
        "m = Sequential()\nm.add(GRU(4, input_shape=(5, 2)))",
    ]
    for body in bodies:
        report = model_summary(code=body)
        assert [(x.name, x.params) for x in report.layers] == [("gru", 96)], body


@pytest.mark.parametrize(("name", "fix"), [("Merge", "Concatenate"), ("CuDNNLSTM", "use LSTM")])
def test_names_keras_no_longer_has_are_refused_at_the_import(name, fix):
    with pytest.raises(RnncalcError, match=rf"^line 1: cannot import name '{name}'.*{fix}"):
        model_summary(code=f"from keras.layers import {name}, LSTM\n")


def test_python_the_code_uses():
    body = (
        "cfg = dict(units=[8, 4], drop=0.2, **{'act': 'tanh'})\n"
        "m = keras.Sequential(name=f'stack_{len(cfg[\"units\"])}')\n"
        "m.add(keras.Input(shape=(10, 3)))\n"
        "for i, u in enumerate(cfg['units']):\n"
        "    last = i == len(cfg['units']) - 1\n"
        "    m.add(layers.LSTM(u, activation=cfg['act'], return_sequences=not last))\n"
        "    if cfg['drop'] > 0:\n"
        "        m.add(layers.Dropout(cfg['drop']))\n"
        "heads = [layers.Dense(n) for n in (2 * 3, 1) if n > 1]\n"
        "m.add(heads[0])\n"
        "x = 0\n"
        "while x < 3:\n"
        "    x += 1\n"
    )
    report = code_report(body)
    assert report.name == "stack_2"
    assert [layer.name for layer in report.layers] == [
        "lstm",
        "dropout",
        "lstm_1",
        "dropout_1",
        "dense",
    ]
    assert report.output_shapes == [(None, 6)]


def test_functional_models_with_states_several_inputs_and_a_shared_layer():
    body = (
        "enc_in = keras.Input(shape=(None, 8))\n"
        "_, h, c = layers.LSTM(16, return_state=True)(enc_in)\n"
        "dec_in = keras.Input(shape=(None, 5))\n"
        "dec = layers.LSTM(16, return_sequences=True)(dec_in, initial_state=[h, c])\n"
        "shared = layers.Dense(5)\n"
        "a, b = shared(dec), shared(layers.Dense(16)(dec))\n"
        "model = keras.Model(inputs=[enc_in, dec_in], outputs={'a': a, 'b': b})\n"
        "model.compile('adam', 'mse')\n"
        "model.fit(data, epochs=3)\n"
    )
    report = code_report(body)
    names = [layer.name for layer in report.layers]
    assert names[:2] == ["input_1", "input_2"] and report.model_class == "Functional"
    assert report.output_shapes == [(None, None, 5), (None, None, 5)]
    assert report.total_params == (4 * 16 * (8 + 16 + 1)) * 2 - 4 * 16 * 3 + 85 + 272
    assert any("model.fit" in s for s in report.skipped)


def test_keras_3_names_inputs_and_models_its_own_way():
    body = "x = keras.Input((3, 2))\ny = layers.SimpleRNN(2)(x)\nm = keras.Model(x, y)\n"
    k2, k3 = code_report(body, keras="2"), code_report(body, keras="3")
    assert (k2.name, k2.layers[0].name) == ("model", "input_1")
    assert (k3.name, k3.layers[0].name) == ("functional", "input_layer")


def test_clear_session_counts_names_from_zero_again():
    body = (
        "a = layers.LSTM(2)\n"
        "keras.backend.clear_session()\n"
        "m = keras.Sequential([layers.LSTM(2, input_shape=(3, 1))])\n"
    )
    assert code_report(body).layers[0].name == "lstm"


def test_keras_3_leaves_a_sequential_model_that_starts_with_an_embedding_unbuilt():
    body = "m = keras.Sequential([layers.Embedding(100, 8, input_length=5), layers.LSTM(4)])"
    k2, k3 = code_report(body, keras="2"), code_report(body, keras="3")
    assert k2.built and k2.layers[1].output_shapes == [(None, 4)]
    assert not k3.built and k3.output_shapes is None
    assert [(x.output_shapes, x.params) for x in k3.layers] == [(None, None), (None, None)]
    text = run_cli("model", "-", "--keras", "3", input=HEADER + body)
    assert text.exit_code == 0 and "0 (unbuilt)" in text.stdout and "never built" in text.stdout


def test_build_gives_a_sequential_model_its_input():
    body = "m = keras.Sequential([layers.GRU(3)])\nm.build((None, 7, 2))\n"
    assert code_report(body).layers[0].output_shapes == [(None, 3)]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (
            "m = keras.Sequential([layers.LSTM(4, input_shape=(3, 1)), layers.LSTM(2)])",
            "line 3: layer 'lstm_1' (LSTM): LSTM expects a 3-D input",
        ),
        (
            "m = keras.Sequential([layers.LSTM(4, output_dim=3)])",
            "line 3: LSTM does not accept `output_dim`, Keras 1's argument",
        ),
        (
            "x = keras.Input((3, 2))\nm = keras.Model(input=x, output=x)",
            "line 4: Model does not accept `input`",
        ),
        ("x = keras.Input((3, 2))\ny = x + x", "line 4: arithmetic on tensors"),
        ("m = keras.Sequential\nm.add(layers.LSTM(2))", "line 4: Sequential.add() missing 1"),
        (
            "a = keras.Input((3, 2))\nb = keras.Input((3, 2))\n"
            "m = keras.Model(a, layers.Add()([a, b]))",
            "line 5: Graph disconnected",
        ),
        ("def f(n):\n    return f(n)\nf(1)", "line 4: the code's function calls has 51"),
        ("x = (1,\n", "nor Python code (as Python, line 3: '(' was never closed)"),
    ],
)
def test_errors_carry_their_line(body, says):
    result = run_cli("model", "-", input=HEADER + body)
    assert result.exit_code == 2, result.stdout
    line = result.stderr.strip()
    assert line.startswith("error: ") and says in line and "Fix: " in line, line
    assert len(line.splitlines()) == 1


def test_code_is_recognised_by_its_content(tmp_path):
    text = HEADER + "m = keras.Sequential([layers.LSTM(4, input_shape=(3, 1))])\n"
    for name in ("model.py", "model.txt", "notebook_export"):
        path = _write(tmp_path / name, text)
        result = run_cli("model", str(path), "--json")
        assert result.exit_code == 0 and json.loads(result.stdout)["format"] == "code", name
    result = run_cli("model", "-", "--json", input=text)
    assert json.loads(result.stdout)["total_params"] == 4 * 4 * (1 + 4 + 1)


def test_reports_show_as_tables_in_notebooks():
    report = code_report("m = keras.Sequential([layers.LSTM(4, input_shape=(3, 1))])")
    markdown, html = report._repr_markdown_(), report._repr_html_()
    assert "| lstm (LSTM)" in markdown and "<table>" in html and "<td>lstm (LSTM)" in html


# ---------------------------------------------------------------- nothing runs


CANARY_CALLS = [
    "os.system('touch {canary}')",
    "open('{canary}', 'w').write('x')",
    "__import__('os').system('touch {canary}')",
    "eval(\"open('{canary}', 'w')\")",
    "exec(\"open('{canary}', 'w')\")",
    "subprocess.run(['touch', '{canary}'])",
    "pathlib.Path('{canary}').write_text('x')",
    "getattr(os, 'system')('touch {canary}')",
    "compile('x', '{canary}', 'exec')",
    "shutil.copy(__file__, '{canary}')",
]


@pytest.mark.parametrize("call", CANARY_CALLS)
def test_calls_that_would_touch_the_system_are_skipped_and_named(call, tmp_path):
    canary = tmp_path / "canary"
    body = (
        "import os, subprocess, pathlib, shutil\n"
        f"{call.format(canary=canary)}\n"
        f"result = {call.format(canary=canary)}\n"
        "m = keras.Sequential([layers.LSTM(4, input_shape=(3, 1))])\n"
    )
    result = run_cli("model", "-", "--json", input=HEADER + body)
    assert not canary.exists()
    assert result.exit_code == 0, result.stderr
    skipped = json.loads(result.stdout)["skipped"]
    assert any(call.split("(")[0] in s for s in skipped), skipped


def test_a_value_from_a_skipped_call_is_an_error_when_the_model_needs_it(tmp_path):
    body = (
        "import numpy as np\nX = np.load('x.npy')\n"
        "m = keras.Sequential([layers.LSTM(4, input_shape=X.shape[1:])])"
    )
    result = run_cli("model", "-", input=HEADER + body)
    assert result.exit_code == 2 and "np.load" in result.stderr and "--set" in result.stderr


@pytest.mark.parametrize(
    "body",
    [
        "while True:\n    pass",
        "i = 0\nwhile i >= 0:\n    i += 1",
        "for i in range(10 ** 12):\n    pass",
        "x = 2 ** 10 ** 10",
        "x = 'a' * 10 ** 10",
        "x = [0] * 10 ** 9",
        "x = f'{1:>999999999}'",
        "x = '{:>999999999}'.format(1)",
        "x = 10\nfor i in range(40):\n    x = x * x",
        "s = 'ab'\nfor i in range(60):\n    s = s + s",
        "def f(n):\n    return f(n + 1)\nf(0)",
        "x = " + "(" * 300 + "1" + ")" * 300,
        "x = [" + "[" * 1000 + "]" * 1000 + "]",
        "x = " + "-" * 100_000 + "1",
        # What a second reading found: each walks, allocates or reaches too far before a bound
        "units = '{0.__init__.__globals__}'.format(print)",
        "a = [1]\nfor i in range(40):\n    a = [a, a]\nb = str(a)",
        "a = [0]\nfor i in range(40):\n    a = [a, a]\nc = a == a",
        "a = [1]\nfor i in range(40):\n    a[0:0] = a",
        "x = {}\nfor i in range(200000):\n    x[i] = i",
        "s = 'ab' * 1000\nt = ''.join([s] * 100000)",
        "s = 'ab' * 1000\nt = s.replace('', s)",
        "x = '%*s' % (10 ** 9, 'a')",
        "x = '{:>{}}'.format('a', 10 ** 9)",
        "x = round(1, -10 ** 8)",
        "import numpy as np\nX = np.zeros((3, 4))[::0]",
        "import numpy as np\nX = np.zeros((2,) * 100)",
    ],
)
def test_code_without_end_is_refused_within_bounds(body, tmp_path):
    start = time.perf_counter()
    result = run_cli("model", "-", input=HEADER + body + "\n")
    assert time.perf_counter() - start < 10  # the bound, not the machine: typically < 1 s
    assert result.exit_code == 2, result.stdout
    line = result.stderr.strip()
    assert line.startswith("error: ") and "Fix: " in line and len(line.splitlines()) == 1, line


def test_nothing_runs_in_a_fresh_process_either(tmp_path):
    """The installed program, as a user runs it, on a hostile file in its own directory."""
    canary = tmp_path / "canary"
    hostile = _write(
        tmp_path / "model.py",
        "import os\n"
        f"os.system('touch {canary}')\n"
        f"__import__('os').system('touch {canary}')\n"
        "from keras.layers import LSTM\nfrom keras.models import Sequential\n"
        "model = Sequential([LSTM(4, input_shape=(3, 1))])\n",
    )
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "rnncalc", "model", str(hostile)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert not canary.exists() and "skipped 2 statement" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.py"]


# ---------------------------------------------------------------- invariants

stacks = st.lists(
    st.tuples(st.sampled_from(["LSTM", "GRU", "SimpleRNN", "Dense"]), st.integers(1, 64)),
    min_size=1,
    max_size=5,
)


@given(stacks, st.integers(1, 32), st.sampled_from(["2", "3"]))
def test_a_list_an_add_chain_and_a_functional_model_of_the_same_layers_agree(
    layers, features, keras
):
    def call(i, kind, units):
        last = i == len(layers) - 1 or layers[i + 1][0] == "Dense"
        seq = "" if kind == "Dense" or last else ", return_sequences=True"
        return f"layers.{kind}({units}{seq})"

    calls = [call(i, kind, units) for i, (kind, units) in enumerate(layers)]
    inputs = f"keras.Input(shape=(7, {features}))"
    forms = [
        f"m = keras.Sequential([{inputs}, " + ", ".join(calls) + "])",
        f"m = keras.Sequential()\nm.add({inputs})\n" + "\n".join(f"m.add({c})" for c in calls),
        f"x = y = {inputs}\n" + "\n".join(f"y = {c}(y)" for c in calls) + "\nm = keras.Model(x, y)",
    ]
    try:
        reports = [code_report(form, keras=keras) for form in forms]
    except RnncalcError as exc:  # Dense on a sequence, then a recurrent layer on its 2-D output
        assert "expects a 3-D input" in str(exc)
        return
    seen = [[(x.class_name, x.output_shapes, x.params) for x in r.layers] for r in reports]
    assert seen[0] == seen[1] == seen[2][1:]  # a functional model lists its InputLayer
    for report in reports:
        assert report.total_params == sum(x.params for x in report.layers)
        assert len({x.name for x in report.layers}) == len(report.layers)


def test_data_preparation_keeps_the_shapes_known():
    body = (
        "import numpy as np\n"
        "X = np.random.rand(100, 30)\n"
        "X = X.reshape((X.shape[0], X.shape[1], 1))\n"
        "windows = np.reshape(X, (-1, 10, 3))[:, :-2, ...]\n"
        "extra = np.expand_dims(np.zeros((5, 7)), -1).astype('float32')\n"
        "m = keras.Sequential([layers.LSTM(4, input_shape=X.shape[1:]),\n"
        "                      layers.Dense(windows.shape[1] + extra.shape[2])])\n"
    )
    report = code_report(body)
    assert [x.output_shapes for x in report.layers] == [[(None, 4)], [(None, 9)]]
    assert report.layers[0].params == 4 * 4 * (1 + 4 + 1)
    with pytest.raises(RnncalcError, match="cannot reshape an array of shape"):
        code_report("import numpy as np\nX = np.zeros((10, 3)).reshape(4, 8)")


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (
            "class Att(layers.Layer):\n    pass\n"
            "m = keras.Sequential([layers.LSTM(4, input_shape=(3, 2)), Att()])",
            "an instance of the class Att (line 3), whose code rnncalc does not run",
        ),
        (
            "x = keras.Input((3, 2))\ny = layers.Lambda(lambda t: t[:, -1])(x)",
            "layer 'lambda' (Lambda): a Lambda layer's output is whatever its Python function",
        ),
    ],
)
def test_code_rnncalc_cannot_read_is_refused_saying_why(body, says):
    with pytest.raises(RnncalcError, match=re.escape(says)):
        code_report(body)


def test_plain_classes_that_build_models_are_followed():
    body = (
        "class Base:\n"
        "    units = 8\n"
        "    def __init__(self, steps):\n"
        "        self.shape = (steps, 3)\n"
        "class Net(Base):\n"
        "    def __init__(self, steps, depth=2):\n"
        "        super().__init__(steps)\n"
        "        self.depth = depth\n"
        "    @property\n"
        "    def width(self):\n"
        "        return self.units * 2\n"
        "    def build(self):\n"
        "        m = keras.Sequential([keras.Input(shape=self.shape)])\n"
        "        for i in range(self.depth):\n"
        "            m.add(layers.GRU(self.width, return_sequences=i < self.depth - 1))\n"
        "        m.get_layer(index=0).trainable = False\n"
        "        return m\n"
    )
    report = code_report(body, target="Net(12).build()")
    assert [x.output_shapes for x in report.layers] == [[(None, 12, 16)], [(None, 16)]]
    assert report.trainable_params == report.layers[1].params
    with pytest.raises(RnncalcError, match="'Net' object has no attribute 'missing'"):
        code_report(body + "n = Net(3)\nx = n.missing\n")


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("m = keras.Sequential([layers.Dropout(p=0.5)])", "write rate= instead of p="),
        (
            "m = keras.Sequential([layers.Dense(3, activations='relu')])",
            "did you mean `activation`",
        ),
        (
            "m = keras.Sequential([layers.Dropout()])",
            "missing 1 required positional argument: 'rate'",
        ),
        ("m = keras.Sequential([layers.MaxPooling1D(pool_length=2)])", "write pool_size="),
    ],
)
def test_arguments_keras_refuses_on_any_layer_are_refused(body, says):
    for keras in ("2", "3"):
        with pytest.raises(RnncalcError, match=re.escape(says)):
            code_report(body, keras=keras)
    with pytest.raises(RnncalcError, match=r"Dense does not accept `weights`.*Keras 3"):
        code_report("m = keras.Sequential([layers.Dense(3, weights=None)])", keras="3")
