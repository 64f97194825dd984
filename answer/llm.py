"""A minimal client for any OpenAI-compatible chat endpoint (llama.cpp, Ollama, vLLM, hosted).

Only `POST {base_url}/chat/completions` is used, through requests, so nothing beyond the
endpoint's URL, model name and optional key has to be configured. The key goes into the
Authorization header and nowhere else: it is never logged and never part of an error.
"""

from __future__ import annotations

import logging
from typing import Any

import requests

from errors import SendBotError
from settings import AnswerSettings

log = logging.getLogger(__name__)


class LanguageModelFailed(SendBotError):
    """The configured chat endpoint could not be reached or gave no usable reply."""


class ChatClient:
    def __init__(self, settings: AnswerSettings) -> None:
        self.base_url = settings.base_url.rstrip("/")
        self.model = settings.model
        self.timeout = settings.timeout_seconds
        self._key = settings.api_key.get_secret_value()

    @property
    def configured(self) -> bool:
        return bool(self.base_url)

    def complete(self, messages: list[dict[str, str]]) -> str:
        """The model's reply to the messages (temperature 0, so answers are repeatable)."""
        headers = {"Content-Type": "application/json"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        body: dict[str, Any] = {"model": self.model, "messages": messages, "temperature": 0}
        url = f"{self.base_url}/chat/completions"
        log.info("asking %s (model %r)", url, self.model)
        try:
            response = requests.post(url, json=body, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise LanguageModelFailed(
                f"The language model at {self.base_url} could not be reached ({type(exc).__name__})."
            ) from None
        if response.status_code != 200:
            raise LanguageModelFailed(
                f"The language model at {self.base_url} refused the request (HTTP {response.status_code})."
            )
        try:
            return str(response.json()["choices"][0]["message"]["content"] or "")
        except (ValueError, KeyError, IndexError, TypeError):
            raise LanguageModelFailed(
                f"The language model at {self.base_url} sent a reply that is not an OpenAI-style chat completion."
            ) from None
