"""The embedder pads each batch to its longest passage: what a passage means must not
depend on the passages it was batched with, and must be what sentence-transformers says."""

from __future__ import annotations

import numpy as np

SHORT = "EHCP timeliness"
MIDDLE = (
    "Year Two (2022-2023): we will improve the quality of Education, Health and Care Plans "
    "so that every plan is written with the family and reviewed on time."
)
LONG = " ".join(
    [
        "Schools Forum considered the de-delegation of funding for school improvement and for",
        "trade union facilities time. Maintained primary school members voted to approve the",
        "de-delegation, and the Forum noted the Early Years provider payment rates for 2024-25.",
        "The Notional SEN budget is a sub-set of the school's delegated budget, identified to",
        "help schools meet the costs of additional support for pupils with SEN.",
    ]
    * 3
)
PASSAGES = [MIDDLE, SHORT, LONG]  # not in length order: the embedder sorts them itself


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1)


def test_a_passage_means_the_same_alone_or_batched_with_longer_and_shorter_ones(embedder):
    together = embedder.embed(PASSAGES)
    alone = np.vstack([embedder.embed([passage]) for passage in PASSAGES])

    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    # int8 activations are scaled per batch, so the vectors agree closely, not bit for bit
    assert cosines(together, alone).min() > 0.98, "padding leaked into a short passage's vector"


def test_the_vectors_are_those_sentence_transformers_gives(embedder):
    from sentence_transformers import SentenceTransformer

    from index.embedders import default_model_path

    reference = SentenceTransformer(default_model_path(), device="cpu")
    reference.max_seq_length = 256
    expected = reference.encode(PASSAGES, normalize_embeddings=True, convert_to_numpy=True)

    assert cosines(embedder.embed(PASSAGES), expected).min() > 0.97
