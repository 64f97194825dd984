"""Unit vectors for an ingest: reused from the last generation, or embedded once.

Search and answers compare a question with each quotable unit of a passage (text.units),
so a vector is made per unit, not per passage. A vector is keyed by a hash of the model, its
weights and token limit, and the text embedded, so a unit text is never embedded twice and a
changed setting re-embeds all.
The ingest embeds each document as soon as a worker has read it, so the embedding
model works while the workers read the next files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

import numpy as np

from index.embedders import VECTORS_OF, get_embedder
from index.store import PreviousGeneration
from ingest.models import Chunk
from settings import EmbeddingSettings
from text.units import passage_units, unit_embedding_text

BATCH = 256  # texts per embed call: progress is reported between calls




def unit_texts(chunk: Chunk) -> list[str]:
    """What each of a passage's units is embedded from, in unit order."""
    return [unit_embedding_text(chunk.section, unit) for unit in passage_units(chunk.text)]


class UnitVectors:
    def __init__(self, settings: EmbeddingSettings, previous: PreviousGeneration | None) -> None:
        self.settings = settings
        self.model_id = settings.model_id
        self.signature = f"{self.model_id}|{settings.weights}|{settings.embedding_max_tokens}|{VECTORS_OF}"
        self.previous = previous
        self.fresh: dict[str, bytes] = {}

    def key(self, text: str) -> str:
        return hashlib.sha1(f"{self.signature}\n{text}".encode()).hexdigest()

    def texts(self, chunks: Iterable[Chunk]) -> dict[str, str]:
        """The texts to embed for these passages' units, by key."""
        return {self.key(text): text for chunk in chunks for text in unit_texts(chunk)}

    def embed_missing(self, texts: dict[str, str], progress: Callable[[int, int], None] | None = None) -> None:
        """Embed the texts that have no vector yet, neither fresh nor in the last generation."""
        missing = [(key, text) for key, text in texts.items() if key not in self.fresh and self._old(key) is None]
        if not missing:
            return
        embedder = get_embedder(self.settings)
        for start in range(0, len(missing), BATCH):
            part = missing[start:start + BATCH]
            vectors = embedder.embed([text for _, text in part])
            for (key, _), vector in zip(part, vectors, strict=True):
                self.fresh[key] = vector.astype(np.float32).tobytes()
            if progress:
                progress(min(start + BATCH, len(missing)), len(missing))

    def vector(self, key: str) -> bytes:
        found = self.fresh.get(key) or self._old(key)
        if found is None:
            raise KeyError(f"no vector for unit text {key}")
        return found

    def _old(self, key: str) -> bytes | None:
        if self.previous is None:
            return None
        return self.previous.vector(key)
