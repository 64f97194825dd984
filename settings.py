"""All configuration in one place, read from the environment (or a `.env` file).

Each group is its own settings class so a component only sees what it needs; every
field has a default and a description. An unknown `SENDBOT_*` variable is reported, not silently
ignored (`unknown_variables`): a mistyped SENDBOT_ACCESS_FILE would otherwise leave every
document public.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parent


def _config(prefix: str) -> SettingsConfigDict:
    return SettingsConfigDict(
        env_prefix=prefix, env_file=".env", extra="ignore", populate_by_name=True
    )


class PathSettings(BaseSettings):
    """Where the product keeps its documents, index and working data."""

    model_config = _config("SENDBOT_")

    index_dir: Path = Field(
        default=ROOT / "var" / "index",
        description="Index folder (FAISS + SQLite generations). Changes only on ingest.",
    )
    data_dir: Path = Field(
        default=ROOT / "var" / "data",
        description="Feedback, Slack thread memory and logs: never swapped by an ingest.",
    )
    documents_dir: Path = Field(
        default=ROOT / "documents",
        description="The documents folder that `ingest` (and Slack uploads) use by default.",
    )
    access_file: str = Field(
        default="",
        description="TOML rules saying which documents only some channels, users or user groups may "
        "see (ingest.access); read at ingest and at start-up. Empty: every document is public.",
    )

    @property
    def access_path(self) -> Path | None:
        return Path(self.access_file) if self.access_file.strip() else None


class IngestSettings(BaseSettings):
    """Limits that keep one hostile or broken file from hurting the whole ingest."""

    model_config = _config("SENDBOT_")

    max_file_mb: float = Field(
        default=100.0,
        description="Larger files are refused, and Word files that unpack to more (zip bombs).",
    )
    max_pages: int = Field(default=2000, description="PDFs with more pages are refused.")
    max_seconds_per_document: float = Field(
        default=600.0,
        description="A document taking longer to read is abandoned. The 114-page Leicester agenda pack, "
        "mostly tables, took 5.4 s on one core: a 2,000-page pack (the page limit) may need 100 s or more.",
    )
    max_memory_mb_per_document: int = Field(
        default=1500, description="Address-space cap for the worker reading one document."
    )
    max_text_chars: int = Field(
        default=5_000_000, description="Extracted text beyond this is refused as a bomb."
    )


class EmbeddingSettings(BaseSettings):
    """Which sentence-transformers model embeds passages and questions."""

    model_config = _config("SENDBOT_")

    embedding_model: str = Field(
        default="",
        description="Model name or local path; empty means the bundled all-MiniLM-L6-v2.",
    )
    embedding_batch_size: int = Field(
        default=8, description="Passages per encode call (8 embedded 1.3x faster than 32 on 2 cores)."
    )
    embedding_max_tokens: int = Field(
        default=256,
        description="Word pieces of each passage the model reads; 128 ingests about twice as fast "
        "but measured lower recall (bench/results/retrieval.md).",
    )
    embedding_backend: str = Field(
        default="onnx",
        description="onnx (exported once from the model, faster on CPU) or torch.",
    )
    embedding_weights: Literal["int8", "float32"] = Field(
        default="int8",
        description="onnx backend: int8 matrix weights embed 1.5x faster (ingest 46 s instead of "
        "68 s) at cosine 0.99 of the float32 vectors, with benchmark recall within one question.",
    )
    model_cache_dir: Path = Field(
        default=ROOT / "var" / "models",
        description="Where the ONNX export of the embedding model is kept.",
    )

    @property
    def model_id(self) -> str:
        return self.embedding_model or "all-MiniLM-L6-v2"

    @property
    def weights(self) -> str:
        """The weights vectors are made with: int8 only where the onnx backend runs."""
        return self.embedding_weights if self.embedding_backend == "onnx" else "float32"


class AnswerSettings(BaseSettings):
    """Optional OpenAI-compatible chat endpoint; without it answers are extractive."""

    model_config = _config("SENDBOT_LLM_")

    base_url: str = Field(default="", description="e.g. http://127.0.0.1:8080/v1")
    model: str = Field(default="", description="Model name the endpoint expects.")
    api_key: SecretStr = Field(default=SecretStr(""), description="Bearer key, if any.")
    timeout_seconds: float = Field(default=60.0, description="Per request.")


class SlackSettings(BaseSettings):
    """Slack credentials and policy. Tokens are secrets and never logged."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    bot_token: SecretStr = Field(
        default=SecretStr(""), validation_alias=AliasChoices("SLACK_BOT_TOKEN")
    )
    app_token: SecretStr = Field(
        default=SecretStr(""), validation_alias=AliasChoices("SLACK_APP_TOKEN")
    )
    signing_secret: SecretStr = Field(
        default=SecretStr(""), validation_alias=AliasChoices("SLACK_SIGNING_SECRET")
    )
    api_url: str = Field(
        default="https://slack.com/api/",
        validation_alias=AliasChoices("SENDBOT_SLACK_API_URL"),
        description="Web API base URL; point it at a local server for testing.",
    )
    digest_channel: str = Field(
        default="",
        validation_alias=AliasChoices("SENDBOT_DIGEST_CHANNEL"),
        description="Channel ID the digest of what an ingest brought is posted to, after any ingest "
        "(bot.py ingest included); unset, only an ingest run from Slack posts it, where it was run.",
    )
    admins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        validation_alias=AliasChoices("SENDBOT_ADMINS"),
        description="Slack user IDs allowed to ingest and upload (comma-separated).",
    )
    admin_usergroup: str = Field(
        default="", validation_alias=AliasChoices("SENDBOT_ADMIN_USERGROUP")
    )
    allowed_channels: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        validation_alias=AliasChoices("SENDBOT_ALLOWED_CHANNELS"),
        description="If set, the bot only answers in these channel IDs (and DMs).",
    )
    document_base_url: str = Field(
        default="",
        validation_alias=AliasChoices("SENDBOT_DOCUMENT_BASE_URL"),
        description="Links in the sources block are this URL + the file name.",
    )
    max_upload_mb: float = Field(
        default=50.0, validation_alias=AliasChoices("SENDBOT_MAX_UPLOAD_MB")
    )
    channel_answers: Literal["public", "private"] = Field(
        default="public",
        validation_alias=AliasChoices("SENDBOT_CHANNEL_ANSWERS"),
        description="How mentions in channels are answered: public (in the thread) or private (to the "
        "asker only, with a button that shares the answer in the thread).",
    )
    private_channels: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        validation_alias=AliasChoices("SENDBOT_PRIVATE_CHANNELS"),
        description="Channel IDs answered privately whatever SENDBOT_CHANNEL_ANSWERS says (comma-separated).",
    )
    public_channels: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        validation_alias=AliasChoices("SENDBOT_PUBLIC_CHANNELS"),
        description="Channel IDs answered in the thread whatever SENDBOT_CHANNEL_ANSWERS says (comma-separated).",
    )
    retention_days: float = Field(
        default=90.0,
        validation_alias=AliasChoices("SENDBOT_RETENTION_DAYS"),
        description="Days the bot keeps questions, answers and feedback copies of them (swept hourly).",
    )
    upload_folder: str = Field(
        default="",
        validation_alias=AliasChoices("SENDBOT_UPLOAD_FOLDER"),
        description="The folder, inside the documents folder, that files sent to the bot are saved in; "
        "they get that folder's access (SENDBOT_ACCESS_FILE). Empty: the documents folder itself.",
    )

    @field_validator("upload_folder")
    @classmethod
    def _inside_documents(cls, value: str) -> str:
        folder = Path(value.strip())
        if folder.is_absolute() or ".." in folder.parts:
            raise ValueError("SENDBOT_UPLOAD_FOLDER must be a folder inside the documents folder, such as restricted")
        return folder.as_posix() if value.strip() else ""

    def answers_privately(self, channel: str) -> bool:
        if channel in self.private_channels:
            return True
        return self.channel_answers == "private" and channel not in self.public_channels

    @field_validator("admins", "allowed_channels", "private_channels", "public_channels", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value


class Settings:
    """The grouped settings, each read from the environment when first asked for."""

    def __init__(self) -> None:
        self.paths = PathSettings()
        self.ingest = IngestSettings()
        self.embedding = EmbeddingSettings()
        self.answer = AnswerSettings()
        self.slack = SlackSettings()


def get_settings() -> Settings:
    return Settings()


SETTINGS_CLASSES = (PathSettings, IngestSettings, EmbeddingSettings, AnswerSettings, SlackSettings)


def known_variables() -> set[str]:
    """Every environment variable a settings class reads."""
    names = set()
    for settings_class in SETTINGS_CLASSES:
        prefix = settings_class.model_config.get("env_prefix", "")
        for name, info in settings_class.model_fields.items():
            alias = info.validation_alias
            if isinstance(alias, AliasChoices):
                names |= {choice for choice in alias.choices if isinstance(choice, str)}
            else:
                names.add(f"{prefix}{name}".upper())
    return names


def unknown_variables(environ: Mapping[str, str] | None = None) -> list[str]:
    """The SENDBOT_* variables set (in the environment or the `.env` file the settings read) that
    no setting reads: most likely typos."""
    from dotenv import dotenv_values  # pydantic-settings reads .env with it

    if environ is None:
        environ = {**dotenv_values(".env"), **os.environ} if Path(".env").is_file() else os.environ
    known = known_variables()
    return sorted(name for name in environ if name.startswith("SENDBOT_") and name not in known)
