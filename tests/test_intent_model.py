"""The statistical layer of the router: its features, its file, and its reading."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from handlers import intent_model, intent_training
from handlers.router import prepared, route
from tests.router_customers import MARIO


def test_features_are_word_pieces_words_and_pairs() -> None:
    grams = intent_model.features("rinnova dominio")
    expected = {" r", "ri", " rin", "nova ", "w:rinnova", "w:dominio", "b:rinnova dominio"}
    assert expected <= set(grams)
    assert max(len(g) for g in grams if ":" not in g) == 5
    assert intent_model.features("") == []


def test_the_model_is_trained_on_the_current_phrases_and_examples() -> None:
    assert intent_model.model().digest == intent_training.digest(), (
        "locales/it/intents.yaml or intent_examples/ changed: run "
        "`.venv/bin/python -m handlers.intent_training`")


def test_the_bot_reads_the_model_as_the_trainer_fitted_it() -> None:
    """Refit from the data: the file holds those weights, and the NumPy reading (features,
    TF-IDF, dot product, softmax) gives scikit-learn's probabilities."""
    texts, labels = intent_training.training_set()
    vectorizer, classifier = intent_training.fit(texts, labels)
    model = intent_model.model()
    assert model.intents == tuple(classifier.classes_)
    samples = [*random.Random(1).sample(texts, 60), "🍕", "", "xyz qwerty"]
    for text in samples:
        expected = classifier.predict_proba(vectorizer.transform([prepared(text)]))[0]
        read = model.probabilities(prepared(text))
        assert [read[i] for i in model.intents] == pytest.approx(list(expected), abs=1e-4)


def test_a_wrong_label_in_the_examples_is_refused(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "intent_examples").mkdir()
    (tmp_path / "intents.yaml").write_text("intents:\n  renew: [rinnova]\n", "utf-8")
    (tmp_path / "intent_examples" / "01-x.yaml").write_text(
        '- text: "rinnova"\n  intent: rinnovo\n', "utf-8")
    monkeypatch.setattr(intent_training, "_locales", lambda: tmp_path)
    with pytest.raises(ValueError, match=r"01-x\.yaml: unknown intent 'rinnovo'"):
        intent_training.training_set()


@pytest.mark.parametrize("text", ["qwertyuiop", "asdfgh jkl", "🍕", "...", "x" * 4096])
def test_gibberish_is_not_understood(text: str) -> None:
    assert route(text, MARIO).intent == "unknown"


@pytest.mark.parametrize(("text", "refused"), [
    ("non voglio parlare con un operatore", "operator"),
    ("non voglio rinnovare niente", "renew"),
    ("non voglio disdire il dominio", "cancel"),
    ("vorrei rinnovare, non disdire", "cancel"),
])
def test_a_negated_wish_is_never_the_reading(text: str, refused: str) -> None:
    """The model is not asked to understand negation: the phrases rule the negated intent
    out and the others share its probability."""
    routed = route(text, MARIO)
    assert routed.intent != refused and routed.runner_up != refused
    assert refused in routed.negated or routed.intent != refused
