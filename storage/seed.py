"""Loading units, people, roles and campaign rounds from a YAML or CSV seed file (see README)."""

from __future__ import annotations

import csv
from datetime import date, time
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, select, update

from handlers.campaign import parse_days
from handlers.domain import Body, BodyLevel, Role, Sector
from handlers.parsing import ParseError, parse_phone
from storage.models import (
    BodyRow,
    CampaignRow,
    IdentityRow,
    InitiativeRow,
    PersonRow,
    RoleGrantRow,
    RoundRow,
    SuggestionRow,
    UnitRow,
)
from storage.repository import PLACEHOLDER_BODY, SqlStore

SECTOR_WORDS = {
    "education": Sector.EDUCATION,
    "giao duc": Sector.EDUCATION,
    "giáo dục": Sector.EDUCATION,
    "other": Sector.OTHER,
    "khac": Sector.OTHER,
    "khác": Sector.OTHER,
}


class SeedError(ValueError):
    pass


def read_seed(path: Path) -> dict[str, Any]:
    """YAML: {units: [...], people: [...], campaigns: [...]}, or a province: {province: {...}, bodies: [...]}.
    CSV: one row per unit (code,name,sector)
    or per person (name,unit,position,phone,roles,telegram_id,zalo_id), told apart by the header."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(text.splitlines()))
        if rows and "code" in rows[0] and "sector" in rows[0]:
            return {"units": rows}
        for row in rows:
            row["roles"] = [r.strip() for r in (row.get("roles") or "").replace(";", ",").split(",") if r.strip()]
        return {"people": rows}
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise SeedError(f"{path}: expected a mapping with units/people/campaigns")
    return data


def _sector(value: Any) -> Sector:
    sector = SECTOR_WORDS.get(str(value).strip().lower())
    if sector is None:
        raise SeedError(f"unknown sector {value!r} (use education or other)")
    return sector


async def apply_seed(store: SqlStore, data: dict[str, Any]) -> dict[str, int]:
    """Upsert everything in ``data``; running it twice changes nothing the second time.

    A single-body file lists units, people and campaigns at the top. A province adds ``province`` (the body
    that recognises provincial-scope initiatives) and ``bodies``, each with its own units, people and
    campaigns; top-level campaigns then apply to every body that lists none of its own."""
    counts = {"bodies": 0, "units": 0, "people": 0, "rounds": 0}
    bodies = data.get("bodies") or []
    province = data.get("province")
    if not bodies and not province:
        # A province's database: which body would these units and roles be in? (The first body is the
        # province: a department's secretary listed here would become the province's.)
        if await store.province() is not None or len(await store.bodies()) > 1:
            raise SeedError(
                "this database holds several recognising bodies: list units, people and campaigns under "
                "`bodies:` (or `province:`) with the body's code, not at the top of the file"
            )
        body_id = await store.default_body_id()
        await _seed_body_content(store, body_id, data, data.get("campaigns") or [], counts)
        return counts
    province_id: int | None = None
    if province:
        province_id = (await _seed_body(store, province, BodyLevel.PROVINCE, None)).id
        counts["bodies"] += 1
    seeded: list[tuple[int, dict[str, Any]]] = []
    for item in bodies:
        body = await _seed_body(store, item, BodyLevel.BASE, province_id)
        seeded.append((body.id, item))
        counts["bodies"] += 1
    if data.get("units") or data.get("people"):
        first = seeded[0][0] if seeded else await store.default_body_id()
        await _seed_body_content(store, first, {"units": data.get("units"), "people": []}, [], counts)
    if province:
        await _seed_body_content(store, province_id or 0, province, province.get("campaigns") or [], counts)
    for body_id, item in seeded:
        await _seed_body_content(store, body_id, item, item.get("campaigns") or data.get("campaigns") or [], counts)
    for item in data.get("people") or []:  # people may name units of any body
        await _seed_person(store, item)
        counts["people"] += 1
    await _drop_unused_default_body(store, {str(b.get("code")) for b in bodies} | {str((province or {}).get("code"))})
    return counts


async def _seed_body(store: SqlStore, item: dict[str, Any], level: BodyLevel, parent_id: int | None) -> Body:
    code, name = str(item.get("code") or "").strip(), str(item.get("name") or "").strip()
    if not code or not name:
        raise SeedError(f"body {item!r}: code and name are required")
    return await store.upsert_body(code, name, level, parent_id)


async def _seed_body_content(
    store: SqlStore, body_id: int, data: dict[str, Any], campaigns: list[dict[str, Any]], counts: dict[str, int]
) -> None:
    session = store.session
    for item in data.get("units") or []:
        code = str(item["code"]).strip()
        row = (await session.execute(select(UnitRow).where(UnitRow.code == code))).scalar_one_or_none()
        if row is None:
            session.add(
                UnitRow(
                    code=code, name=str(item["name"]).strip(), sector=_sector(item["sector"]).value, body_id=body_id
                )
            )
        else:
            if row.body_id is not None and row.body_id != body_id:
                assert row.id is not None
                await _move_roles(store, row.id, row.body_id, body_id)
            row.name, row.sector, row.body_id = str(item["name"]).strip(), _sector(item["sector"]).value, body_id
        counts["units"] += 1
    await session.flush()
    store._unit_bodies = None
    for item in data.get("people") or []:
        await _seed_person(store, item)
        counts["people"] += 1
    store.scope_to(body_id)
    try:
        for campaign in campaigns:
            counts["rounds"] += await _seed_campaign(store, campaign)
    finally:
        store.scope_to(None)


async def _move_roles(store: SqlStore, unit_id: int, old_body: int, new_body: int) -> None:
    """A unit moved to another body (a reorganisation): the roles its people held in the old body go with them
    to the new one; nobody keeps a secretariat or a council seat in a body they no longer belong to (a role
    there on purpose is listed again under ``roles_in``). Their initiatives stay with the body that received
    them."""
    session = store.session
    people = select(PersonRow.id).where(PersonRow.unit_id == unit_id)
    held = (
        await session.execute(
            select(RoleGrantRow.person_id, RoleGrantRow.role).where(
                RoleGrantRow.person_id.in_(people), RoleGrantRow.body_id == old_body, RoleGrantRow.role != "admin"
            )
        )
    ).all()
    for person_id, role in held:
        await store.grant_role(person_id, Role(role), new_body)
    if held:
        await session.execute(
            delete(RoleGrantRow).where(
                RoleGrantRow.person_id.in_(people), RoleGrantRow.body_id == old_body, RoleGrantRow.role != "admin"
            )
        )
        await session.execute(
            update(PersonRow)
            .where(PersonRow.unit_id == unit_id, PersonRow.acting_body_id == old_body)
            .values(acting_body_id=None)
        )


async def _drop_unused_default_body(store: SqlStore, named: set[str]) -> None:
    """A province seeded on a fresh database: the placeholder body the first migration made goes if unused."""
    session = store.session
    placeholder = await store.body_by_code(PLACEHOLDER_BODY[0])
    if placeholder is None or PLACEHOLDER_BODY[0] in named:
        return
    for table in (UnitRow, CampaignRow, RoleGrantRow, InitiativeRow, SuggestionRow):
        if (await session.execute(select(table).where(table.body_id == placeholder.id).limit(1))).first():
            return
    await session.execute(
        update(PersonRow).where(PersonRow.acting_body_id == placeholder.id).values(acting_body_id=None)
    )
    await session.execute(delete(BodyRow).where(BodyRow.id == placeholder.id))


async def _seed_person(store: SqlStore, item: dict[str, Any]) -> None:
    session = store.session
    unit = (
        await session.execute(select(UnitRow).where(UnitRow.code == str(item["unit"]).strip()))
    ).scalar_one_or_none()
    if unit is None:
        raise SeedError(f"person {item.get('name')!r}: unknown unit code {item['unit']!r}")
    phone = _phone(item.get("phone"))
    name = str(item["name"]).strip()
    row = await _existing_person(store, item, phone, name, unit.id)
    if row is None:
        row = PersonRow(
            full_name=name,
            unit_id=unit.id,
            position=str(item.get("position") or ""),
            phone=phone,
            phone_verified=phone is not None,  # the unit's list vouches for it
            created_at=store._now(),
            seeded=True,
            seed_key=seed_key(phone, name, unit.id),
        )
        session.add(row)
    else:
        row.full_name, row.unit_id = str(item["name"]).strip(), unit.id
        row.position = str(item.get("position") or row.position)
        row.seeded = True
        row.seed_key = row.seed_key or seed_key(phone, name, unit.id)
    await session.flush()
    assert row.id is not None
    home_body = unit.body_id or await store.default_body_id()
    for role in item.get("roles") or []:
        await store.grant_role(row.id, _role(role), home_body)
    # Roles in other bodies: {PROVINCE-CODE: [council]} for a member of the provincial council.
    for code, roles in (item.get("roles_in") or {}).items():
        body = await store.body_by_code(str(code).strip())
        if body is None:
            raise SeedError(f"person {name!r}: unknown body code {code!r}")
        for role in roles or []:
            await store.grant_role(row.id, _role(role), body.id)
    for channel in ("telegram", "zalo", "console"):
        external = str(item.get(f"{channel}_id") or "").strip()
        if external:
            identity = await store.identity(channel, external)
            await session.execute(update(IdentityRow).where(IdentityRow.id == identity.id).values(person_id=row.id))


def _role(value: Any) -> Role:
    try:
        return Role(str(value).strip())
    except ValueError:
        raise SeedError(f"unknown role {value!r} (use {', '.join(r.value for r in Role)})") from None


def _phone(value: Any) -> str | None:
    """The seed's phone in the form registration stores (so a shared contact finds it); as written if odd."""
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return parse_phone(text)
    except ParseError:
        return text


def seed_key(phone: str | None, name: str, unit_id: int | None) -> str:
    """What names a seed entry for good: its phone, else its name within its unit. Stored on the record the entry
    made, so that what the record's owner types later (another's phone or name) never makes it another entry's."""
    return f"phone:{phone}" if phone else f"name:{name}|{unit_id}"


async def _existing_person(
    store: SqlStore, item: dict[str, Any], phone: str | None, name: str, unit_id: int | None
) -> PersonRow | None:
    """The same person on a second load: the record this entry made (its seed key), else one linked to the
    entry's account. Never by the record's current phone or name: those are typed by its owner (a claimed
    seeded staff member typing the head's number would be handed the head's roles by the next start)."""
    session = store.session
    key = seed_key(phone, name, unit_id)
    found = (
        (await session.execute(select(PersonRow).where(PersonRow.seed_key == key).order_by(PersonRow.id)))
        .scalars()
        .first()
    )
    if found is not None:
        return found
    for channel in ("telegram", "zalo", "console"):
        external = str(item.get(f"{channel}_id") or "").strip()
        if external:
            found = (
                (
                    await session.execute(
                        select(PersonRow)
                        .join(IdentityRow, IdentityRow.person_id == PersonRow.id)
                        .where(IdentityRow.channel == channel, IdentityRow.external_id == external)
                    )
                )
                .scalars()
                .first()
            )
            if found is not None:
                return found
    return None


async def _seed_campaign(store: SqlStore, campaign: dict[str, Any]) -> int:
    session = store.session
    year = int(campaign["year"])
    await store.ensure_campaign(year, [])
    await _seed_campaign_settings(store, year, campaign)
    body_id = await store.default_body_id()
    campaign_id = (
        await session.execute(select(CampaignRow.id).where(CampaignRow.year == year, CampaignRow.body_id == body_id))
    ).scalar_one()
    count = 0
    for item in campaign.get("rounds") or []:
        deadline = item["deadline"]
        deadline = deadline if isinstance(deadline, date) else date.fromisoformat(str(deadline))
        sectors = ",".join(sorted(_sector(s).value for s in item["sectors"]))
        number = int(item["number"])
        row = (
            await session.execute(
                select(RoundRow).where(RoundRow.campaign_id == campaign_id, RoundRow.number == number)
            )
        ).scalar_one_or_none()
        if row is None:
            session.add(
                RoundRow(
                    campaign_id=campaign_id,
                    number=number,
                    name=str(item["name"]),
                    deadline=deadline,
                    sectors=sectors,
                    closed=bool(item.get("closed", False)),
                )
            )
        else:
            row.name, row.deadline, row.sectors = str(item["name"]), deadline, sectors
            row.closed = bool(item.get("closed", row.closed))
        count += 1
    await session.flush()
    return count


async def _seed_campaign_settings(store: SqlStore, year: int, campaign: dict[str, Any]) -> None:
    """Optional keys: reminder_days ("14,7,3,1,0" or a list), send_at ("08:00"), list_due (date),
    unit_quota, admin_reform_target."""
    days = campaign.get("reminder_days")
    send_at = campaign.get("send_at")
    list_due = campaign.get("list_due")
    try:
        await store.update_campaign_settings(
            year,
            reminder_days=parse_days(",".join(map(str, days)) if isinstance(days, list) else str(days))
            if days is not None
            else None,
            send_time=time.fromisoformat(str(send_at).zfill(5)) if send_at is not None else None,
            list_due=list_due if isinstance(list_due, date) or list_due is None else date.fromisoformat(str(list_due)),
            unit_quota=int(campaign["unit_quota"]) if "unit_quota" in campaign else None,
            admin_reform_target=int(campaign["admin_reform_target"]) if "admin_reform_target" in campaign else None,
        )
    except ValueError as error:
        raise SeedError(f"campaign {year}: {error}") from None
