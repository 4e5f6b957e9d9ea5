"""Fit the intent model (`handlers/intent_model.py`) and write its weights.

    .venv/bin/python -m handlers.intent_training

Run it after changing `locales/it/intents.yaml` or a file of `locales/it/intent_examples/`:
a test compares the digest of those files with the one stored in the model and fails
while the model is stale. scikit-learn is needed here only (it is a test dependency); the
bot reads the weights with NumPy.

The model is a multinomial logistic regression (scikit-learn's `LogisticRegression`)
over TF-IDF weighted features (`TfidfVectorizer` with sublinear counts, pieces seen in at
least two training texts), the features being those of `intent_model.features`.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable
from importlib.resources import files
from typing import Any

import numpy as np
import yaml

from handlers.intent_model import MODEL_PATH, features
from handlers.router import INTENTS, UNKNOWN, prepared

SETTINGS = "logreg C=20 min_df=2 sublinear tf-idf; features v1"  # part of the digest
C = 20.0
MIN_DF = 2


def _locales() -> Any:
    return files("locales").joinpath("it")


def example_files() -> list[Any]:
    """The labelled message files, in name order."""
    folder = _locales().joinpath("intent_examples")
    return sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)


def training_set(
    leave_out: Callable[[str, int], bool] | None = None,
) -> tuple[list[str], list[str]]:
    """(texts, intents): every phrase of intents.yaml (stems without their *), each thing
    of its `off_topic` list as not understood, and every
    labelled message of intent_examples/ but those `leave_out(file name, position)` holds
    back for an evaluation."""
    texts: list[str] = []
    labels: list[str] = []
    raw = yaml.safe_load(_locales().joinpath("intents.yaml").read_text("utf-8"))
    for intent, phrases in raw["intents"].items():
        for phrase in phrases:
            texts.append(str(phrase).replace("*", ""))
            labels.append(intent)
    for thing in raw.get("off_topic", []):  # things not ours: a message about them is off-topic
        texts.append(str(thing))
        labels.append(UNKNOWN)
    for path in example_files():
        for position, item in enumerate(yaml.safe_load(path.read_text("utf-8"))):
            if item["intent"] not in (*INTENTS, UNKNOWN):
                raise ValueError(f"{path.name}: unknown intent {item['intent']!r}")
            if leave_out and leave_out(path.name, position):
                continue
            texts.append(str(item["text"]))
            labels.append(item["intent"])
    return texts, labels


def digest() -> str:
    """What the model depends on: the settings, the phrases and the labelled messages."""
    sha = hashlib.sha256(SETTINGS.encode())
    for path in [_locales().joinpath("intents.yaml"), *example_files()]:
        sha.update(path.name.encode())
        sha.update(path.read_bytes())
    return sha.hexdigest()


def fit(texts: list[str], labels: list[str]) -> tuple[Any, Any]:
    """The fitted (vectorizer, classifier) pair, for this module and the evaluation."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=MIN_DF,
                                 dtype=np.float64)
    matrix = vectorizer.fit_transform([prepared(text) for text in texts])
    classifier = LogisticRegression(C=C, max_iter=5000)
    classifier.fit(matrix, labels)
    return vectorizer, classifier


def arrays(vectorizer: Any, classifier: Any, data_digest: str) -> dict[str, np.ndarray]:
    """The weights as `intent_model.model()` reads them."""
    grams = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
    return {
        "grams": np.array(grams),
        "idf": vectorizer.idf_.astype(np.float32),
        "coef": classifier.coef_.T.astype(np.float32),
        "intercept": classifier.intercept_.astype(np.float32),
        "intents": np.array(classifier.classes_),
        "digest": np.array(data_digest),
    }


def main() -> int:
    texts, labels = training_set()
    vectorizer, classifier = fit(texts, labels)
    MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(MODEL_PATH, **arrays(vectorizer, classifier, digest()))
    print(f"{len(texts)} training texts, {len(vectorizer.vocabulary_)} features -> {MODEL_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
