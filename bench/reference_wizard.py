"""The reference for bench_sending.py: a plain python-telegram-bot ConversationHandler wizard that asks
``--steps`` questions one after another, keeping its state in memory and saving nothing. The questions before the
answers numbered in ``--buttons`` (0-based) carry a button «Có», which the benchmark's users press, as they press
the bot's buttons at the same steps: a press is answered (answerCallbackQuery) and then the next question is sent.

``--transport aiohttp`` sends its Bot API calls through the bot's own transport (bot/telegram_request.py) instead
of python-telegram-bot's default httpx, so the benchmark can also compare like with like.

Usage (started by bench_sending.py): reference_wizard.py --token T --base-url URL --steps N [--buttons 3,5]
       [--transport httpx|aiohttp]
"""

from __future__ import annotations

import argparse
import logging
import warnings

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.telegram_request import AiohttpRequest

YES = "Có"


def build(token: str, base_url: str, steps: int, buttons: set[int], transport: str = "httpx") -> Application:
    async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        if update.callback_query is not None:
            await update.callback_query.answer()
        step = int(context.user_data.get("step", 0)) + 1  # type: ignore[union-attr]
        context.user_data["step"] = step  # type: ignore[index]
        assert update.effective_message is not None
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(YES, callback_data=YES)]]) if step in buttons else None
        await update.effective_message.reply_text(f"Bước {step}/{steps}. Câu hỏi số {step}?", reply_markup=keyboard)
        return 0 if step < steps else ConversationHandler.END

    # A wizard keyed by chat and user, not by message: PTB warns that its buttons are then not tracked per message.
    warnings.filterwarnings("ignore", category=PTBUserWarning)
    wizard = ConversationHandler(
        entry_points=[MessageHandler(filters.TEXT, ask)],
        states={0: [MessageHandler(filters.TEXT, ask), CallbackQueryHandler(ask)]},
        fallbacks=[],
    )
    builder = Application.builder().token(token).base_url(base_url).concurrent_updates(True)
    if transport == "aiohttp":  # as many connections as PTB's default pool
        builder = builder.request(AiohttpRequest(256)).get_updates_request(AiohttpRequest(1))
    app = builder.build()
    app.add_handler(wizard)
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--token", required=True)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--steps", type=int, default=29)
    parser.add_argument("--buttons", default="", help="0-based numbers of the answers given by a button")
    parser.add_argument("--transport", choices=("httpx", "aiohttp"), default="httpx")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    buttons = {int(n) for n in args.buttons.split(",") if n}
    build(args.token, args.base_url, args.steps, buttons, args.transport).run_polling(
        poll_interval=0, timeout=1, drop_pending_updates=False
    )


if __name__ == "__main__":
    main()
