"""Getting an uploaded file's bytes from Slack: files.info, then url_private with the bot token.

The token is only ever sent to Slack's own file host or to the configured API host
(a local fake in tests), never to whatever URL a payload names, and the download
stops as soon as it passes the size limit.
"""

from __future__ import annotations

from urllib.parse import urlparse

import requests
from slack_sdk import WebClient

from slackbot.uploads import IncomingFile, UploadRefused

SLACK_FILE_HOSTS = {"files.slack.com"}
DOWNLOAD_TIMEOUT_SECONDS = 60
CHUNK_BYTES = 1 << 16


def incoming_file(client: WebClient, file_id: str, token: str, api_url: str) -> IncomingFile:
    """The file as Slack describes it; its bytes are fetched only when asked for."""
    info = client.files_info(file=file_id)["file"]
    url = info.get("url_private_download") or info.get("url_private") or ""
    trusted_hosts = SLACK_FILE_HOSTS | {urlparse(api_url).hostname}

    def fetch(max_bytes: int) -> bytes:
        if urlparse(url).hostname not in trusted_hosts:
            raise UploadRefused("I can only download files stored by Slack.")
        return download(url, token, max_bytes)

    return IncomingFile(
        name=info.get("name") or "", size=int(info.get("size") or 0), fetch=fetch, link=info.get("permalink") or ""
    )


def download(url: str, token: str, max_bytes: int) -> bytes:
    headers = {"Authorization": f"Bearer {token}"}
    with requests.get(url, headers=headers, stream=True, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
        response.raise_for_status()
        content = bytearray()
        for chunk in response.iter_content(CHUNK_BYTES):
            content += chunk
            if len(content) > max_bytes:
                raise UploadRefused(f"The file is larger than the {max_bytes / 1e6:.0f} MB limit.")
    return bytes(content)
