"""The statistical reading of a message: a linear classifier over character n-grams.

Beside the phrases of `handlers/router.py`, which match what they list and little else,
this model generalises from labelled examples: every 2-5 letter piece of every word, every
word and every pair of words weigh for or against each intent. It was trained by
`handlers/intent_training.py` (scikit-learn, not needed at run time) on the phrases of
`locales/it/intents.yaml` and the labelled messages of `locales/it/intent_examples/`; the
weights live in `handlers/data/intent_model.npz`. Reading a message is a sparse dot
product in NumPy: tens of microseconds.

The features are computed here, by the same function at training and at reading time,
so the two cannot drift apart; a test checks that this reading gives the trainer's
probabilities.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).parent / "data" / "intent_model.npz"
NGRAMS = (2, 5)  # letters per piece of a word, the word padded with a space each side


def features(prepared: str) -> list[str]:
    """The pieces of an already folded message: letter n-grams, words, word pairs."""
    tokens = prepared.split()
    grams: list[str] = []
    for token in tokens:
        padded = f" {token} "
        for n in range(NGRAMS[0], min(NGRAMS[1], len(padded)) + 1):
            grams.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
    grams.extend(f"w:{token}" for token in tokens)
    grams.extend(f"b:{a} {b}" for a, b in itertools.pairwise(tokens))
    return grams


@dataclass(frozen=True)
class Model:
    index: dict[str, int]
    idf: np.ndarray  # (features,)
    coef: np.ndarray  # (features, intents)
    intercept: np.ndarray  # (intents,)
    intents: tuple[str, ...]
    digest: str  # of the training data it was fitted on

    def probabilities(self, prepared: str) -> dict[str, float]:
        """Each intent's probability for the message (multinomial logistic regression)."""
        counts = Counter(g for g in features(prepared) if g in self.index)
        scores = self.intercept.astype(np.float64)
        if counts:
            rows = np.fromiter((self.index[g] for g in counts), dtype=np.int64, count=len(counts))
            tf = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64,
                             count=len(counts))
            weights = tf * self.idf[rows]
            weights /= np.linalg.norm(weights)
            scores = scores + weights @ self.coef[rows]
        exp = np.exp(scores - scores.max())
        exp /= exp.sum()
        return dict(zip(self.intents, exp.tolist(), strict=True))


def load(arrays: Mapping[str, np.ndarray]) -> Model:
    """A model from its arrays (as `intent_training.arrays` makes and the file keeps)."""
    return Model(
        index={g: i for i, g in enumerate(arrays["grams"].tolist())},
        idf=np.asarray(arrays["idf"], dtype=np.float64),
        coef=np.asarray(arrays["coef"], dtype=np.float64),
        intercept=np.asarray(arrays["intercept"], dtype=np.float64),
        intents=tuple(arrays["intents"].tolist()),
        digest=str(arrays["digest"]),
    )


@lru_cache(maxsize=1)
def model() -> Model:
    """The trained model, loaded once."""
    with np.load(MODEL_PATH, allow_pickle=False) as data:
        return load(data)
