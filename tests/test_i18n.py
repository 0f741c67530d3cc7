"""rnncalc in Chinese (i18n): the catalogues cover every message, the language is chosen as
documented, and English and JSON are exactly what they were."""

import ast
import io
import json
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
import test_cli
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from typer.testing import CliRunner

import rnncalc
from rnncalc import i18n
from rnncalc.errors import RnncalcError
from rnncalc.i18n import Language, _, from_environment, set_language, speaking
from rnncalc.main import app

from conftest import DATA, run_cli

ROOT = Path(__file__).parent.parent
LOCALE = ROOT / "rnncalc" / "locale"
PO = LOCALE / "zh" / "LC_MESSAGES" / "rnncalc.po"
MO = PO.with_suffix(".mo")
NO_LOCALE = {"RNNCALC_LANG": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": None}
RANK = ["summary", "LSTM(10)", "--input-shape", "1,3,1"]
GRU = ["summary", "GRU(5)", "--input-shape", "10,4"]


@pytest.fixture(autouse=True)
def _environment_language():
    """Each test starts and ends following the environment (English: see conftest.py)."""
    set_language(None)
    yield
    set_language(None)


def invoke(*args: str, **env: str | None):
    return CliRunner().invoke(app, list(args), env=env or None)


def chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def placeholders(message: str) -> set[tuple[str, str | None, str]]:
    """`{name!r:spec}` fields of a message, as str.format reads them (raises on stray braces)."""
    return {
        (name, conversion, spec)
        for _text, name, spec, conversion in string.Formatter().parse(message)
        if name is not None
    }


def extracted() -> set[str]:
    """Every msgid in rnncalc's code, found as `pybabel extract -F babel.cfg` finds them."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(ROOT, method_map, options_map)
    return {message for _file, _line, message, _comments, _context in found}


def catalogue(path: Path):
    with path.open("rb") as stream:
        return read_po(stream, locale="zh")


def test_the_template_holds_every_message_of_the_code():
    template = {m.id for m in catalogue(LOCALE / "rnncalc.pot") if m.id}
    code = extracted()
    assert code - template == set(), "new messages: run pybabel extract and update (README)"
    assert template - code == set(), "messages no longer in the code: run pybabel extract"


def test_every_message_has_a_chinese_translation_with_its_placeholders():
    translations = {m.id: m for m in catalogue(PO) if m.id}
    for message in sorted(extracted()):
        entry = translations.get(message)
        assert entry is not None, f"not in the .po (pybabel update): {message!r}"
        assert entry.string and not entry.fuzzy, f"untranslated or fuzzy: {message!r}"
        assert placeholders(entry.string) == placeholders(message), message
        if re.search("[A-Za-z]{2,}", re.sub(r"\{[^{}]*\}", "", message)):
            assert chinese(entry.string), message  # words to translate (not a bare "{a}: {b}")


def test_the_committed_mo_is_the_po_compiled():
    compiled = io.BytesIO()
    write_mo(compiled, catalogue(PO), use_fuzzy=False)
    assert MO.read_bytes() == compiled.getvalue(), "run pybabel compile (README)"


def test_translated_functions_bind_no_underscore():
    """A function that assigns `_` (`a, _ = ...`) makes `_` local throughout it: a `_()` call
    in it would fail, in Chinese and in English alike."""
    found = []
    for path in (ROOT / "rnncalc").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            inside = list(ast.walk(node))
            calls = any(
                isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_"
                for n in inside
            )
            binds = any(
                isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store)
                for n in inside
            )
            if calls and binds:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert found == []


def test_the_wrong_rank_in_chinese_error_and_fix():
    for args in ([*RANK, "--lang", "zh"], ["--lang", "zh", *RANK]):
        result = invoke(*args)
        assert result.exit_code == 2
        assert result.stdout == ""
        line = result.stderr.strip()
        assert "\n" not in line
        problem, fix = line.split("修正方法：")
        assert problem.startswith("错误：LSTM 需要 3 维输入") and chinese(problem)
        assert "(Keras：expected ndim=3, found ndim=4)" not in problem  # full-width brackets
        assert "（Keras：expected ndim=3, found ndim=4）" in problem
        assert "input_shape=(3, 1)" in fix and chinese(fix)


def test_gru_summary_has_chinese_headings():
    result = invoke(*GRU, "--lang", "zh")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "GRU，按 Keras 2 的规则"
    assert lines[1] == "输入：(None, 10, 4) = (batch, timesteps, features)"
    assert lines[4].split() == ["返回", "形状"]
    assert lines[10].split() == ["权重", "形状", "参数量", "公式"]
    assert "参数量：165 = 3·units·(input_dim + units + 2)，其中 units=5, input_dim=4" in lines
    # the rows, names and numbers are the English output's
    english = invoke(*GRU).stdout.splitlines()
    assert lines[6].split() == english[6].split() == ["output", "(None,", "5)"]
    assert [r.split() for r in lines[12:15]] == [r.split() for r in english[12:15]]


def test_chinese_headings_are_measured_as_two_columns_each():
    lines = invoke(*GRU, "--lang", "zh").stdout.splitlines()
    heading, rule = lines[10], lines[11]  # 权重  形状  参数量  公式, then the dashes
    columns, starts = 0, []
    for i, c in enumerate(heading):
        if c != " " and (i == 0 or heading[i - 1] == " "):
            starts.append(columns)
        columns += 2 if chinese(c) else 1
    dashes = [i for i, c in enumerate(rule) if c == "-" and (i == 0 or rule[i - 1] == " ")]
    # left-aligned headings start where their column's dashes start; 参数量 ends where they end
    assert starts[:2] == dashes[:2] and starts[3] == dashes[3]
    assert starts[2] + 6 == rule.index(" ", dashes[2])


@pytest.mark.parametrize(
    "env",
    [
        {"RNNCALC_LANG": "zh"},
        {"LANG": "zh_CN.UTF-8"},
        {"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"},
        {"LC_MESSAGES": "zh"},
    ],
)
def test_the_environment_selects_chinese(env):
    result = invoke(*GRU, **(NO_LOCALE | env))
    assert result.stdout.startswith("GRU，按 Keras 2 的规则")


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"LANG": "de_DE.UTF-8"},
        {"LANG": "zh_CN.UTF-8", "LC_ALL": "C"},  # LC_ALL comes first
        {"LANG": "zh_CN.UTF-8", "RNNCALC_LANG": "en"},  # RNNCALC_LANG before the locale
    ],
)
def test_otherwise_english(env):
    result = invoke(*GRU, **(NO_LOCALE | env))
    assert result.stdout.startswith("GRU, Keras 2 rules\n")


def test_lang_en_overrides_a_chinese_locale():
    english = invoke(*GRU).stdout
    for args in ([*GRU, "--lang", "en"], ["--lang", "en", *GRU]):
        assert invoke(*args, **(NO_LOCALE | {"LANG": "zh_CN.UTF-8"})).stdout == english
        assert invoke(*args, RNNCALC_LANG="zh").stdout == english


def test_lang_after_the_command_wins_over_before():
    assert invoke("--lang", "zh", *GRU, "--lang", "en").stdout.startswith("GRU, Keras")


def test_an_unknown_language_is_a_one_line_error():
    result = invoke(*GRU, "--lang", "fr")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: Invalid value for '--lang': 'fr' is not one of")
    assert "'en', 'zh'" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_lang_lasts_for_its_run_only():
    invoke(*GRU, "--lang", "zh")
    assert invoke(*GRU).stdout.startswith("GRU, Keras 2 rules")


@pytest.mark.parametrize(
    "args",
    [
        ["summary", "LSTM(4, return_state=True, dropout=2.0)", "--input-shape", "10,8", "--json"],
        ["table", "LSTM(4)", "--batch-input-shape", "32,10,8", "--json"],
        ["sweep", "LSTM(4)", "--input-shape", "10,8", "--vary", "units=4,0", "--json"],
        ["sweep", "LSTM(4)", "--input-shape", "10,8", "--vary", "units=4,0", "--csv"],
    ],
)
def test_output_for_scripts_stays_english(args):
    english = invoke(*args)
    assert english.exit_code == 0
    assert invoke(*args, "--lang", "zh").stdout == english.stdout
    assert invoke(*args, RNNCALC_LANG="zh").stdout == english.stdout
    if "--json" in args:
        json.loads(english.stdout)


def test_the_library_follows_set_language():
    report = rnncalc.summary("LSTM(4, dropout=2.0)", input_shape=(10, 8))
    assert report.warnings == [
        "dropout=2.0 is outside [0, 1]: Keras clips it to 1.0 without a word"
    ]
    set_language("zh")
    report = rnncalc.summary("LSTM(4, dropout=2.0)", input_shape=(10, 8))
    assert report.warnings == ["dropout=2.0 超出了 [0, 1]：Keras 会不加提示地把它截断为 1.0"]
    with pytest.raises(RnncalcError) as refused:
        rnncalc.summary("LSTM(10)", input_shape=(1, 3, 1))
    assert str(refused.value).startswith("LSTM 需要 3 维输入")
    assert "。修正方法：只给出单个样本的形状" in str(refused.value)
    with speaking("en"):
        assert _("params") == "params"
    assert _("params") == "参数量"


def test_the_library_follows_the_environment(monkeypatch):
    monkeypatch.delenv("RNNCALC_LANG")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    set_language(None)  # the environment is read anew
    assert i18n.language() is Language.ZH
    warnings = rnncalc.summary("LSTM(4, dropout=2.0)", input_shape=(10, 8)).warnings
    assert warnings[0].startswith("dropout=2.0 超出了")


def test_set_language_is_public():
    rnncalc.set_language("zh")
    assert rnncalc.summary("GRU(5)", input_shape=(10, 4)).params == 165
    assert _("returns") == "返回"
    rnncalc.set_language(None)
    assert _("returns") == "returns"


def test_set_language_refuses_an_unknown_language():
    with pytest.raises(ValueError, match="rnncalc speaks en and zh"):
        set_language("fr")


@pytest.mark.parametrize(
    ("env", "language"),
    [
        ({"RNNCALC_LANG": "zh"}, Language.ZH),
        ({"RNNCALC_LANG": "zh_CN"}, Language.ZH),
        ({"RNNCALC_LANG": "EN", "LANG": "zh_CN.UTF-8"}, Language.EN),
        ({"RNNCALC_LANG": "fr", "LANG": "zh_CN.UTF-8"}, Language.ZH),  # not one it speaks
        ({"LC_ALL": "", "LANG": "zh_CN.UTF-8"}, Language.ZH),  # set but empty: skipped
        ({"LANG": "zh"}, Language.ZH),
        ({"LANG": "zh_HK.Big5"}, Language.ZH),
        ({"LANG": "zu_ZA.UTF-8"}, Language.EN),
        ({"LANG": "C.UTF-8"}, Language.EN),
        ({}, Language.EN),
    ],
)
def test_from_environment(env, language):
    assert from_environment(env) is language


def test_english_loads_no_catalogue():
    """English costs nothing at start-up: the catalogue (and gettext's reading of it) loads
    only for Chinese."""
    code = (
        "import sys; from rnncalc.main import main; from rnncalc import i18n; sys.argv = "
        "['rnncalc', 'summary', 'LSTM(4)', '--input-shape', '10,8'];\n"
        "try: main()\nexcept SystemExit: pass\n"
        "print(i18n._catalogue is None, file=sys.stderr)"
    )
    for lang, unloaded in (("en", "True"), ("zh", "False")):
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={"RNNCALC_LANG": lang, "PYTHONPATH": str(ROOT)},
            check=True,
        )
        assert done.stderr.strip() == unloaded


# Words of English left in a Chinese message: three or more in a row, outside code (`...`),
# quotes ('...', "...") and what a framework said in its own words (Keras 2：...).
ENGLISH_RUN = re.compile(r"\b[A-Za-z]+(?: [A-Za-z]+){2,}\b")
QUOTED = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"|（(?:Keras(?: \d)?|PyTorch|Python)：[^）]*）")


def english_left(text: str) -> list[str]:
    return ENGLISH_RUN.findall(QUOTED.sub(" ", text))


def chinese_error(result) -> tuple[str, str]:
    """Refused in Chinese: exit 2, one line `错误：PROBLEM修正方法：FIX`, each part Chinese with no
    English sentence left; returns (problem, fix)."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误："), lines
    problem, _sep, fix = lines[0].removeprefix("错误：").partition("修正方法：")
    for part in (problem, fix) if fix else (problem,):
        assert chinese(part) and english_left(part) == [], lines[0]
    return problem, fix


@pytest.mark.parametrize(
    "args", [args for args, _says in test_cli.test_errors_exit_2_with_a_fix.pytestmark[0].args[1]]
)
def test_every_error_of_the_cli_tests_in_chinese(args):
    chinese_error(invoke(*args, "--lang", "zh"))


HEAD = "from tensorflow import keras\nfrom tensorflow.keras import layers\n"
W = str(DATA / "weights")


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        # the model-code reader: its line, a free name, a loop without end, Keras 1 arguments
        (
            ["model", "-"],
            HEAD + "model = keras.Sequential([layers.LSTM(units, input_shape=(10, 3))])",
            "第 3 行：",
        ),
        (["model", "-"], HEAD + "while True:\n    pass", "第 3 行："),
        (
            ["model", "-"],
            HEAD + "model = keras.Sequential([layers.LSTM(4, output_dim=3, input_shape=(10, 3))])",
            "output_dim",
        ),
        (["model", "-", "--set", "units=abc"], HEAD + "m = layers.LSTM(units)", "--set"),
        # PyTorch: PyTorch's own words framed, the fix in Chinese
        (["summary", "nn.LSTM(10, 20)", "--batch-input-shape", "5,3,11"], None, "input_size"),
        # limits
        (["check", "LSTM(20000)", "--input-shape", "10,3"], None, "LSTM"),
        # the executor
        (["run", f"{W}/k2_named.keras", "--input", "missing.npy"], None, "missing.npy"),
        (["convert", f"{W}/k3_named.keras", "--output", "o.npz"], None, "--layer"),
        (["check", "LSTM(4)", "--batch-input-shape", "0,5,3"], None, "(0, 5, 3)"),
    ],
)
def test_errors_of_every_reader_in_chinese(args, code, says, tmp_path, monkeypatch):
    if args[0] in ("run", "convert", "check"):
        pytest.importorskip("numpy")
    monkeypatch.chdir(tmp_path)  # nothing is written, and certainly not here
    problem, fix = chinese_error(run_cli(*args, "--lang", "zh", input=code))
    assert says in problem + fix
    assert list(tmp_path.iterdir()) == []
