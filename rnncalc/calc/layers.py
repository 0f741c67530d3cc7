"""Every non-recurrent Keras layer `rnncalc model` knows, by class name: what a saved model or
model code holds around its recurrent layers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from rnncalc.calc.attention import ATTENTION
from rnncalc.calc.plain import (
    BatchNormalizationConfig,
    ConcatenateConfig,
    DenseConfig,
    DropoutConfig,
    EmbeddingConfig,
    FlattenConfig,
    Identity,
    LambdaConfig,
    MergeConfig,
    NormalizationConfig,
    PermuteConfig,
    PlainConfig,
    PReLUConfig,
    RepeatVectorConfig,
    ReshapeConfig,
    SpatialDropout1DConfig,
    SubtractConfig,
)
from rnncalc.calc.spatial import SPATIAL


class Registry(Mapping[str, type[PlainConfig]]):
    """The classes by name: the plain ones, then the spatial ones, made on first use."""

    def __init__(self, *parts: Mapping[str, type[PlainConfig]]) -> None:
        self.parts = parts

    def __getitem__(self, name: str) -> type[PlainConfig]:
        for part in self.parts:
            if name in part:
                return part[name]
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return (name for part in self.parts for name in part)

    def __len__(self) -> int:
        return sum(len(part) for part in self.parts)


SIMPLE: dict[str, type[PlainConfig]] = {
    "Dropout": DropoutConfig,
    "GaussianNoise": DropoutConfig,
    "GaussianDropout": DropoutConfig,
    "AlphaDropout": DropoutConfig,
    "SpatialDropout1D": SpatialDropout1DConfig,
    "SpatialDropout2D": DropoutConfig,
    "SpatialDropout3D": DropoutConfig,
    "Activation": Identity,
    "ActivityRegularization": Identity,
    "Masking": Identity,
    "LeakyReLU": Identity,
    "ReLU": Identity,
    "ELU": Identity,
    "Softmax": Identity,
    "ThresholdedReLU": Identity,
    "PReLU": PReLUConfig,
    "Dense": DenseConfig,
    "Embedding": EmbeddingConfig,
    "Flatten": FlattenConfig,
    "Reshape": ReshapeConfig,
    "RepeatVector": RepeatVectorConfig,
    "Permute": PermuteConfig,
    "BatchNormalization": BatchNormalizationConfig,
    "LayerNormalization": NormalizationConfig,
    "Add": MergeConfig,
    "Subtract": SubtractConfig,
    "Multiply": MergeConfig,
    "Average": MergeConfig,
    "Maximum": MergeConfig,
    "Minimum": MergeConfig,
    "Concatenate": ConcatenateConfig,
    "Lambda": LambdaConfig,
    **ATTENTION,
}
PLAIN = Registry(SIMPLE, SPATIAL)
