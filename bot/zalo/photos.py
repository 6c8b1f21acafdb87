"""Zalo delivers a user's photo as a URL; fetch it (size-limited) so flows receive the bytes as on Telegram."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import PurePosixPath
from urllib.parse import urlparse

import httpx

from handlers.ports import HandleFn
from handlers.types import Inbound, Result

log = logging.getLogger(__name__)


class PhotoFetcher:
    def __init__(self, http: httpx.AsyncClient, max_bytes: int) -> None:
        self.http = http
        self.max_bytes = max_bytes

    async def fetch(self, inbound: Inbound) -> Inbound:
        attachment = inbound.attachment
        if attachment is None or attachment.content is not None or not attachment.url:
            return inbound
        name = PurePosixPath(urlparse(attachment.url).path).name or "anh-zalo.jpg"
        if "." not in name:
            name += ".jpg"
        content = bytearray()
        try:
            async with self.http.stream("GET", attachment.url) as response:
                response.raise_for_status()
                async for chunk in response.aiter_bytes():
                    content.extend(chunk)
                    if len(content) > self.max_bytes:
                        # Too big: pass the size on so the flow can say so; keep no bytes.
                        return dataclasses.replace(
                            inbound, attachment=dataclasses.replace(attachment, file_name=name, size=len(content))
                        )
                mime = response.headers.get("content-type", "image/jpeg").split(";")[0]
        except httpx.HTTPError as error:
            log.warning("could not fetch a Zalo photo: %s", type(error).__name__)
            return dataclasses.replace(inbound, attachment=dataclasses.replace(attachment, file_name=name))
        fetched = dataclasses.replace(
            attachment, file_name=name, mime_type=mime, size=len(content), content=bytes(content)
        )
        return dataclasses.replace(inbound, attachment=fetched)

    def wrap(self, handle: HandleFn) -> HandleFn:
        async def handle_with_photo(inbound: Inbound) -> Result:
            return await handle(await self.fetch(inbound))

        return handle_with_photo

    async def aclose(self) -> None:
        await self.http.aclose()
