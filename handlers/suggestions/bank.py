"""The idea bank (Ngân hàng ý kiến): answered suggestions whose sender agreed to publication, never with who
sent them. ``public_suggestions`` is what the public web page renders; /nganhangykien <từ khoá> searches
it in the bot, with or without diacritics."""

from __future__ import annotations

from handlers.context import Command, Context, FlowConfig
from handlers.parsing import fold, format_date, match_option
from handlers.store import Store
from handlers.suggestions.rules import PublicSuggestion, Suggestion
from handlers.suggestions.service import answered_by
from handlers.texts import suggestion as T
from handlers.types import Option

SHOWN = 10
EXCERPT = 200
EXIT = "__exit__"
CODE = "b:"


def _searchable(suggestion: Suggestion) -> str:
    return fold(
        " ".join(
            (
                suggestion.code,
                suggestion.topic,
                suggestion.content,
                suggestion.answer,
                suggestion.clarification,
                suggestion.clarification_answer,
            )
        )
    )


def matches(suggestion: Suggestion, query: str) -> bool:
    """Every word of the query appears in the suggestion, its topic or its answers (diacritics ignored)."""
    text = _searchable(suggestion)
    return all(word in text for word in fold(query).split())


async def public_suggestions(
    store: Store, config: FlowConfig, query: str = "", limit: int | None = None
) -> list[PublicSuggestion]:
    """The idea bank, newest answer first, optionally filtered by a search query."""
    found = [s for s in await store.suggestions.published() if matches(s, query)]
    if limit is not None:
        found = found[:limit]
    return [
        PublicSuggestion(
            code=s.code,
            topic=s.topic,
            content=s.content,
            answer=s.answer,
            answered_by=await answered_by(store, s),
            answered_on=s.answered_at.astimezone(config.timezone).date() if s.answered_at else None,
            clarification=s.clarification,
            clarification_answer=s.clarification_answer,
        )
        for s in found
    ]


def _excerpt(text: str, limit: int = EXCERPT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class SuggestionBankFlow:
    name = "hk_bank"

    async def search(self, ctx: Context, query: str) -> None:
        query = query.strip()[:100]
        items = await public_suggestions(ctx.store, ctx.config, query)
        if not items:
            ctx.enter(None)
            ctx.say(T.BANK_NO_MATCH.format(query=query) if query else T.BANK_EMPTY)
            return
        ctx.enter(self.name, {"query": query})
        shown = items[:SHOWN]
        lines = [
            T.BANK_TITLE.format(n=len(items), query=T.BANK_QUERY.format(query=query) if query else ""),
            *(
                T.BANK_ITEM.format(
                    code=i.code, topic=i.topic, content=_excerpt(i.content), by=i.answered_by, answer=_excerpt(i.answer)
                )
                for i in shown
            ),
        ]
        if len(items) > SHOWN:
            lines.append(T.BANK_SHOWING.format(shown=SHOWN, n=len(items)))
        lines.append(T.BANK_MORE)
        ctx.say("\n\n".join(lines), self._options(shown))

    @staticmethod
    def _options(items: list[PublicSuggestion]) -> list[Option]:
        return [Option(CODE + i.code, i.code) for i in items] + [Option(EXIT, T.CLOSE)]

    async def handle(self, ctx: Context) -> None:
        command: Command | None = ctx.command
        if command is not None:
            if command.name == "trogiup":
                ctx.say(T.BANK_HELP)
            else:
                ctx.enter(None)
                ctx.say(T.CLOSED_LIST)
            return
        query = str(ctx.conversation.state.get("query") or "")
        items = (await public_suggestions(ctx.store, ctx.config, query))[:SHOWN]
        options = self._options(items)
        if ctx.inbound.choice is not None:
            value = ctx.inbound.choice
        else:
            chosen = match_option(ctx.inbound.text or "", options)
            if chosen is None and (ctx.inbound.text or "").strip():
                await self.search(ctx, ctx.inbound.text or "")  # anything else typed is a new search
                return
            value = chosen.value if chosen else ""
        if value == EXIT:
            ctx.enter(None)
            ctx.say(T.CLOSED_LIST)
            return
        item = next((i for i in await public_suggestions(ctx.store, ctx.config) if CODE + i.code == value), None)
        if item is None:
            ctx.choose_again(options)
            return
        clarify = (
            T.BANK_CLARIFY.format(text=item.clarification, answer=item.clarification_answer)
            if item.clarification and item.clarification_answer
            else ""
        )
        ctx.say(
            T.BANK_FULL.format(
                code=item.code,
                topic=item.topic,
                content=item.content,
                by=item.answered_by,
                date=format_date(item.answered_on) if item.answered_on else "",
                answer=item.answer,
                clarify=clarify,
            ),
            options,
        )
