"""Who may see which documents: the admin's rules file (SENDBOT_ACCESS_FILE), read at ingest.

    [[restricted]]
    documents = ["restricted/**", "*EXEMPT*.pdf"]  # globs over paths relative to the ingested folder, or file names
    channels = ["C0SENDLEADS"]                     # Slack channel IDs that may see them
    users = ["U0ADMIN1"]                           # Slack user IDs (in DMs)
    usergroups = ["S0SENDTEAM"]                    # members of these user groups (in DMs)

A document no rule matches is public to the workspace; one several match is visible to
the union. Each document's principals are stored with it in the generation the ingest
writes (index.audience reads them), so a change of rules takes effect atomically at the
next ingest. Anything doubtful is an error, never a fall back to "everything public": a
malformed file, an unknown key, an ID of the wrong kind, a rule that matches nothing
(most often a mistyped folder, which would leave the documents it meant public).
"""

from __future__ import annotations

import fnmatch
import json
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from errors import AccessRulesInvalid, IndexMissing
from index.audience import CHANNEL, ID_KINDS, USER, USERGROUP, principal
from index.store import current_generation, open_readonly, read_meta

TABLE = "restricted"
PRINCIPAL_KEYS = {"channels": CHANNEL, "users": USER, "usergroups": USERGROUP}
KEYS = {"documents", *PRINCIPAL_KEYS}


@dataclass(frozen=True)
class AccessRule:
    documents: tuple[str, ...]
    channels: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    usergroups: tuple[str, ...] = ()

    def covers(self, relpath: str) -> bool:
        """A glob matches the path relative to the ingested folder, the file name, or a folder
        the file is in ("restricted" covers restricted/plan.pdf). Case is ignored: a rule
        should not miss "exempt" for "EXEMPT"."""
        path = PurePosixPath(relpath.lower())
        names = [str(path), path.name, *(str(parent) for parent in path.parents if str(parent) != ".")]
        return any(fnmatch.fnmatchcase(name, glob.lower().strip("/")) for glob in self.documents for name in names)

    def principals(self) -> frozenset[str]:
        return frozenset(
            principal(kind, slack_id) for key, kind in PRINCIPAL_KEYS.items() for slack_id in getattr(self, key)
        )

    def as_json(self) -> dict:
        return {"documents": list(self.documents), **{key: list(getattr(self, key)) for key in PRINCIPAL_KEYS}}

    def describe(self) -> str:
        who = [f"{key} {', '.join(getattr(self, key))}" for key in PRINCIPAL_KEYS if getattr(self, key)]
        return f"{', '.join(self.documents)} -> " + ("; ".join(who) or "nobody in Slack")


@dataclass(frozen=True)
class AccessRules:
    rules: tuple[AccessRule, ...] = ()

    @classmethod
    def load(cls, path: Path | None) -> AccessRules:
        """The rules in the file; none (everything public) only when no file is configured."""
        if path is None or str(path) == "":
            return cls()
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise AccessRulesInvalid(f"The access rules file {path} (SENDBOT_ACCESS_FILE) does not exist.") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise AccessRulesInvalid(f"The access rules file {path} could not be read: {exc}.") from None
        except tomllib.TOMLDecodeError as exc:
            raise AccessRulesInvalid(f"The access rules file {path} is not valid TOML: {exc}.") from None
        return cls.parse(data, str(path))

    @classmethod
    def parse(cls, data: dict, source: str = "the access rules") -> AccessRules:
        unknown = sorted(set(data) - {TABLE})
        if unknown:
            raise AccessRulesInvalid(f"{source}: unknown key {unknown[0]!r}; only [[{TABLE}]] tables are allowed.")
        tables = data.get(TABLE, [])
        if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
            raise AccessRulesInvalid(f"{source}: {TABLE} must be written as [[{TABLE}]] tables.")
        return cls(tuple(_rule(table, f"{source}, rule {n}") for n, table in enumerate(tables, start=1)))

    def access_of(self, locations: Iterable[str]) -> frozenset[str]:
        """The principals that may see a document found at these paths; empty when it is public."""
        locations = list(locations)
        return frozenset().union(
            *(rule.principals() for rule in self.rules if any(rule.covers(path) for path in locations))
        )

    def check_all_match(self, locations: Iterable[str]) -> None:
        locations = list(locations)
        for n, rule in enumerate(self.rules, start=1):
            if not any(rule.covers(path) for path in locations):
                raise AccessRulesInvalid(
                    f"Access rule {n} ({', '.join(rule.documents)}) matches no document; check the globs "
                    "(paths relative to the ingested folder, or file names). Nothing was changed."
                )

    def as_json(self, documents: Iterable[list[str]] = ()) -> str:
        """The rules as stored in the index, each with the documents it covers by their first
        location (for `status`)."""
        documents = sorted(documents)
        return json.dumps(
            [
                {**rule.as_json(), "covers": [d[0] for d in documents if any(rule.covers(p) for p in d)]}
                for rule in self.rules
            ],
            sort_keys=True,
        )

    def same_as(self, stored: str) -> bool:
        """Whether these are the rules an index was built with (stored by `as_json`)."""
        try:
            built = [{k: v for k, v in rule.items() if k != "covers"} for rule in json.loads(stored or "[]")]
        except (ValueError, AttributeError):
            return False
        return built == [rule.as_json() for rule in self.rules]


def check_applied(rules_file: Path | None, index_dir: Path) -> AccessRules:
    """The rules, if they are the ones the live index was built with. A server must not start
    on others: documents newly restricted in the file would still be answered from as public
    until the next ingest applies them."""
    rules = AccessRules.load(rules_file)
    try:
        db = open_readonly(current_generation(Path(index_dir)))
    except IndexMissing:
        return rules  # nothing indexed yet: the first ingest applies them
    try:
        built = read_meta(db).get("access_rules", "[]")
    finally:
        db.close()
    if not rules.same_as(built):
        where = f"the rules in {rules_file}" if rules_file else "no access rules (SENDBOT_ACCESS_FILE is not set)"
        raise AccessRulesInvalid(
            f"The index was built with other access rules than {where}: run `python bot.py ingest` "
            "to apply them before starting the bot."
        )
    return rules


def _rule(table: dict, where: str) -> AccessRule:
    unknown = sorted(set(table) - KEYS)
    if unknown:
        raise AccessRulesInvalid(f"{where}: unknown key {unknown[0]!r} (the keys are {', '.join(sorted(KEYS))}).")
    documents = _strings(table, "documents", where)
    if not documents:
        raise AccessRulesInvalid(f"{where}: `documents` must list at least one glob.")
    ids = {key: _strings(table, key, where) for key in PRINCIPAL_KEYS}
    for key, kind in PRINCIPAL_KEYS.items():
        for slack_id in ids[key]:
            if ID_KINDS.get(slack_id[:1]) != kind:
                starts = "/".join(letter for letter, k in ID_KINDS.items() if k == kind)
                raise AccessRulesInvalid(f"{where}: {key} has {slack_id!r}, which is not a {kind} ID ({starts}...).")
    return AccessRule(documents, **ids)


def _strings(table: dict, key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise AccessRulesInvalid(f"{where}: `{key}` must be a list of non-empty strings.")
    return tuple(v.strip() for v in value)
