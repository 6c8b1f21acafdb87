"""A province on PostgreSQL: does the bot stay as fast with 300 recognising bodies as with one?

Usage: .venv/bin/python bench/bench_province.py [--pg-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench_province]
           [--bodies 300] [--people 100000] [--initiatives 20000] [--users 30] [--profile]

Generates, in two schemas of one database upgraded by the real migrations, a province (``--bodies`` bodies of 10
units each, ``--people`` people, ``--initiatives`` initiatives of 2026 with their statuses spread, ~30%
recognised with review_result rows, transfers, similarity flags, a campaign with two rounds and role grants per
body) and a single body of the same per-body size, with COPY (setup is not measured). Then measures, printing
figures and ratios from the same run and asserting no time:

- a wizard step (the answers of bench_wizard, from /moi to the summary) for ``--users`` people, alternating
  between the single body and the province so both see the same machine load: p50 / p95 / mean, and the ratio;
- the reminder planner's pass over every body on a reminder day (first pass, then a pass with nothing new),
  against the single body's pass times the number of bodies;
- ``handlers.reports.build_overview`` and ``build_year_report`` when that package exists.

``--profile`` prints the statements that took longest in all of it (what the indexes of migration 0014 came from).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import App
from bot.settings import Settings
from handlers.reminders import Planner
from handlers.types import Inbound
from storage.database import create_engine
from tests.support import WIZARD_SCRIPT

YEAR = 2026
CLOCK = datetime(2026, 3, 3, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội: both default rounds open
REMINDER_DAY = datetime(2026, 4, 13, 2, 0, tzinfo=UTC)  # 09:00, seven days before round I's deadline
UNITS_PER_BODY = 10
EDUCATION_UNITS = 6
STATUSES = [  # (status, share): drafts and open work, filed, decided
    ("draft", 0.08),
    ("submitted", 0.12),
    ("amend_requested", 0.04),
    ("accepted", 0.14),
    ("refused", 0.03),
    ("withdrawn", 0.02),
    ("recognised", 0.30),
    ("not_recognised", 0.27),
]
FIELDS = ["education", "health", "administration", "agriculture", "culture", "transport", "finance"]
TEXT = (
    "ứng dụng công nghệ số quản lý hồ sơ học sinh giáo viên cải tiến quy trình tiếp nhận giải quyết thủ tục "
    "hành chính một cửa liên thông nâng cao chất lượng dạy học tiết kiệm thời gian chi phí người dân doanh "
    "nghiệp phần mềm bảng tính mã QR tra cứu trực tuyến nhắc việc tự động báo cáo thống kê định kỳ"
)
WORDS = TEXT.split(" ")


@dataclass(frozen=True)
class Sizes:
    bodies: int
    people: int
    initiatives: int

    @property
    def units(self) -> int:
        return self.bodies * UNITS_PER_BODY


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _application(rng: random.Random, title: str, name: str, unit: str, field: str) -> str:
    return json.dumps(
        {
            "author": {"full_name": name, "workplace": unit, "position": "Chuyên viên"},
            "title": title,
            "recipient": unit,
            "author_birth_date": "1985-08-15",
            "author_qualification": "Cử nhân",
            "coauthors": [],
            "investor": "author",
            "field": field,
            "solution_type": rng.choice(["technical", "management", "operational", "technology"]),
            "first_applied": "2025-09-05",
            "current_state": " ".join(_sentence(rng, 14) for _ in range(3)),
            "content": " ".join(_sentence(rng, 16) for _ in range(6)),
            "scope": " ".join(_sentence(rng, 12) for _ in range(2)),
            "conditions": "Máy tính, kết nối mạng.",
            "benefit_author": _sentence(rng, 14),
            "benefit_value": rng.randrange(0, 50) * 1_000_000,
            "participants": [],
            "confidential": None,
            "secrecy": "state" if rng.random() < 0.02 else "public",
            "attachments": [],
            "declaration": True,
        },
        ensure_ascii=False,
    )


async def generate(conn: asyncpg.Connection, sizes: Sizes, users: int, seed: int = 16) -> dict[str, int]:
    """Fill a freshly migrated schema. Body 1 (the migration's) becomes the province when there are several
    bodies, else the single body. ``users`` extra people with a "bench" account each file through the wizard."""
    rng = random.Random(seed)
    now = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    province = sizes.bodies > 1
    await conn.execute(
        "UPDATE body SET code=$1, name=$2, level=$3 WHERE id=1",
        *(("TINH", "UBND tỉnh (Sở Khoa học và Công nghệ)", "province") if province else ("CQ", "Sở Nội vụ", "base")),
    )
    base = list(range(2, sizes.bodies + 2)) if province else [1]
    await conn.copy_records_to_table(
        "body",
        records=[(b, f"CQ-{b:03d}", f"Cơ quan số {b - 1}", "base", 1) for b in base if b != 1],
        columns=["id", "code", "name", "level", "parent_id"],
    )
    units: list[tuple[int, str, str, str, int]] = []
    for b in base:
        for k in range(UNITS_PER_BODY):
            sector = "education" if k < EDUCATION_UNITS else "other"
            kind = "Trường THCS" if sector == "education" else "Phòng"
            units.append((len(units) + 1, f"U{b:03d}-{k}", f"{kind} số {k + 1} – cơ quan {b - 1}", sector, b))
    await conn.copy_records_to_table("unit", records=units, columns=["id", "code", "name", "sector", "body_id"])
    unit_body = {u[0]: u[4] for u in units}
    unit_sector = {u[0]: u[3] for u in units}
    unit_name = {u[0]: u[2] for u in units}
    # People spread evenly over the units; the bench users last, in the first body's first school.
    people = [(p, f"Người số {p}", (p - 1) % len(units) + 1, "Chuyên viên", now) for p in range(1, sizes.people + 1)]
    people += [(sizes.people + i + 1, f"Người dùng thử {i}", 1, "Giáo viên", now) for i in range(users)]
    await conn.copy_records_to_table(
        "person", records=people, columns=["id", "full_name", "unit_id", "position", "created_at"]
    )
    identities = [(p[0], "telegram", str(1_000_000_000 + p[0]), p[0]) for p in people[: sizes.people]]
    identities += [(sizes.people + i + 1, "bench", f"u{i}", sizes.people + i + 1) for i in range(users)]
    await conn.copy_records_to_table(
        "identity", records=identities, columns=["id", "channel", "external_id", "person_id"]
    )
    by_body: dict[int, list[int]] = defaultdict(list)
    for p in people[: sizes.people]:
        by_body[unit_body[p[2]]].append(p[0])
    grants: list[tuple[str, int, int]] = [("admin", 1, 1)]
    for b in base:
        staff = by_body[b]
        grants += [("secretariat", staff[0], b), ("body_head", staff[1], b)]
        grants += [("council", p, b) for p in staff[2:9]]
        grants += [("unit_head", p, b) for p in staff[10 : 10 + UNITS_PER_BODY]]  # one per unit (round-robin)
    if province:
        grants += [("province_office", p, 1) for p in by_body[2][20:22]]
        grants += [("council", p, 1) for p in by_body[3][20:27]] + [("secretariat", by_body[3][30], 1)]
    await conn.copy_records_to_table(
        "role_grant",
        records=[(i + 1, person, role, body) for i, (role, person, body) in enumerate(grants)],
        columns=["id", "person_id", "role", "body_id"],
    )
    campaign_bodies = ([1] if province else []) + base
    await conn.copy_records_to_table(
        "campaign",
        records=[(i + 1, b, YEAR) for i, b in enumerate(campaign_bodies)],
        columns=["id", "body_id", "year"],
    )
    rounds, round_of = [], {}
    for i, b in enumerate(campaign_bodies):
        for number, name, deadline, sector in (
            (1, "Đợt I", date(YEAR, 4, 20), "education"),
            (2, "Đợt II", date(YEAR, 7, 10), "other"),
        ):
            rounds.append((len(rounds) + 1, i + 1, number, name, deadline, sector, False))
            round_of[(b, sector)] = len(rounds)
    await conn.copy_records_to_table(
        "round", records=rounds, columns=["id", "campaign_id", "number", "name", "deadline", "sectors", "closed"]
    )
    # Initiatives of the year, spread over the bodies, with their history, results, transfers and flags.
    shares = [s for _, s in STATUSES]
    initiatives, changes, results, transfers, flags = [], [], [], [], []
    seq = 0
    authors_by_body = {b: by_body[b] for b in base}
    decided_by_round: dict[int, int] = defaultdict(int)
    for n in range(1, sizes.initiatives + 1):
        body = base[(n - 1) % len(base)]
        author = rng.choice(authors_by_body[body])
        unit = people[author - 1][2]
        status = rng.choices([s for s, _ in STATUSES], shares)[0]
        field = "education" if unit_sector[unit] == "education" else rng.choice(FIELDS[1:])
        title = f"{_sentence(rng, 8)[:-1]} (số {n})"
        created = now - timedelta(days=rng.randrange(1, 60), minutes=n % 1440)
        filed = status != "draft"
        receipt = None
        if filed:
            seq += 1
            receipt = f"SK-{YEAR}-{seq:04d}"
        round_id = round_of[(body, unit_sector[unit])] if filed else None
        submitted = created + timedelta(days=1) if filed else None
        data = _application(rng, title, people[author - 1][1], unit_name[unit], field)
        initiatives.append((n, author, status, data, receipt, round_id, submitted, created, created, body))
        changes.append((len(changes) + 1, n, None, "draft", created, author, ""))
        if filed:
            assert submitted is not None
            changes.append((len(changes) + 1, n, "draft", "submitted", submitted, author, ""))
            if status != "submitted":
                changes.append((len(changes) + 1, n, "submitted", status, submitted + timedelta(days=20), None, ""))
        if status in ("recognised", "not_recognised"):
            assert round_id is not None
            decided_by_round[round_id] += 1
            recognised = status == "recognised"
            mean = f"{rng.uniform(70, 95) if recognised else rng.uniform(30, 69):.2f}"
            results.append(
                (
                    n,
                    round_id,
                    decided_by_round[round_id],
                    mean,
                    json.dumps({"c1": mean}),
                    rng.choice("ABC") if recognised else "",
                    0,
                    recognised,
                    5,
                    now,
                )
            )
            if recognised and rng.random() < 0.05:
                transfers.append((n, f"Cơ quan nhận số {n}", date(YEAR, 2, 1), "Hợp đồng chuyển giao", now))
        if filed and n > 1 and rng.random() < 0.03:  # a near match found at filing, one in five in another body
            other = rng.randrange(1, n)
            if rng.random() < 0.8:
                same = [i for i in range(max(1, n - 3 * len(base)), n) if initiatives[i - 1][9] == body]
                other = same[-1] if same else other
            flags.append((n, other, round(rng.uniform(0.3, 0.95), 3), submitted))
    await conn.copy_records_to_table(
        "initiative",
        records=initiatives,
        columns=[
            "id",
            "person_id",
            "status",
            "data",
            "receipt_no",
            "round_id",
            "submitted_at",
            "created_at",
            "updated_at",
            "body_id",
        ],
    )
    await conn.copy_records_to_table(
        "status_change",
        records=changes,
        columns=["id", "initiative_id", "old_status", "new_status", "at", "by_person_id", "reason"],
    )
    await conn.copy_records_to_table(
        "review_result",
        records=results,
        columns=[
            "initiative_id",
            "round_id",
            "rank",
            "mean",
            "criterion_means",
            "grade",
            "prize",
            "recognised",
            "members",
            "published_at",
        ],
    )
    await conn.copy_records_to_table(
        "transfer",
        records=[(i + 1, *t) for i, t in enumerate(transfers)],
        columns=["id", "initiative_id", "recipient", "transferred_on", "agreement", "recorded_at"],
    )
    await conn.copy_records_to_table(
        "similarity_flag", records=flags, columns=["initiative_id", "match_id", "score", "checked_at"]
    )
    await conn.execute("INSERT INTO receipt_counter (year, last) VALUES ($1, $2)", YEAR, seq)
    for table in (
        "body",
        "unit",
        "person",
        "identity",
        "role_grant",
        "campaign",
        "round",
        "initiative",
        "status_change",
        "transfer",
    ):
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
        )
    await conn.execute("ANALYZE")
    return {
        "bodies": len(base) + (1 if province else 0),
        "units": len(units),
        "people": len(people),
        "initiatives": len(initiatives),
        "status changes": len(changes),
        "results": len(results),
        "recognised": sum(1 for r in results if r[7]),
        "transfers": len(transfers),
        "flags": len(flags),
        "role grants": len(grants),
    }


# --- measuring -------------------------------------------------------------------------------------------------


class Profile:
    """Total time per SQL statement, from SQLAlchemy's cursor events."""

    def __init__(self) -> None:
        self.total: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def attach(self, app: App) -> None:
        engine = app.database.engine.sync_engine

        @event.listens_for(engine, "before_cursor_execute")
        def _before(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
            conn.info.setdefault("t0", []).append(time.perf_counter())

        @event.listens_for(engine, "after_cursor_execute")
        def _after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
            key = " ".join(statement.split())[:400]
            self.total[key] += time.perf_counter() - conn.info["t0"].pop()
            self.calls[key] += 1

    def print(self, top: int = 15) -> None:
        print("\nSlowest statements (total time, calls, mean):")
        for key, total in sorted(self.total.items(), key=lambda kv: -kv[1])[:top]:
            calls = self.calls[key]
            print(f"  {total * 1000:9.1f} ms {calls:6d} × {total / calls * 1000:7.2f} ms  {key}")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _summary(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"p50 {_pct(ms, 0.5):6.2f}  p95 {_pct(ms, 0.95):6.2f}  mean {statistics.fmean(ms):6.2f} ms"


async def wizard_steps(app: App, user: int, tag: str) -> list[float]:
    """One user's whole application up to the summary; the time of each step."""
    times = []
    for i, (line, expected) in enumerate(WIZARD_SCRIPT[:-1]):
        start = time.perf_counter()
        result = await app.core.handle(Inbound("bench", f"u{user}", text=line, event_id=f"{tag}-{user}-{i}"))
        times.append(time.perf_counter() - start)
        if not any(expected in reply.text for reply in result.replies):
            raise RuntimeError(f"step {i} ({line!r}) did not answer «{expected}»: {result.replies}")
    return times


async def timed(call: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = await call()
    return time.perf_counter() - start, result


async def plan_once(app: App, now: datetime) -> tuple[float, int]:
    planner = Planner(app.config, app.reminder_sources)
    async with app.database.unit_of_work() as store:
        return await timed(lambda: planner.plan(store, now))


async def reports(app: App, body_id: int) -> None:
    try:
        from handlers.reports import build_overview, build_year_report  # type: ignore[attr-defined]
    except ImportError as error:
        print(f"build_overview / build_year_report: skipped (handlers.reports not importable here: {error})")
        return
    from handlers.reports.documents import overview_chart, overview_document, year_report_document

    async def whole_overview(store: Any) -> Any:  # what /tonghop sends: the figures, the workbook, the chart
        overview = await build_overview(store, YEAR)
        return overview_document(overview, date(YEAR, 12, 31), UTC), overview_chart(overview)

    async def whole_year_report(store: Any) -> Any:  # what /baocao sends: the figures and the workbook
        return year_report_document(await build_year_report(store, body_id, YEAR), date(YEAR, 12, 31))

    for label, call in (
        ("build_overview (every body)", lambda store: build_overview(store, YEAR)),
        ("  + workbook and chart (/tonghop)", whole_overview),
        (f"build_year_report (body {body_id})", lambda store: build_year_report(store, body_id, YEAR)),
        ("  + workbook (/baocao)", whole_year_report),
    ):
        times = []
        for _ in range(3):
            async with app.database.unit_of_work() as store:
                store.scope_to(None)
                elapsed, _ = await timed(lambda store=store, call=call: call(store))
                times.append(elapsed)
        print(f"{label:<34} median {statistics.median(times) * 1000:8.1f} ms of 3 (aim < 2000 ms)")


# --- the run ---------------------------------------------------------------------------------------------------


async def prepare_schema(pg_url: str, schema: str, sizes: Sizes, users: int, tmp: Path) -> App:
    admin = create_engine(pg_url)
    async with admin.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    await admin.dispose()
    settings = Settings(
        _env_file=None,
        database_url=pg_url,
        file_store_dir=tmp / schema / "files",
        channels="console",
        seed_file=None,
    )
    app = App(
        settings, clock=lambda: CLOCK, engine_kwargs={"connect_args": {"server_settings": {"search_path": schema}}}
    )
    await app.database.migrate()
    url = make_url(pg_url).set(drivername="postgresql")
    conn = await asyncpg.connect(url.render_as_string(hide_password=False), server_settings={"search_path": schema})
    try:
        start = time.perf_counter()
        async with conn.transaction():
            counts = await generate(conn, sizes, users)
        print(
            f"{schema:<8} generated in {time.perf_counter() - start:5.1f} s: "
            + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        )
    finally:
        await conn.close()
    await app.prepare()  # the same start as the bot's: migrations (none left), this year's campaign
    return app


async def ensure_database(pg_url: str) -> None:
    url = make_url(pg_url)
    server = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    conn = await asyncpg.connect(server)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", url.database):
            await conn.execute(f'CREATE DATABASE "{url.database}"')
    finally:
        await conn.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/bench_province")
    parser.add_argument("--bodies", type=int, default=300)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--initiatives", type=int, default=20_000)
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    await ensure_database(args.pg_url)
    province_sizes = Sizes(args.bodies, args.people, args.initiatives)
    single_sizes = Sizes(1, max(1, args.people // args.bodies), max(1, args.initiatives // args.bodies))
    profile = Profile()
    with tempfile.TemporaryDirectory() as tmp:
        single = await prepare_schema(args.pg_url, "single", single_sizes, args.users, Path(tmp))
        province = await prepare_schema(args.pg_url, "province", province_sizes, args.users, Path(tmp))
        if args.profile:
            profile.attach(province)
        try:
            # Wizard: each user answers a whole application on both, in turn, so both share the machine's load.
            steps: dict[str, list[float]] = {"single": [], "province": []}
            for user in range(args.users):
                steps["single"] += await wizard_steps(single, user, "w")
                steps["province"] += await wizard_steps(province, user, "w")
            print(f"\nWizard step ({args.users} users × {len(WIZARD_SCRIPT) - 1} answers each, /moi to the summary):")
            for name in ("single", "province"):
                print(f"  {name:<9} {_summary(steps[name])}")
            ratio_mean = statistics.fmean(steps["province"]) / statistics.fmean(steps["single"])
            ratio_p50 = _pct(steps["province"], 0.5) / _pct(steps["single"], 0.5)
            print(f"  ratio province/single: mean {ratio_mean:.2f}×, p50 {ratio_p50:.2f}× (aim ≤ 1.2×)")
            if args.profile:
                n = len(WIZARD_SCRIPT) - 1
                for i, (line, _) in enumerate(WIZARD_SCRIPT[:-1]):
                    one = [t * 1000 for t in steps["single"][i::n]]
                    many = [t * 1000 for t in steps["province"][i::n]]
                    print(
                        f"    step {i:2d} {line[:24]:<24} p50 single {_pct(one, 0.5):6.2f}  "
                        f"province {_pct(many, 0.5):6.2f} ms"
                    )

            # Reminder planner on a reminder day: first pass (queues the notices), then one with nothing new.
            print(f"\nReminder planner on {REMINDER_DAY:%d/%m/%Y} (7 days before round I):")
            single_first, single_n = await plan_once(single, REMINDER_DAY)
            single_again, _ = await plan_once(single, REMINDER_DAY)
            first, queued = await plan_once(province, REMINDER_DAY)
            again, _ = await plan_once(province, REMINDER_DAY)
            bodies = args.bodies + 1
            print(
                f"  single body: first pass {single_first * 1000:8.1f} ms ({single_n} notices), "
                f"again {single_again * 1000:7.1f} ms"
            )
            print(
                f"  province ({bodies} bodies): first pass {first * 1000:8.1f} ms ({queued:,} notices), "
                f"again {again * 1000:7.1f} ms"
            )
            print(
                f"  per body against the single body: first pass {first / bodies / single_first:.2f}×, "
                f"again {again / bodies / single_again:.2f}×"
            )

            print()
            await reports(province, 2)
        finally:
            await single.close()
            await province.close()
    if args.profile:
        profile.print()


if __name__ == "__main__":
    asyncio.run(main())
