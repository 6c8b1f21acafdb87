"""The reference for bench_sending.py: a plain python-telegram-bot ConversationHandler wizard that asks
``--steps`` questions one after another, keeping its state in memory and saving nothing.

Usage (started by bench_sending.py): reference_wizard.py --token T --base-url URL --steps N
"""

from __future__ import annotations

import argparse
import logging

from telegram import Update
from telegram.ext import Application, ContextTypes, ConversationHandler, MessageHandler, filters


def build(token: str, base_url: str, steps: int) -> Application:
    async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        step = int(context.user_data.get("step", 0)) + 1  # type: ignore[union-attr]
        context.user_data["step"] = step  # type: ignore[index]
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"Bước {step}/{steps}. Câu hỏi số {step}?")
        return 0 if step < steps else ConversationHandler.END

    wizard = ConversationHandler(
        entry_points=[MessageHandler(filters.TEXT, ask)],
        states={0: [MessageHandler(filters.TEXT, ask)]},
        fallbacks=[],
    )
    app = Application.builder().token(token).base_url(base_url).concurrent_updates(True).build()
    app.add_handler(wizard)
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--token", required=True)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--steps", type=int, default=29)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    build(args.token, args.base_url, args.steps).run_polling(poll_interval=0, timeout=1, drop_pending_updates=False)


if __name__ == "__main__":
    main()
