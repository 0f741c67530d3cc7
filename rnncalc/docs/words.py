"""The reference pages' own words in English and Simplified Chinese; argument descriptions are
translated through zh.json (keyed by the English text, so a changed description shows)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "zh")

WORDS: dict[str, dict[str, str]] = {
    "signature": {"en": "Signature", "zh": "签名 (signature)"},
    "signature_intro": {
        "en": "In Keras 2 (tf-keras 2.21), with its defaults:",
        "zh": "Keras 2 (tf-keras 2.21) 中的写法及默认值：",
    },
    "arguments": {"en": "Arguments", "zh": "参数 (arguments)"},
    "arguments_intro": {
        "en": "Every argument Keras accepts: the signature's, in its order, then those that come "
        "through `**kwargs`; a dash where a version does not take the argument.",
        "zh": "Keras 接受的全部参数：先按签名顺序列出签名中的参数，"
        "再列出通过 `**kwargs` 传入的参数；某个版本不接受该参数时记为“—”。",
    },
    "argument": {"en": "argument", "zh": "参数"},
    "type": {"en": "type or values", "zh": "类型或取值"},
    "default_k2": {"en": "Keras 2 default", "zh": "Keras 2 默认值"},
    "default_k3": {"en": "Keras 3 default", "zh": "Keras 3 默认值"},
    "default": {"en": "default", "zh": "默认值"},
    "description": {"en": "description", "zh": "说明"},
    "layer": {"en": "layer", "zh": "层"},
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
    "no_conv_counterpart": {
        "en": "PyTorch has no convolutional recurrent module: torch.nn has no ConvLSTM.",
        "zh": "PyTorch 没有卷积循环模块：torch.nn 中没有 ConvLSTM。",
    },
    "counterpart_intro": {
        "en": "PyTorch's module of the same family for each cell the layer runs, with both "
        "parameter counts:",
        "zh": "该层运行的每个单元在 PyTorch 中同一族的模块，以及两边的参数量：",
    },
    "counterpart_stack": {
        "en": "Keras has no `num_layers`: one Keras layer per PyTorch layer, each but the last "
        "with `return_sequences=True`, with both parameter counts:",
        "zh": "Keras 没有 `num_layers`：每个 PyTorch 层对应一个 Keras 层，除最后一层外都设 "
        "`return_sequences=True`；以及两边的参数量：",
    },
    "two_biases": {
        "en": "PyTorch keeps two bias vectors per gate block, `bias_ih` and `bias_hh`; Keras keeps "
        "one (GRU with `reset_after=True`: two), so PyTorch counts more. See "
        "[Keras vs PyTorch](../learn/keras-pytorch.md).",
        "zh": "PyTorch 每个门块保存两个偏置向量 `bias_ih` 和 `bias_hh`；Keras 只保存一个"
        "（`reset_after=True` 的 GRU 为两个），所以 PyTorch 的参数量更多。见"
        "[Keras 与 PyTorch](../learn/keras-pytorch.md)。",
    },
    "cell_loop": {
        "en": "A PyTorch cell computes one timestep: a Python loop over time plays the part of "
        "Keras's `RNN`.",
        "zh": "PyTorch 的单元只计算一个时间步：用 Python 循环遍历时间，起到 Keras `RNN` 的作用。",
    },
    "equations": {"en": "Equations", "zh": "公式 (equations)"},
    "equations_keras": {
        "en": "One timestep, as Keras computes it with row vectors: `W` is `kernel` and `U` is "
        "`recurrent_kernel`, one column block per gate (subscript), `b` is `bias`, σ is "
        "`recurrent_activation` and ⊙ multiplies element by element.",
        "zh": "一个时间步，按 Keras 的行向量写法：`W` 是 `kernel`，`U` 是 `recurrent_kernel`，"
        "每个门（下标）对应一个列块；`b` 是 `bias`，σ 是 `recurrent_activation`，"
        "⊙ 表示逐元素相乘。",
    },
    "equations_torch": {
        "en": "One timestep, in PyTorch's notation: `W_i·` is a block of `weight_ih_l[k]`, `W_h·` "
        "of `weight_hh_l[k]`, each with its own bias (`bias_ih`, `bias_hh`); σ is the sigmoid "
        "and ⊙ multiplies element by element.",
        "zh": "一个时间步，按 PyTorch 的记号：`W_i·` 是 `weight_ih_l[k]` 的一个块，`W_h·` 是 "
        "`weight_hh_l[k]` 的一个块，各有自己的偏置（`bias_ih`、`bias_hh`）；σ 是 sigmoid，"
        "⊙ 表示逐元素相乘。",
    },
    "figures": {"en": "Cell and data flow", "zh": "单元与数据流 (cell and data flow)"},
    "figure_cell": {"en": "the cell, one timestep", "zh": "单元：一个时间步"},
    "figure_cell_caption": {
        "en": "One timestep: the input and the previous states feed every gate block, which "
        "make the new states. Drawn from the families table, as the equations above.",
        "zh": "一个时间步：输入和上一步的状态送入每个门块，由它们得到新的状态。"
        "图由族表 (families table) 生成，与上面的公式一致。",
    },
    "figure_flow": {"en": "the data flow of the example", "zh": "示例的数据流"},
    "figure_flow_caption": {
        "en": "The example below with every output returned: the input, how the layer runs its "
        "cells, and each output with its shape, as rnncalc computes them.",
        "zh": "下面的示例在返回全部输出时的数据流：输入、该层如何运行其单元，以及 rnncalc "
        "计算出的每个输出及其形状。",
    },
    "example": {"en": "Example", "zh": "示例代码 (example)"},
    "example_intro": {
        "en": "The tests read this code with rnncalc's own code reader and check every shape and "
        "count in its comments:",
        "zh": "测试会用 rnncalc 自己的代码读取器读取这段代码，并检查注释中的每个形状和参数量：",
    },
    "arguments_torch": {
        "en": "In the constructor's order, as torch 2.13 declares it.",
        "zh": "按 torch 2.13 中构造函数声明的顺序列出。",
    },
    "kwargs": {
        "en": "Through `**kwargs`.",
        "zh": "通过 `**kwargs` 传入。",
    },
    "see_also": {"en": "Explained: ", "zh": "讲解："},
    "related": {"en": "Related layers: ", "zh": "相关的层："},
    "counterpart": {"en": "In the other framework: ", "zh": "另一个框架中的对应类："},
    "upstream": {"en": "Upstream documentation: ", "zh": "官方文档："},
    "learn_inputs": {"en": "input forms and the batch axis", "zh": "输入形式与批次轴"},
    "learn_returns": {"en": "what each return option gives", "zh": "各返回选项给出什么"},
    "learn_parameters": {"en": "parameter counts, step by step", "zh": "参数量的逐步推导"},
    "learn_time-major": {"en": "time_major", "zh": "time_major"},
    "learn_stateful": {"en": "stateful and the batch size", "zh": "stateful 与批大小"},
    "learn_keras-versions": {"en": "Keras 2 vs 3", "zh": "Keras 2 与 Keras 3"},
    "learn_keras-pytorch": {"en": "Keras vs PyTorch", "zh": "Keras 与 PyTorch"},
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
    "cli_group": {"en": "Its commands: ", "zh": "其子命令："},
    "help": {"en": "help", "zh": "说明"},
    "cell_note": {
        "en": "A cell computes one timestep; `RNN(cell)` runs it over time (see [RNN](rnn.md)).",
        "zh": "单元 (cell) 只计算一个时间步；`RNN(cell)` 把它沿时间展开运行"
        "（见 [RNN](rnn.md) 页面）。",
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


CJK = "\u4e00-\u9fff"
_KEPT = re.compile(  # what punctuation rules never touch: code, math, tags, link targets, URLs
    r"```.*?```|`[^`\n]*`|<math.*?</math>|<[^>\n]+>|\]\([^)\s]*\)|https?://\S+", re.S
)
_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
# Each half-width form between Chinese words, and what it becomes.
_HALF: list[tuple[re.Pattern[str], Any]] = [
    (
        re.compile(rf"(?<=[{CJK}])[ \t]?\(([^()\n]*)\)|\(([^()\n]*)\)[ \t]?(?=[{CJK}])"),
        lambda m: f"（{m[1] if m[1] is not None else m[2]}）",
    ),
    (  # never across lines, never an image's "!["
        re.compile(
            rf"(?<=[{CJK}）])[ \t]*([,:;?]|!(?!\[))[ \t]*|[ \t]*([,:;?!])[ \t]*(?=[{CJK}（])"
        ),
        lambda m: _FULL[m[1] or m[2]],
    ),
    (re.compile(rf"(?<=[{CJK}）])\.(?=\s|$)"), "。"),
]


def fullwidth(markdown: str) -> str:
    """Chinese prose with Chinese punctuation: `术语 (term)` → `术语（term）`, `，` for `,`
    between Chinese words, `。` ending a Chinese sentence; code, math, HTML tags, link targets
    and URLs are left as they are.

    Example:
        >>> fullwidth("时间步 (timestep), 见 `a, b` 和 [页面](x.md).")
        '时间步（timestep），见 `a, b` 和 [页面](x.md).'
    """
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    text = _KEPT.sub(keep, markdown)
    for pattern, replacement in _HALF:
        text = pattern.sub(replacement, text)
    text = re.sub(rf"([）。，：；？！])[ \t]+(?=[{CJK}\x00])", r"\1", text)  # no space after
    text = re.sub(rf"(?<=[{CJK}])[ \t]+(?=[（])", "", text)
    return re.sub("\x00(\\d+)\x00", lambda m: kept[int(m[1])], text)


def halfwidth_marks(markdown: str) -> list[str]:
    """Where Chinese prose still has a half-width mark (what `fullwidth` would change)."""
    text = _KEPT.sub(" ", markdown)
    return [m.group(0) for pattern, _replacement in _HALF for m in pattern.finditer(text)]
