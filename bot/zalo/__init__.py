"""Zalo Bot Platform adapter: a small HTTP client, update parsing and the channel glue to the flows."""

from bot.zalo.channel import ZaloChannel, webhook_handler
from bot.zalo.client import ZaloClient
from bot.zalo.errors import (
    ZaloBadRequest,
    ZaloError,
    ZaloForbidden,
    ZaloNetworkError,
    ZaloRateLimited,
    ZaloServerError,
    ZaloUnauthorized,
)
from bot.zalo.updates import ZaloUpdate, parse_update, split_text, to_inbound

__all__ = [
    "ZaloBadRequest",
    "ZaloChannel",
    "ZaloClient",
    "ZaloError",
    "ZaloForbidden",
    "ZaloNetworkError",
    "ZaloRateLimited",
    "ZaloServerError",
    "ZaloUnauthorized",
    "ZaloUpdate",
    "parse_update",
    "split_text",
    "to_inbound",
    "webhook_handler",
]
