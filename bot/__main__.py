"""Command line: `sangkien-bot` (or `python -m bot`) runs the configured channels; subcommands run
the console channel, load a seed file, import older initiatives for the duplicate check or apply migrations."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from pathlib import Path

from bot.app import App
from bot.logging_setup import configure_logging
from bot.settings import Settings
from storage.legacy_import import LegacyFileError, problems_text

log = logging.getLogger("bot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sangkien-bot", description="Sáng kiến bot")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the channels configured in the environment (default)")
    console = sub.add_parser("console", help="talk to the bot on stdin/stdout")
    console.add_argument("--user", default="1", help="simulated user id (default 1)")
    console.add_argument(
        "--documents", type=Path, default=Path("tai-lieu"), help="folder for documents the bot sends (./tai-lieu)"
    )
    seed = sub.add_parser("seed", help="load units, people and rounds from a YAML or CSV file")
    seed.add_argument("file", type=Path)
    sub.add_parser("migrate", help="apply database migrations")
    old = sub.add_parser("import-old", help="import older initiatives (CSV or XLSX) for the duplicate check")
    old.add_argument("file", type=Path)
    sub.add_parser("reindex", help="index every filed initiative for the duplicate check (after an upgrade)")
    return parser


async def _console(app: App, user: str, documents: Path = Path("tai-lieu")) -> None:
    await _run(app, ["console"], user, documents)


async def _run(
    app: App, channels: list[str] | None = None, user: str = "1", documents: Path = Path("tai-lieu")
) -> None:
    from bot.runner import ConfigurationError, Runtime, run_channels

    channels = channels or app.settings.enabled_channels()
    if channels == ["console"]:
        log.info("no TELEGRAM_BOT_TOKEN or ZALO_BOT_TOKEN configured: running the console channel")
    await app.prepare()
    try:
        await run_channels(app, channels, Runtime(console_user=user, console_documents=documents))
    except ConfigurationError as error:
        log.error("cannot start: %s", error)
        raise SystemExit(2) from None
    finally:
        await app.close()


async def _seed(app: App, path: Path) -> None:
    await app.database.migrate()
    counts = await app.seed(path)
    print(f"Đã nạp: {counts['units']} đơn vị, {counts['people']} người, {counts['rounds']} đợt.")
    await app.close()


async def import_old(app: App, path: Path) -> str:
    """`import-old FILE`: what was imported, in Vietnamese, for the operator."""
    await app.database.migrate()
    try:
        added, updated, problems = await app.import_old(path)
    except FileNotFoundError:
        return f"Không nhập được {path.name}: không tìm thấy tệp."
    except (LegacyFileError, OSError) as error:
        return f"Không nhập được {path.name}: {error}"
    lines = [f"Đã nhập {added + updated} sáng kiến cũ từ {path.name}: {added} mới, {updated} cập nhật."]
    if problems:
        lines.append(f"Bỏ qua {len(problems)} dòng:")
        lines += problems_text(problems)
    return "\n".join(lines)


async def _import_old(app: App, path: Path) -> None:
    try:
        print(await import_old(app, path))
    finally:
        await app.close()


async def _reindex(app: App) -> None:
    try:
        await app.database.migrate()
        print(f"Đã lập chỉ mục {await app.reindex()} sáng kiến đã nộp để kiểm tra trùng lặp.")
    finally:
        await app.close()


async def _migrate(app: App) -> None:
    await app.database.migrate()
    await app.close()


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    settings = Settings()
    # Library loggers held at WARNING whatever LOG_LEVEL says, secrets masked: bot/logging_setup.py.
    configure_logging(settings.log_level, settings.secret_values())
    app = App(settings)
    if args.command == "console":
        coro = _console(app, args.user, args.documents)
    elif args.command == "seed":
        coro = _seed(app, args.file)
    elif args.command == "migrate":
        coro = _migrate(app)
    elif args.command == "import-old":
        coro = _import_old(app, args.file)
    elif args.command == "reindex":
        coro = _reindex(app)
    else:
        coro = _run(app)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(coro)


if __name__ == "__main__":
    main()
