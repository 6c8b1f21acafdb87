"""What the flows need from the outside world, as protocols; adapters implement them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from handlers.types import Inbound, Result

# The one entry point every channel adapter calls: one inbound event in, what to say out.
HandleFn = Callable[[Inbound], Awaitable[Result]]
