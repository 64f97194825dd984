"""The fitted models the product reads: they load for the code's features, or say how to refit."""

from __future__ import annotations

import json

import numpy as np
import pytest

from answer.evidence import unit_model
from answer.refuse import refusal_model
from index.ranking import PASSAGE_FEATURES, LinearModel, passage_model


def test_the_committed_weights_fit_the_features_the_code_computes():
    model, threshold = refusal_model()

    assert passage_model().features == PASSAGE_FEATURES
    assert len(unit_model().weights) == len(unit_model().features)
    assert 0.0 < threshold < 1.0 and len(model.weights) == len(model.features)


def test_weights_fitted_on_other_features_are_refused_with_the_command_that_refits(tmp_path):
    stale = tmp_path / "ranking.json"
    stale.write_text(json.dumps({"passages": {"features": ["keywords"], "weights": [1.0], "bias": 0.0}}))

    with pytest.raises(ValueError, match="bench/fit.py"):
        LinearModel.load(stale, "passages", PASSAGE_FEATURES)


def test_a_model_scores_by_its_weights_and_bias():
    model = LinearModel(("a", "b"), (2.0, -1.0), 0.5)

    assert model.scores(np.array([[1.0, 1.0]]))[0] == pytest.approx(1.5)
    assert model.probabilities(np.array([[0.0, 0.5]]))[0] == pytest.approx(0.5)
