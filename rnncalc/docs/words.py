"""The reference pages' own words in English and Simplified Chinese; argument descriptions are
translated through zh.json (keyed by the English text, so a changed description shows)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "zh")

WORDS: dict[str, dict[str, str]] = {
    "signature": {"en": "Signature", "zh": "签名 (signature)"},
    "signature_intro": {
        "en": "In Keras 2 (tf-keras 2.21), with its defaults:",
        "zh": "Keras 2 (tf-keras 2.21) 中的写法及默认值：",
    },
    "arguments": {"en": "Arguments", "zh": "参数 (arguments)"},
    "arguments_intro": {
        "en": "In Keras's order; a dash where a version does not take the argument.",
        "zh": "按 Keras 的顺序列出；某个版本不接受该参数时记为“—”。",
    },
    "argument": {"en": "argument", "zh": "参数"},
    "type": {"en": "type or values", "zh": "类型或取值"},
    "default_k2": {"en": "Keras 2 default", "zh": "Keras 2 默认值"},
    "default_k3": {"en": "Keras 3 default", "zh": "Keras 3 默认值"},
    "default": {"en": "default", "zh": "默认值"},
    "description": {"en": "description", "zh": "说明"},
    "required": {"en": "required", "zh": "必填"},
    "call": {"en": "Call arguments", "zh": "调用参数 (call arguments)"},
    "inputs": {"en": "Input forms", "zh": "输入形式 (input forms)"},
    "inputs_intro": {
        "en": "Every way Keras 2 takes the input shape, and the full shape it means:",
        "zh": "Keras 2 接受输入形状的各种写法，以及它们对应的完整形状：",
    },
    "written": {"en": "written", "zh": "写法"},
    "full_shape": {"en": "full input shape", "zh": "完整输入形状"},
    "outputs": {"en": "Output shapes", "zh": "输出形状 (output shapes)"},
    "outputs_intro": {
        "en": "What the layer returns for the worked example, for every combination:",
        "zh": "以下示例在每种参数组合下的返回值：",
    },
    "diagram": {"en": "Data flow", "zh": "数据流 (data flow)"},
    "params": {"en": "Parameters", "zh": "参数量 (parameters)"},
    "params_intro": {"en": "For the worked example:", "zh": "以示例计算："},
    "errors": {"en": "Common errors", "zh": "常见错误 (common errors)"},
    "errors_intro": {
        "en": "What rnncalc says, in the framework's place, for mistakes people make:",
        "zh": "针对常见错误，rnncalc 给出的说明（与框架的报错对应）：",
    },
    "equivalent": {"en": "In the other framework", "zh": "另一个框架中的对应层"},
    "equivalent_intro": {
        "en": "The same layer in the other framework, and why the parameter counts differ:",
        "zh": "同一层在另一个框架中的写法，以及参数量为何不同：",
    },
    "no_equivalent": {
        "en": "PyTorch has no single layer that computes this one.",
        "zh": "PyTorch 中没有与此层完全对应的单个层。",
    },
    "worked": {"en": "Worked example", "zh": "示例"},
    "index_title": {"en": "Layer reference", "zh": "层参考 (layer reference)"},
    "index_intro": {
        "en": "Every layer rnncalc knows, generated from the same models the calculator uses, so "
        "the pages cannot drift from the numbers it prints.",
        "zh": "rnncalc 支持的每一个层。这些页面由计算器所用的同一套模型生成，"
        "因此页面内容与它输出的数字始终一致。",
    },
    "errors_title": {"en": "Errors and their fixes", "zh": "错误及其修正 (errors and fixes)"},
    "errors_page_intro": {
        "en": "Each kind of mistake rnncalc recognises, what causes it, and what rnncalc says: one "
        "line on stderr naming the problem and the fix, with exit code 2. The messages below are "
        "rnncalc's own output, checked by the tests.",
        "zh": "rnncalc 能识别的每一类错误、其原因，以及 rnncalc 的提示：在 stderr 上输出一行，"
        "说明问题与修正方法，退出码为 2。下面的提示均为 rnncalc 的真实输出，并由测试检查。",
    },
    "cli_title": {"en": "Command-line reference", "zh": "命令行参考 (CLI reference)"},
    "cli_intro": {
        "en": "Every command and option, generated from the `rnncalc` program itself.",
        "zh": "每个命令及其选项，由 `rnncalc` 程序本身生成。",
    },
    "option": {"en": "option", "zh": "选项"},
    "help": {"en": "help", "zh": "说明"},
    "cell_note": {
        "en": "A cell computes one timestep; `RNN(cell)` runs it over time (see the RNN page).",
        "zh": "单元 (cell) 只计算一个时间步；`RNN(cell)` 把它沿时间展开运行（见 RNN 页面）。",
    },
}

CALL = {
    "sequence": [
        (
            "inputs",
            "the input tensor: `(batch, timesteps, ...)`",
            "输入张量：`(batch, timesteps, ...)`",
        ),
        (
            "mask",
            "`(batch, timesteps)` booleans: masked timesteps carry the previous output and "
            "state forward",
            "`(batch, timesteps)` 的布尔掩码：被掩盖的时间步沿用上一步的输出和状态",
        ),
        ("training", "whether dropout applies", "是否应用 dropout"),
        (
            "initial_state",
            "the states to start from, as `return_state` returns them",
            "起始状态，顺序与 `return_state` 返回的一致",
        ),
    ],
    "cell": [
        ("inputs", "one timestep: `(batch, features)`", "单个时间步：`(batch, features)`"),
        ("states", "the previous states", "上一步的状态"),
        ("training", "whether dropout applies", "是否应用 dropout"),
    ],
    "torch": [
        (
            "input",
            "`(L, N, H_in)`, `(N, L, H_in)` with `batch_first=True`, or unbatched `(L, H_in)`",
            "`(L, N, H_in)`；`batch_first=True` 时为 `(N, L, H_in)`；或无批次的 `(L, H_in)`",
        ),
        (
            "hx",
            "`h_0` (and `c_0` for LSTM): `(num_layers · directions, N, H_out)`",
            "`h_0`（LSTM 还有 `c_0`）：`(num_layers · directions, N, H_out)`",
        ),
    ],
}


def word(key: str, language: str) -> str:
    return WORDS[key][language]


@cache
def _zh() -> dict[str, str]:
    path = Path(__file__).with_name("zh.json")
    return json.loads(path.read_text()) if path.exists() else {}


def translate(text: str, language: str) -> str:
    """A description in the page's language; English where no translation exists yet."""
    return _zh().get(text, text) if language == "zh" else text
