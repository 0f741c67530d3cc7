"""The error catalogue: each kind of mistake, what causes it, and rnncalc's own words and fix."""

from __future__ import annotations

from typing import NamedTuple


class Mistake(NamedTuple):
    args: tuple[str, ...]  # the rnncalc command that makes the mistake
    en: str  # what causes it
    zh: str


SECTIONS: dict[str, tuple[str, str, list[Mistake]]] = {
    "expressions": (
        "Layer expressions",
        "层表达式 (layer expressions)",
        [
            Mistake(("summary", "LSTM"), "a class name without its call", "只写了类名，没有调用"),
            Mistake(
                ("summary", "LSTM(32"), "Python syntax that does not parse", "不合法的 Python 语法"
            ),
            Mistake(
                ("summary", "LSTM(units=n)", "--input-shape", "10,64"),
                "a variable where a literal value is needed: nothing is evaluated",
                "需要字面值的地方写了变量：rnncalc 不执行任何代码",
            ),
            Mistake(("summary", "LTSM(32)"), "a misspelt layer", "层名拼写错误"),
            Mistake(
                ("summary", "LSTM(32, return_sequence=True)", "--input-shape", "10,64"),
                "a misspelt argument",
                "参数名拼写错误",
            ),
            Mistake(
                ("summary", "LSTM(32, 'tanh', 'sigmoid', True, 'zeros')", "--input-shape", "10,64"),
                "more positional arguments than the layer takes",
                "位置参数多于该层接受的数量",
            ),
        ],
    ),
    "values": (
        "Argument values",
        "参数取值 (argument values)",
        [
            Mistake(("summary", "LSTM(0)", "--input-shape", "10,64"), "zero units", "单元数为 0"),
            Mistake(
                ("summary", "LSTM(32.0)", "--input-shape", "10,64"),
                "a float where Keras needs a whole number",
                "Keras 需要整数的地方给了浮点数",
            ),
            Mistake(
                ("summary", "LSTM(32, activation='swishy')", "--input-shape", "10,64"),
                "an activation Keras does not know",
                "Keras 不认识的激活函数",
            ),
        ],
    ),
    "inputs": (
        "Input shapes",
        "输入形状 (input shapes)",
        [
            Mistake(("summary", "LSTM(32)"), "no input shape at all", "完全没有给出输入形状"),
            Mistake(
                ("summary", "LSTM(32)", "--input-shape", "1,10,64"),
                "the batch axis inside `input_shape`: Keras's *expected ndim=3, found ndim=4*",
                "把批次轴写进了 `input_shape`：即 Keras 的 *expected ndim=3, found ndim=4*",
            ),
            Mistake(
                ("summary", "LSTM(32)", "--input-shape", "64"),
                "no time axis: a recurrent layer reads sequences",
                "缺少时间轴：循环层读取的是序列",
            ),
            Mistake(
                ("summary", "LSTM(32)", "--input-shape", "10,None"),
                "an unknown number of features: the weights depend on it",
                "特征数未知：权重的形状取决于它",
            ),
            Mistake(
                ("summary", "LSTM(32, stateful=True)", "--input-shape", "10,64"),
                "a stateful layer without a fixed batch size",
                "有状态 (stateful) 的层没有固定的批大小",
            ),
            Mistake(
                ("summary", "LSTM(32, input_shape=(10, 64))", "--input-shape", "10,64"),
                "the input shape given twice",
                "输入形状给了两次",
            ),
        ],
    ),
    "versions": (
        "Keras 2 and Keras 3",
        "Keras 2 与 Keras 3",
        [
            Mistake(
                ("summary", "LSTM(32, time_major=True)", "--input-shape", "10,64", "--keras", "3"),
                "`time_major`, which Keras 3 removed",
                "Keras 3 已移除 `time_major`",
            ),
            Mistake(
                ("summary", "LSTM(32, batch_input_shape=(8, 10, 64))", "--keras", "3"),
                "`batch_input_shape` as a layer argument in Keras 3",
                "在 Keras 3 中把 `batch_input_shape` 作为层参数",
            ),
        ],
    ),
    "wrappers": (
        "Bidirectional and ConvLSTM",
        "Bidirectional 与 ConvLSTM",
        [
            Mistake(
                ("summary", "Bidirectional(LSTM(32), merge_mode='max')", "--input-shape", "10,64"),
                "a merge mode Bidirectional does not have",
                "Bidirectional 不支持的合并方式 (merge_mode)",
            ),
            Mistake(
                (
                    "summary",
                    "Bidirectional(LSTM(32), backward_layer=LSTM(32))",
                    "--input-shape",
                    "10,64",
                ),
                "a backward layer that runs forwards",
                "反向层 (backward_layer) 实际上在正向运行",
            ),
            Mistake(
                ("summary", "ConvLSTM2D(16, 9)", "--input-shape", "10,8,8,3"),
                "a kernel larger than a `valid` input",
                "卷积核比 `valid` 填充下的输入还大",
            ),
        ],
    ),
    "torch": (
        "PyTorch",
        "PyTorch",
        [
            Mistake(
                ("summary", "nn.LSTM(64, 32)", "--batch-input-shape", "10,16,63"),
                "an input whose last axis is not `input_size`",
                "输入最后一维不等于 `input_size`",
            ),
            Mistake(
                ("summary", "nn.LSTM(64, 32, proj_size=32)", "--batch-input-shape", "10,16,64"),
                "`proj_size` not smaller than `hidden_size`",
                "`proj_size` 不小于 `hidden_size`",
            ),
            Mistake(
                ("summary", "LSTM(15, 30, proj_size=21)", "--input-shape", "10,15"),
                "a PyTorch module read as a Keras layer",
                "把 PyTorch 模块当成了 Keras 层",
            ),
        ],
    ),
    "files": (
        "Model files and options",
        "模型文件与选项 (files and options)",
        [
            Mistake(("model", "no/such/model.keras"), "a path with no file", "路径下没有文件"),
            Mistake(("model", "README.md"), "a file that is not a model", "文件不是模型"),
            Mistake(
                ("run", "docs/examples/encoder_decoder.json", "--input", "x.npy"),
                "model JSON holds no weights to run",
                "模型 JSON 中没有可运行的权重",
            ),
            Mistake(
                ("memory", "LSTM(32)", "--input-shape", "None,64", "--batch-size", "8"),
                "memory with the timesteps left open",
                "计算内存时时间步未定",
            ),
            Mistake(
                ("summary", "LSTM(32)", "--input-shape", "10,64", "--format", "gird"),
                "a misspelt table format",
                "表格格式名拼写错误",
            ),
        ],
    ),
}
