"""The command table: every typed command declared once — its name, aliases, the roles that may use it, a
one-line description, whether a form takes it, and its handler. The core's router and role check, the help
(/trogiup, /thuky), the unknown-command reply and each chat's command menu are all derived from it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass

from handlers.context import Command, Context
from handlers.domain import Person, Role
from handlers.parsing import fold
from handlers.texts import commands as T

CommandFn = Callable[[Context, str], Awaitable[None]]

EVERYONE = frozenset({Role.STAFF})
# The order of the help's sections by role, after the commands everyone may use.
ROLE_ORDER = (Role.SECRETARIAT, Role.COUNCIL, Role.UNIT_HEAD, Role.BODY_HEAD, Role.PROVINCE_OFFICE, Role.ADMIN)


@dataclass(frozen=True)
class CommandSpec:
    name: str  # folded, without the slash; also what Telegram's menu shows
    handler: CommandFn
    description: str
    # Who may use it: Role.STAFF means every registered person; an admin may use everything.
    roles: frozenset[Role] = EVERYONE
    aliases: tuple[str, ...] = ()  # other words for it: without diacritics, English
    args: str = ""  # how its arguments read in the help, e.g. "<mã đợt>"
    # Inside a form (or any flow of its own) the flow gets it: /huy, /quaylai, /trogiup.
    in_form: bool = False

    def allows_roles(self, roles: frozenset[Role]) -> bool:
        return Role.STAFF in self.roles or Role.ADMIN in roles or bool(self.roles & roles)

    def allows(self, person: Person | None) -> bool:
        return person is not None and self.allows_roles(frozenset(person.roles))

    @property
    def line(self) -> str:
        return T.LINE.format(name=self.name, args=f" {self.args}" if self.args else "", description=self.description)


class CommandTable:
    def __init__(self, specs: Iterable[CommandSpec]) -> None:
        self.specs: dict[str, CommandSpec] = {}
        self._words: dict[str, str] = {}
        for spec in specs:
            if spec.name in self.specs:
                raise ValueError(f"command /{spec.name} declared twice")
            self.specs[spec.name] = spec
            for word in (spec.name, *spec.aliases):
                folded = fold(word).replace(" ", "")
                if self._words.setdefault(folded, spec.name) != spec.name:
                    raise ValueError(f"/{word} names two commands")

    def __iter__(self) -> Iterator[CommandSpec]:
        return iter(self.specs.values())

    def get(self, name: str) -> CommandSpec | None:
        return self.specs.get(name)

    def parse(self, text: str | None) -> Command | None:
        """A typed command ("/Hiến kế@bot args"): its name in the table (or the folded word if unknown)."""
        if not text or not text.lstrip().startswith("/"):
            return None
        head, _, args = text.strip()[1:].partition(" ")
        word = fold(head.split("@", 1)[0]).replace(" ", "")
        return Command(self._words.get(word, word or "?"), args.strip())

    def in_form(self, name: str) -> bool:
        spec = self.specs.get(name)
        return spec is not None and spec.in_form

    # --- what each person sees --------------------------------------------------------------------------
    def for_roles(self, roles: frozenset[Role]) -> list[CommandSpec]:
        """The commands these roles may use, those of everyone first."""
        usable = [spec for spec in self.specs.values() if spec.allows_roles(roles)]
        return sorted(usable, key=lambda spec: Role.STAFF not in spec.roles)

    def menu(self, roles: frozenset[Role]) -> tuple[tuple[str, str], ...]:
        """The chat's command menu: (command, description) for each command these roles may use."""
        return tuple((spec.name, spec.description[:1].upper() + spec.description[1:]) for spec in self.for_roles(roles))

    def sections(self, person: Person | None, *, general: bool = True) -> str:
        """The help: the commands everyone may use, then one section per role this person holds."""
        parts = []
        if general:
            lines = [s.line for s in self.specs.values() if Role.STAFF in s.roles]
            parts.append("\n".join([T.SECTION_TITLES[Role.STAFF], *lines]))
        for role in ROLE_ORDER:
            if person is None or not person.has(role):
                continue
            lines = [s.line for s in self.specs.values() if role in s.roles and Role.STAFF not in s.roles]
            if lines:
                parts.append("\n".join([T.SECTION_TITLES[role], *lines]))
        return "\n\n".join(parts)

    def help(self, person: Person | None) -> str:
        return T.HELP_INTRO + "\n\n" + self.sections(person)
