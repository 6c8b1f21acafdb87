"""Errors of the Zalo Bot API, one class per way a caller reacts to them.

Messages carry the API's code and description only, never a URL: the token lives in the URL path.
"""

from __future__ import annotations


class ZaloError(Exception):
    """Any error answer of the Zalo Bot API (``{ok: false, error_code, description}``)."""

    def __init__(self, code: int, description: str = "") -> None:
        self.code = code
        self.description = description
        super().__init__(f"Zalo API error {code}: {description}" if description else f"Zalo API error {code}")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, description={self.description!r})"


class ZaloBadRequest(ZaloError):
    """400 or 404: the request itself is wrong; retrying the same request cannot help."""


class ZaloUnauthorized(ZaloError):
    """401: the token is wrong or revoked. Never retried."""


class ZaloForbidden(ZaloError):
    """403: e.g. the user blocked or unfollowed the bot."""


class ZaloRateLimited(ZaloError):
    """429 after the retries ran out (also what the free tier answers once its monthly quota is spent)."""

    def __init__(self, code: int, description: str = "", retry_after: float | None = None) -> None:
        super().__init__(code, description)
        self.retry_after = retry_after


class ZaloServerError(ZaloError):
    """5xx (or an unreadable answer) after the retries ran out."""


class ZaloNetworkError(ZaloError):
    """The API could not be reached (connection refused, timeout, ...) after the retries ran out.

    ``code`` is 0: there was no HTTP answer.
    """
