"""The console channel as a newcomer uses it: a whole conversation piped from a file, then another user."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from tests.support import REGISTRATION_SCRIPT, WIZARD_SCRIPT

ROOT = Path(__file__).resolve().parent.parent


def run_console(tmp_path: Path, user: str, lines: list[str]) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'console.sqlite3'}",
        "FILE_STORE_DIR": str(tmp_path / "files"),
        "TELEGRAM_BOT_TOKEN": "",
        "ZALO_BOT_TOKEN": "",
        "SEED_FILE": "",
    }
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--user", user],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        timeout=120,
        check=True,
    )
    assert "Traceback" not in completed.stderr, completed.stderr
    return completed.stdout


def test_piped_conversation_submits_and_exits_at_end_of_input(tmp_path: Path) -> None:
    attachment = tmp_path / "anh-minh-hoa.png"
    attachment.write_bytes(b"\x89PNG fake image")
    # The subprocess runs on the real clock: a first application a month ago needs no confirmation.
    recent = (date.today() - timedelta(days=30)).strftime("%d/%m/%Y")
    lines = [text.replace("05/09/2025", recent) for text, _ in REGISTRATION_SCRIPT + WIZARD_SCRIPT[:20]]
    lines += [f"::tep {attachment}", "1", "1", "1", "/cuatoi"]
    out = run_console(tmp_path, "7", lines)
    assert "> Nguyễn Văn An" in out  # the transcript echoes what was typed
    assert "Đã nhận tệp «anh-minh-hoa.png»" in out
    assert "Số biên nhận: SK-" in out
    assert "1. SK-" in out  # /cuatoi lists it, numbered

    # Another user on the same database, in turn: a separate registration and numbering.
    second = run_console(tmp_path, "8", ["/start", "Lê Thị Hoa", "2", "Chuyên viên", "bỏ qua", "1", "/cuatoi"])
    assert "Đăng ký xong. Cảm ơn Lê Thị Hoa!" in second
    assert "chưa có sáng kiến nào" in second
