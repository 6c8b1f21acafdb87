"""The console as people use it (issue 14): long answers read whole, piped or pasted into a real terminal (a pty),
and documents written to a folder the reply names. Through the real command, ``python -m bot console``."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import termios
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from tests.support import REGISTRATION_SCRIPT, WIZARD_SCRIPT

ROOT = Path(__file__).resolve().parent.parent
RECENT = (date.today() - timedelta(days=30)).strftime("%d/%m/%Y")
# Up to «Tình trạng đã biết» (1/3), on the real clock: a first application a month ago needs no confirmation.
TO_KNOWN_STATE = [text.replace("05/09/2025", RECENT) for text, _ in REGISTRATION_SCRIPT + WIZARD_SCRIPT[:10]]
# 3.400 characters of Vietnamese on one line: about 9.900 bytes, well over a terminal's 4.095-byte line.
LONG_VIETNAMESE = ("Học sinh phải đến văn phòng hỏi kết quả, mất nhiều thời gian. " * 60)[:3400].strip()


def console_env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'console.sqlite3'}",
        "FILE_STORE_DIR": str(tmp_path / "files"),
        "TELEGRAM_BOT_TOKEN": "",
        "ZALO_BOT_TOKEN": "",
        "SEED_FILE": "",
        "ADMINS": "console:7",
        "PYTHONPATH": str(ROOT),
    }


def test_piped_long_answers_are_read_whole_and_documents_saved_to_a_folder(tmp_path: Path) -> None:
    lines = [
        *TO_KNOWN_STATE,
        "x" * 10_000,  # one piped line of 10.000 characters: read whole, so refused as too long (limit 3.500)
        "::dai",
        LONG_VIETNAMESE[:1700],
        "",
        LONG_VIETNAMESE[1700:],
        "::het",
        *[text for text, _ in WIZARD_SCRIPT[11:]],
        "/taidon SK-2026-0001",
    ]
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--user", "7", "--documents", str(tmp_path / "ho-so")],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=console_env(tmp_path),
        timeout=120,
        check=True,
    )
    out = completed.stdout
    assert "Traceback" not in completed.stderr, completed.stderr
    assert "10.000 ký tự" in out  # the whole line arrived
    assert f"> [văn bản dài {len(LONG_VIETNAMESE) + 2} ký tự]" in out and "(2/3)" in out
    assert "Số biên nhận: SK-2026-0001" in out
    saved = tmp_path / "ho-so" / "Don-M02-SK-2026-0001.docx"
    assert f"[Tài liệu «Don-M02-SK-2026-0001.docx» đã lưu tại: {saved}]" in out
    assert saved.read_bytes()[:2] == b"PK"  # a real .docx (a zip)
    assert "bấm" not in out and "nút" not in out


class Terminal:
    """The console command with its stdin on a pseudo-terminal in the usual line mode, as when a person types."""

    def __init__(self, tmp_path: Path) -> None:
        master, slave = pty.openpty()
        attrs = termios.tcgetattr(slave)
        attrs[3] &= ~termios.ECHO  # nobody reads the echo back
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
        self.master = master
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "console", "--user", "7"],
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
            env=console_env(tmp_path),
        )
        os.close(slave)
        self.output = b""
        self.seen = 0
        assert self.process.stdout is not None
        self.reader = threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True)
        self.reader.start()

    def _read(self, stream) -> None:
        while chunk := stream.read1(65536):
            self.output += chunk

    def type(self, data: str) -> None:
        payload = data.encode()
        while payload:  # the terminal takes input in pieces
            written = os.write(self.master, payload[:1024])
            payload = payload[written:]

    def expect(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            decoded = self.output.decode(errors="replace")
            position = decoded.find(text, self.seen)
            if position >= 0:
                self.seen = position + len(text)
                return decoded
            time.sleep(0.02)
        raise AssertionError(f"no {text!r} in {self.output.decode(errors='replace')[-1500:]!r}")

    def close(self) -> None:
        self.type("\x04")  # Ctrl-D at the start of a line: end of input
        try:
            self.process.wait(timeout=30)
        finally:
            os.close(self.master)
            if self.process.poll() is None:
                self.process.kill()


def test_a_long_text_pasted_into_a_terminal_arrives_whole(tmp_path: Path) -> None:
    terminal = Terminal(tmp_path)
    try:
        for line, (_, expected) in zip(TO_KNOWN_STATE, REGISTRATION_SCRIPT + WIZARD_SCRIPT[:10], strict=True):
            terminal.type(line + "\n")
            terminal.expect(expected)
        # A plain line longer than the terminal's line: what arrives is cut, so it is not taken as the answer.
        terminal.type("y" * 5000 + "\n")
        terminal.expect("có thể đã bị cắt")
        # The same pasted between ::dai and ::het arrives whole: 10.000 characters, over the step's 3.500.
        terminal.type("::dai\n")
        terminal.expect("kết thúc bằng một dòng chỉ có ::het")
        terminal.type("x" * 10_000 + "\n::het\n")
        terminal.expect("10.000 ký tự")
        terminal.type("::dai\n")
        terminal.expect("::het")
        terminal.type(LONG_VIETNAMESE + "\n::het\n")
        terminal.expect("(2/3)")
    finally:
        terminal.close()
    assert "Traceback" not in terminal.process.stderr.read().decode()
