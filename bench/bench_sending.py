"""Sending under load, end to end: the real bot process(es) against the Bot API fake with Telegram's limits.

Usage: .venv/bin/python bench/bench_sending.py [--users 20] [--busy-users 30] [--think 1.0] [--reminders 1000]
       [--pg-url URL] [--skip-reference] [--only fast,deadline] [--sends-in-flight N] [--latency SECONDS]
       [--count-statements] [--remind-typing]

Simulated users register and fill a whole application, each giving its next answer once the bot's question came
(the benchmark stops if the bot's message does not follow the script): pressing the button when the question has
one for it (as most people on a phone do), typing otherwise. A press costs an answerCallbackQuery, which is not
a message and takes nothing of the sending budget. Scenarios, on fresh PostgreSQL databases (SQLite when no
--pg-url):

  fast         the bot's own cost: --users answering at once, budget 1,000/s, no limits at the fake nor per chat,
               no broadcast: answered messages per second, reply latency, bot CPU per message; beside it the plain
               python-telegram-bot ConversationHandler wizard (bench/reference_wizard.py) with as many steps,
               through the same fake, in the same run; its users press a button at the steps the bot's first
               user did, so both answer as many button presses (answerCallbackQuery and the next question). The
               wizard runs twice: on python-telegram-bot's default transport (httpx), the issue's reference, and on
               the bot's own (aiohttp), like for like.
  quiet        Telegram's limits: budget 30/s, the fake enforcing 30 messages/s and at most 3 in any second of one
               chat (429 beyond), the bot pacing each chat at one a second after a burst of three; --busy-users
               each answering --think seconds after the question came.
  deadline     the same while a broadcast of --reminders reminders is under way (1 bot process).
  deadline x2  the same with 2 bot processes sharing the database and the budget.

Printed per scenario: answered user messages/s, reply latency p50/p95, Bot API calls per user message (all, and
the rate-limited ones: messages sent or edited), the share of answers given by a button, 429 answers (how many
for the bot's overall limit, and the most calls the fake took in any one second), reminders
sent per second and as a share of the budget left to them (25.5/s less what the replies took), duplicates and
losses counted from the fake's own log. Figures vary with the machine's load; the ratios printed at the end
compare scenarios of the same run.

``--sends-in-flight`` sets the bots' NOTICE_SENDS_IN_FLIGHT (how many notices a process has with the platform
at once, and so the most a crash can repeat); ``--latency`` makes the fake answer every Bot API call after
that many seconds, as a network round trip to api.telegram.org would.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import os
import signal
import socket
import statistics
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import yaml
from sqlalchemy import text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dup_corpus import Generator  # noqa: E402
from bench.reference_wizard import YES  # noqa: E402
from handlers.texts.duplicates import P_DIFFERENCE, PROCEED  # noqa: E402
from storage.database import create_engine  # noqa: E402
from storage.send_budget import SHARE  # noqa: E402
from tests.broadcast_support import add_reminders, remind_chats  # noqa: E402
from tests.conftest import SEED  # noqa: E402
from tests.fakes.telegram_api import FakeTelegram  # noqa: E402
from tests.support import REGISTRATION_SCRIPT, WIZARD_SCRIPT, WIZARD_VARIANTS, wizard_script  # noqa: E402

FIRST_USER = 800_000
FIRST_REMINDER_CHAT = 600_000_000
# The shared budget at 30/s (storage/send_budget.py): a clock booking one message every 1/25.5 s (15 % kept for
# the time between a booking and the message's arrival), replies first, broadcasts in every interval left.
SUSTAINED = 30 * SHARE


def budget_left(reminder_times: list[float], user_times: list[float]) -> float:
    """Sends the budget left to reminders while they went out: per second of the broadcast, the clock's 25.5/s less
    what the replies took."""
    start, end = reminder_times[0], reminder_times[-1]
    left = 0.0
    second = start
    while second < end:
        width = min(1.0, end - second)
        replies = sum(1 for t in user_times if second <= t < second + width)
        left += max(0.0, SUSTAINED * width - replies)
        second += 1.0
    return left


# The bot runs on the real clock: a first application a month ago needs no extra confirmation (the scripts'
# own date is for the tests' fixed clock and is more than a year old by now).
RECENT = (date.today() - timedelta(days=30)).strftime("%d/%m/%Y")


def script_with_checks(n: int) -> list[tuple[str, str]]:
    """(answer, a piece of the bot's next message) for user ``n``: registration and a whole submission, each user
    filing a different initiative (the handwritten variants first, then texts of the duplicate corpus's
    generator), so that the duplicate check has nothing to flag."""
    if n <= len(WIZARD_VARIANTS):
        wizard = wizard_script(n)
    else:
        item = Generator(seed=9_000 + n).item()
        _state, idea, steps, result, _scope = (" ".join(p) for p in item.paragraphs)
        wizard = list(WIZARD_SCRIPT)
        for index, answer in ((1, item.title), (10, idea), (11, steps), (12, result)):
            wizard[index] = (answer, wizard[index][1])
    return [(answer.replace("05/09/2025", RECENT), expected) for answer, expected in REGISTRATION_SCRIPT + wizard]


def script(n: int) -> list[str]:
    return [answer for answer, _ in script_with_checks(n)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    name: str
    answered: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    calls: int = 0
    sends: int = 0
    pressed: int = 0
    too_many: int = 0
    too_many_overall: int = 0  # of them, for the bot's overall limit (the rest for a chat's)
    busiest_second: int = 0  # the most calls the fake took in any one-second window
    cpu: float = 0.0
    reminders_per_s: float | None = None
    reminders_of_budget_left: float = 0.0
    all_per_s: float = 0.0
    duplicates: int = 0
    lost: int = 0
    statements: Counter[str] = field(default_factory=Counter)
    typing_reminders: int = 0
    typing_arrived: int = 0
    typing_near_reply: int = 0
    pressed_steps: list[int] = field(default_factory=list)

    def line(self) -> str:
        p50 = statistics.median(self.latencies) if self.latencies else 0
        p95 = statistics.quantiles(self.latencies, n=20)[-1] if len(self.latencies) > 1 else 0
        out = (
            f"{self.name:<14} {self.answered / self.seconds:7.1f} msg/s  p50 {p50 * 1000:6.0f} ms  p95 "
            f"{p95 * 1000:6.0f} ms  calls/msg {self.calls / max(self.answered, 1):4.2f} "
            f"(rate-limited {self.sends / max(self.answered, 1):4.2f}; "
            f"pressed {self.pressed / max(self.answered, 1):4.0%})"
            f"  429s {self.too_many:3d} ({self.too_many_overall} overall; busiest second {self.busiest_second})  "
            f"CPU/msg {self.cpu / max(self.answered, 1) * 1000:5.1f} ms"
        )
        if self.reminders_per_s is not None:
            out += (
                f"  reminders {self.reminders_per_s:5.1f}/s ({self.reminders_of_budget_left:.2f} "
                f"of the budget left; all sends meanwhile {self.all_per_s:4.1f}/s)  duplicates {self.duplicates}  "
                f"lost {self.lost}"
            )
        if self.typing_reminders:
            out += (
                f"\n{'':<14} reminders to people typing: {self.typing_arrived} of {self.typing_reminders} arrived, "
                f"{self.typing_near_reply} within a second of another message in their chat"
            )
        if self.statements:
            per = max(self.answered, 1)
            commits = self.statements["<COMMIT>"]
            out += f"\n{'':<14} SQL per message: {(self.statements.total() - commits) / per:4.1f} statements, "
            out += f"{commits / per:3.1f} commits; the most run:"
            for statement, n in self.statements.most_common(20):
                if statement != "<COMMIT>":
                    out += f"\n{'':<16} {n / per:4.2f}  {statement[:100]}"
        return out

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.latencies, n=20)[-1]


async def fresh_database(pg_url: str | None, folder: Path) -> str:
    if not pg_url:
        return f"sqlite+aiosqlite:///{folder / f'bench-{uuid.uuid4().hex[:6]}.sqlite3'}"
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    return make_url(pg_url).set(database=name).render_as_string(hide_password=False)


async def drop_database(pg_url: str | None, url: str) -> None:
    if not pg_url:
        return
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    await admin.dispose()


async def start_process(
    args: list[str], env: dict[str, str], log: Path, ready: str, count: int
) -> asyncio.subprocess.Process:
    with log.open("ab") as err:
        process = await asyncio.create_subprocess_exec(
            *args, env=env, cwd=log.parent, stdin=asyncio.subprocess.DEVNULL, stdout=err, stderr=err
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if log.read_text(errors="replace").count(ready) >= count or (ready == "" and time.monotonic() > deadline - 57):
            return process
        if process.returncode is not None:
            break
        await asyncio.sleep(0.05)
    raise RuntimeError("did not start:\n" + log.read_text(errors="replace")[-2000:])


async def stop_process(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 20)
        except TimeoutError:
            process.kill()
            await process.wait()


# The duplicate check may caution a user whose generated text shares a template sentence with another's (the
# database holds only the benchmark's few initiatives, so its background is low); such a user does what a person
# would: files anyway, with the difference explained.
CAUTION = "Trước khi nộp: đơn của Anh/Chị giống"
DETOUR = [(PROCEED, P_DIFFERENCE[:40]), ("Áp dụng ở đơn vị khác, với cách làm và công cụ riêng.", "Số biên nhận")]


def _button_for(buttons: list[tuple[str, str]], answer: str) -> str | None:
    """The callback data of the button a person would press for ``answer``: the n-th for a number, else the one
    labelled so; None when the answer is to be typed."""
    if answer.isdigit() and 1 <= int(answer) <= len(buttons):
        return buttons[int(answer) - 1][1]
    return next((data for label, data in buttons if label.casefold() == answer.casefold()), None)


async def user(
    fake: FakeTelegram,
    n: int,
    answers: list[str],
    latencies: list[float],
    checks: list[str] | None = None,
    pressed: list[tuple[int, int]] | None = None,
    think: float = 0.0,
) -> int:
    """Gives each answer ``think`` seconds after the bot answered the last: with ``checks``, once a message
    since then holds the step's expected words (the question the next answer is for; a conversation gone astray
    would measure the wrong thing, so it stops the benchmark), otherwise at the bot's first message. Returns the
    messages given."""
    chat = FIRST_USER + n
    pressed = [] if pressed is None else pressed
    steps = list(zip(answers, checks or [None] * len(answers), strict=True))
    typed = 0
    while steps:
        answer, expected = steps.pop(0)
        if think and typed:
            await asyncio.sleep(think)
        shown = fake.sent_to(chat)
        before = len(shown)
        started = time.monotonic()
        button = _button_for(shown[-1].buttons if shown else [], answer)
        if button is not None:
            await fake.user_presses_button(chat, shown[-1].message_id, button, first_name=f"Người {n}")
            pressed.append((chat, typed))
        else:
            await fake.user_sends_text(chat, answer, first_name=f"Người {n}")
        typed += 1
        while True:
            new = fake.sent_to(chat)[before:]
            said = "\n".join(m.text or "" for m in new)
            if new and (expected is None or expected in said):
                break
            if expected and CAUTION in said and "Sáng kiến trùng lặp" in said:
                steps[:0] = DETOUR
                break
            await asyncio.sleep(0.002)
            if time.monotonic() - started > 60:
                raise RuntimeError(f"user {n}: after {answer!r} no message with {expected!r}: {said[:300]!r}")
        latencies.append(time.monotonic() - started)
    return typed


def reference_script(pressed_steps: list[int]) -> list[str]:
    """The reference wizard's answers: pressing its button «Có» at the steps the bot's first user pressed one."""
    return [YES if k in pressed_steps else f"trả lời {k}" for k in range(len(script(0)))]


async def play_users(
    fake: FakeTelegram,
    users: int,
    result: Result,
    pids: list[int],
    reference: list[str] | None = None,
    think: float = 0.0,
) -> None:
    cpu_before = sum(cpu_seconds(p) for p in pids)
    log_before = len(fake.log)
    edits_before, answers_before = len(fake.edits), len(fake.callback_answers)
    started = time.monotonic()
    scripts = [script(n) if reference is None else reference for n in range(users)]
    checks = [
        None if reference is not None else [expected for _, expected in script_with_checks(n)] for n in range(users)
    ]
    pressed: list[tuple[int, int]] = []
    typed = await asyncio.gather(
        *(user(fake, n, scripts[n], result.latencies, checks[n], pressed, think) for n in range(users))
    )
    result.pressed = len(pressed)
    result.pressed_steps = sorted(step for chat, step in pressed if chat == FIRST_USER)
    result.seconds = time.monotonic() - started
    result.answered = sum(typed)
    user_chats = {FIRST_USER + n for n in range(users)}
    sends = [e for e in fake.log[log_before:] if e.chat_id in user_chats]
    edits = len(fake.edits) - edits_before
    result.sends = len(sends) + edits
    result.calls = len(sends) + edits + len(fake.callback_answers) - answers_before
    result.cpu = sum(cpu_seconds(p) for p in pids) - cpu_before


def bot_env(url: str, fake: FakeTelegram, folder: Path, budget: int, seed: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": url,
        "FILE_STORE_DIR": str(folder / "files"),
        "SUGGESTION_KEY_FILE": str(folder / "suggestion.key"),
        "SEED_FILE": str(seed),
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "TELEGRAM_FILE_BASE_URL": fake.base_file_url,
        "TELEGRAM_MAX_MESSAGES_PER_SECOND": str(budget),
        "REMINDER_INTERVAL_SECONDS": "1",
        "LOG_LEVEL": "WARNING",
        "CHANNELS": "telegram",
        "HTTP_PORT": str(free_port()),
    }


async def scenario(
    name: str, args: argparse.Namespace, folder: Path, *, budget: int, limited: bool, replicas: int, reminders: int
) -> Result:
    work = folder / name.replace(" ", "-")
    work.mkdir()
    seed = work / "seed.yaml"
    seed.write_text(yaml.safe_dump(SEED, allow_unicode=True), encoding="utf-8")
    url = await fresh_database(args.pg_url, work)
    result = Result(name)
    # Telegram's limits: 30 messages/s overall; in one chat, short bursts (3 here) and then about one a second.
    fake_kwargs: dict[str, float] = {"global_rate": 30, "per_chat_rate": 3} if limited else {}
    fake_kwargs["latency"] = args.latency
    processes: list[asyncio.subprocess.Process] = []
    try:
        async with FakeTelegram(**fake_kwargs) as fake:
            env = bot_env(url, fake, work, budget, seed)
            env["LOG_LEVEL"] = "INFO"
            if args.count_statements:
                env["COUNT_STATEMENTS"] = str(work / "statements")
                env["PYTHONPATH"] = f"{ROOT / 'bench' / 'statement_counter'}{os.pathsep}{ROOT}"
            if not limited:  # the bot's own cost: Telegram's limit in one chat lifted as well
                env["TELEGRAM_CHAT_MESSAGES_PER_SECOND"] = "1000"
            if args.sends_in_flight:
                env["NOTICE_SENDS_IN_FLIGHT"] = str(args.sends_in_flight)
            for i in range(replicas):
                log = work / f"bot{i}.log"
                processes.append(
                    await start_process([sys.executable, "-m", "bot", "run"], env, log, "channel running (", 1)
                )
            if reminders:
                await add_reminders(url, reminders, FIRST_REMINDER_CHAT)
            users = args.busy_users if limited else args.users
            if args.count_statements:
                for process in processes:
                    process.send_signal(signal.SIGUSR1)
                await asyncio.sleep(0.5)
            typing = (
                asyncio.create_task(remind_typing(fake, url, users, result))
                if reminders and args.remind_typing
                else None
            )
            await play_users(fake, users, result, [p.pid for p in processes], think=args.think if limited else 0.0)
            if typing is not None:
                await typing
            if reminders:
                chats = {FIRST_REMINDER_CHAT + i for i in range(reminders)}
                deadline = time.monotonic() + reminders / 10 + 120
                while time.monotonic() < deadline:
                    received = Counter(e.chat_id for e in fake.log if e.chat_id in chats)
                    if len(received) >= reminders:
                        break
                    await asyncio.sleep(0.5)
                await asyncio.sleep(2)
                entries = [e for e in fake.log if e.chat_id in chats]
                received = Counter(e.chat_id for e in entries)
                result.duplicates = sum(c - 1 for c in received.values() if c > 1)
                result.lost = reminders - len(received)
                if len(entries) > 1:
                    result.reminders_per_s = len(entries) / (entries[-1].at - entries[0].at)
                    times = [e.at for e in entries]
                    replies = [e.at for e in fake.log if FIRST_USER <= e.chat_id < FIRST_USER + users]
                    result.reminders_of_budget_left = len(entries) / max(budget_left(times, replies), 1.0)
                    during = [t for t in replies if times[0] <= t <= times[-1]]
                    result.all_per_s = (len(entries) + len(during)) / (times[-1] - times[0])
            result.too_many = sum(1 for r in fake.rejected if r.error_code == 429)
            result.too_many_overall = sum(1 for r in fake.rejected if r.error_code == 429 and r.limit == "bot")
            taken = sorted(e.at for e in fake.log)
            ends = (bisect.bisect_left(taken, t + 1.0) - i for i, t in enumerate(taken))
            result.busiest_second = max(ends, default=0)
    finally:
        for process in processes:
            await stop_process(process)
        await drop_database(args.pg_url, url)
    if args.count_statements:
        result.statements = count_statements(work, [p.pid for p in processes])
    return result


async def remind_typing(fake: FakeTelegram, url: str, users: int, result: Result, rounds: int = 3) -> None:
    """Reminders to the people filling the form, while they fill it: every 5 s, one to each user registered by
    then, from 10 s on (``--remind-typing``; due before the broadcast's). Counted: those that arrived, and those
    that arrived within a second of a reply in the same chat (what the quiet-chat rule keeps apart, whichever
    process sends). The rate-limited calls per user message then include these reminders."""
    chats = [FIRST_USER + n for n in range(users)]
    await asyncio.sleep(5)
    for round_ in range(rounds):
        await asyncio.sleep(5)
        registered = [c for c in chats if any("Đăng ký xong" in (m.text or "") for m in fake.sent_to(c))]
        await remind_chats(url, registered, f"lần {round_ + 1}")
        result.typing_reminders += len(registered)
    chats_set = set(chats)

    def arrived() -> list[tuple[int, int]]:
        return [
            (m.chat_id, m.message_id)
            for m in fake.sent
            if m.chat_id in chats_set and (m.text or "").startswith("Nhắc hạn (")
        ]

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and len(arrived()) < result.typing_reminders:
        await asyncio.sleep(0.5)
    at = {(e.chat_id, e.message_id): e.at for e in fake.log if e.chat_id in chats_set}
    reminders = arrived()
    replies = [(c, t) for (c, m), t in at.items() if (c, m) not in set(reminders)]
    result.typing_arrived = len(reminders)
    result.typing_near_reply = sum(
        1 for chat, message in reminders if any(c == chat and abs(t - at[chat, message]) < 1.0 for c, t in replies)
    )


def count_statements(work: Path, pids: list[int]) -> Counter[str]:
    """What the bot processes ran between the mark before the users started and their stop."""
    total: Counter[str] = Counter()
    for pid in pids:
        for suffix, sign in (("", 1), (".start", -1)):
            path = work / f"statements.{pid}{suffix}"
            if path.exists():
                for line in path.read_text(encoding="utf-8").splitlines():
                    n, statement = line.split("\t", 1)
                    total[statement] += sign * int(n)
    return total


async def reference(
    args: argparse.Namespace, folder: Path, pressed_steps: list[int], transport: str = "httpx"
) -> Result:
    result = Result("reference PTB" if transport == "httpx" else "ref. aiohttp")
    async with FakeTelegram() as fake:
        log = folder / f"reference-{transport}.log"
        env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)}
        steps = len(script(0))
        process = await start_process(
            [
                sys.executable,
                str(ROOT / "bench" / "reference_wizard.py"),
                "--token",
                fake.token,
                "--base-url",
                fake.base_url,
                "--steps",
                str(steps),
                "--buttons",
                ",".join(str(step) for step in pressed_steps),
                "--transport",
                transport,
            ],
            env,
            log,
            "",
            0,
        )
        try:
            await play_users(fake, args.users, result, [process.pid], reference=reference_script(pressed_steps))
        finally:
            await stop_process(process)
    return result


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=20, help="users answering at once (fast, reference)")
    parser.add_argument("--busy-users", type=int, default=30, help="users in the scenarios with Telegram's limits")
    parser.add_argument("--think", type=float, default=1.0, help="seconds a user takes to answer, limits on")
    parser.add_argument("--reminders", type=int, default=1000)
    parser.add_argument("--pg-url", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--skip-reference", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated scenarios: fast, reference, quiet, deadline, x2")
    parser.add_argument("--sends-in-flight", type=int, default=0, help="NOTICE_SENDS_IN_FLIGHT (default: the bot's)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds the fake takes to answer each call")
    parser.add_argument(
        "--remind-typing",
        action="store_true",
        help="deadline scenarios: also remind the people filling the form, while they fill it",
    )
    parser.add_argument(
        "--count-statements", action="store_true", help="print SQL statements and commits per answered message"
    )
    args = parser.parse_args()
    only = {s.strip() for s in args.only.split(",") if s.strip()}

    def wanted(name: str) -> bool:
        return not only or name in only

    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-sending-{uuid.uuid4().hex[:6]}"
    folder.mkdir(parents=True)
    backend = "PostgreSQL" if args.pg_url else "SQLite"
    print(
        f"{args.users} users (with limits: {args.busy_users}, answering {args.think:g} s after each question) x "
        f"{len(script(0))} messages each; {args.reminders} reminders; {backend}; "
        f"notice sends in flight {args.sends_in_flight or 'default'}; Bot API latency {args.latency * 1000:g} ms"
    )
    results: dict[str, Result] = {}
    if wanted("fast"):
        results["fast"] = await scenario("fast", args, folder, budget=1000, limited=False, replicas=1, reminders=0)
        print(results["fast"].line(), flush=True)
    if not args.skip_reference and wanted("reference"):
        # Like for like: the wizard's users press a button at the steps the bot's users did (none without fast).
        pressed = results["fast"].pressed_steps if "fast" in results else []
        results["reference"] = await reference(args, folder, pressed)
        print(results["reference"].line(), flush=True)
        # The same wizard on the bot's transport: what the bot's storage and flows cost beyond it, like for like.
        results["reference aiohttp"] = await reference(args, folder, pressed, "aiohttp")
        print(results["reference aiohttp"].line(), flush=True)
    if wanted("quiet"):
        results["quiet"] = await scenario("quiet", args, folder, budget=30, limited=True, replicas=1, reminders=0)
        print(results["quiet"].line(), flush=True)
    if wanted("deadline"):
        results["deadline"] = await scenario(
            "deadline", args, folder, budget=30, limited=True, replicas=1, reminders=args.reminders
        )
        print(results["deadline"].line(), flush=True)
    if args.pg_url and wanted("x2"):
        results["deadline x2"] = await scenario(
            "deadline x2", args, folder, budget=30, limited=True, replicas=2, reminders=args.reminders
        )
        print(results["deadline x2"].line(), flush=True)
    print("\nratios in this run:")
    for name, label in (("reference", "plain PTB wizard"), ("reference aiohttp", "the wizard on aiohttp")):
        if name in results and "fast" in results:
            fast = results["fast"]
            ref = results[name]
            throughput = fast.answered / fast.seconds / (ref.answered / ref.seconds)
            cpu = (fast.cpu / fast.answered) / (ref.cpu / ref.answered)
            print(f"  answered msg/s, bot vs {label}: {throughput:.2f}")
            print(f"  CPU per message, bot vs {label}: {cpu:.2f}")
    if "deadline" in results and "quiet" in results:
        print(f"  reply p95 under a broadcast vs without: {results['deadline'].p95 / results['quiet'].p95:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
