"""Administrative units with history: tolerant name matching, as-of resolution, merges.

A :class:`Unit` is one province, district, commune or agency *as it existed
between two dates*.  When a unit is renamed, upgraded or merged, the old unit
ends (``valid_to``) and names its successor(s); the new unit starts
(``valid_from``).  Official codes can be reused across time (the post-2025
Bắc Ninh has the code 24 of the former Bắc Giang), so a code identifies a unit
only together with a date; ``Unit.id`` is unique across time.

Validity intervals are half-open: a unit is valid on ``d`` when
``valid_from <= d < valid_to``; ``None`` bounds are open (``valid_from=None``:
since before the registry's coverage; ``valid_to=None``: current).

The registry is built from plain records (what :mod:`chiso.reference` reads
from its CSV files), so this module imports only the standard library.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from .errors import UnitError

LEVELS = ("province", "district", "commune", "agency")
# Width of an official code per level: an integer 35 resolves as "35", 347 as "347", 13285 as "13285".
CODE_WIDTH = {"province": 2, "district": 3, "commune": 5}

_DASHES = re.compile(r"[-‐‑‒–—―_]+")
_SPACES = re.compile(r"\s+")
# Administrative prefixes dropped from names ("TP. Đà Nẵng" -> "đà nẵng").  Longest first; an
# abbreviation is only a prefix when followed by a dot or a space, so "Tây Ninh" keeps its "t".
_PREFIXES = re.compile(
    r"^(?:thành phố|thị xã|thị trấn|tỉnh|huyện|quận|phường|xã|tp\.|tp\s|t\.|tx\.|tx\s|tt\.|q\.|h\.|p\.)\s*"
)
_SUFFIXES = re.compile(r"\s+(?:province|city)$")
# Old-style tone placement on the second vowel of a final "oa/oe/uy" ("Hoà", "Thuỵ") -> new style.
_TONE_MOVE = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}  # fmt: skip
_TONE_RE = re.compile("(" + "|".join(_TONE_MOVE) + r")(?!\w)")


def normalize_name(s: str) -> str:
    """Return the matching key of a unit name.

    Casefolds, applies Unicode NFC, drops administrative prefixes ("TP.",
    "TP", "Thành phố", "Tỉnh", "T.", "Huyện", "Thị xã", "Xã", "Phường", ...)
    and English suffixes ("Province", "City"), turns hyphens and dashes into
    spaces, collapses spaces and writes old-style tone marks the new way
    ("Hoà" -> "hòa").  Diacritics stay significant: ``Hà Nam`` and ``Hà Nội``
    keep different keys.

    Parameters
    ----------
    s : str
        A name as typed or published.

    Returns
    -------
    str
        The key; ``""`` for a blank name.

    Examples
    --------
    >>> normalize_name("TP. Đà Nẵng") == normalize_name("Thành phố Đà Nẵng") == normalize_name("Đà Nẵng")
    True
    >>> normalize_name("Thừa Thiên - Huế")
    'thừa thiên huế'
    >>> normalize_name("Tỉnh Hà Nam") == normalize_name("Hà Nội")
    False
    """
    key = unicodedata.normalize("NFC", str(s)).casefold()
    key = _SPACES.sub(" ", _DASHES.sub(" ", key)).strip()
    # Prefixes can stack ("UBND TP. Phủ Lý" is not a unit name, but "T. Hà Nam" is); strip repeatedly.
    while True:
        stripped = _PREFIXES.sub("", key, count=1).strip()
        if stripped == key or not stripped:
            break
        key = stripped
    key = _SUFFIXES.sub("", key)
    key = _TONE_RE.sub(lambda m: _TONE_MOVE[m.group(1)], key)
    return _SPACES.sub(" ", key.replace(".", " ")).strip()


def fold_diacritics(s: str) -> str:
    """Remove Vietnamese diacritics ("đà nẵng" -> "da nang"); used for diacritic-free input."""
    s = s.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize(
        "NFC", "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
    )


def _to_date(value: Any, *, what: str = "as_of") -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise UnitError(
        f"{what} must be a date or an ISO 'yyyy-mm-dd' string, got {value!r}",
        code="bad_date",
        value=str(value),
    )


def _fmt(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else "…"


def _split(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(p.strip() for p in value.split(";") if p.strip())
    return tuple(str(v) for v in value)


@dataclass(frozen=True)
class Unit:
    """One administrative unit or agency between two dates.

    Attributes
    ----------
    id : str
        Unique across time, e.g. ``"P35"`` (Hà Nam), ``"P37@2025-07-01"`` (the merged Ninh Bình).
    level : str
        ``"province"``, ``"district"``, ``"commune"`` or ``"agency"``.
    code : str
        Official GSO code (zero-padded), or the agency code ``"35.STTTT"``.
    name : str
        Official Vietnamese name, e.g. ``"Tỉnh Hà Nam"``.
    short_name : str
        Name without the administrative prefix, e.g. ``"Hà Nam"``.
    name_en : str
        English name.
    kind : str
        ``"tỉnh"``, ``"thành phố trực thuộc trung ương"``, ``"huyện"``, ``"phường"``, agency type, ...
    valid_from, valid_to : date or None
        Half-open validity interval.
    parent_id : str
        Id of the enclosing unit (district -> province, agency -> province), or ``""``.
    successor_ids : tuple of str
        Units this one became part of when it ended; the first takes its main part.
    aliases : tuple of str
        Further accepted spellings ("TP.HCM", "BR-VT", ...).
    source : str
        Where the record comes from.
    """

    id: str
    level: str
    code: str
    name: str
    short_name: str = ""
    name_en: str = ""
    kind: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    parent_id: str = ""
    successor_ids: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    source: str = ""
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @classmethod
    def from_record(cls, rec: Mapping[str, Any], *, level: str | None = None) -> Unit:
        """Build a unit from a plain mapping (a CSV row or a dict); unknown keys go to ``extra``."""
        known = {
            "id", "level", "code", "name", "short_name", "name_en", "kind", "valid_from", "valid_to",
            "parent_id", "successor_ids", "aliases", "source", "note",
        }  # fmt: skip
        uid = str(rec.get("id") or "").strip()
        lvl = str(level or rec.get("level") or "").strip()
        if not uid or lvl not in LEVELS:
            raise UnitError(
                f"Unit record needs an id and a level in {', '.join(LEVELS)}; got id={uid!r}, level={lvl!r}",
                code="bad_unit_record",
                id=uid,
                level=lvl,
            )
        name = str(rec.get("name") or "").strip()
        return cls(
            id=uid,
            level=lvl,
            code=str(rec.get("code") or "").strip(),
            name=name,
            short_name=str(rec.get("short_name") or "").strip() or name,
            name_en=str(rec.get("name_en") or "").strip(),
            kind=str(rec.get("kind") or "").strip(),
            valid_from=_to_date(rec.get("valid_from"), what=f"{uid}.valid_from"),
            valid_to=_to_date(rec.get("valid_to"), what=f"{uid}.valid_to"),
            parent_id=str(rec.get("parent_id") or "").strip(),
            successor_ids=_split(rec.get("successor_ids")),
            aliases=_split(rec.get("aliases")),
            source=str(rec.get("source") or "").strip(),
            note=str(rec.get("note") or "").strip(),
            extra={k: v for k, v in rec.items() if k not in known},
        )

    def valid_at(self, d: date) -> bool:
        """True when ``valid_from <= d < valid_to`` (open bounds for ``None``)."""
        return (self.valid_from is None or self.valid_from <= d) and (
            self.valid_to is None or d < self.valid_to
        )

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    @property
    def names(self) -> tuple[str, ...]:
        """Every spelling the unit answers to."""
        return tuple(n for n in (self.name, self.short_name, self.name_en, *self.aliases) if n)

    def period(self) -> str:
        return f"{_fmt(self.valid_from)}–{_fmt(self.valid_to - timedelta(days=1) if self.valid_to else None)}"

    def __str__(self) -> str:
        return self.short_name or self.name


class UnitRegistry:
    """Units with history, resolvable by name or code as of a date.

    Parameters
    ----------
    records : iterable of Unit or mapping
        Unit records (see :meth:`Unit.from_record`).  Ids must be unique;
        successor and parent ids must exist; at any date a code and a
        normalized name are used by at most one unit per level.

    Raises
    ------
    UnitError
        ``duplicate_unit`` / ``unknown_successor`` / ``code_clash`` when the
        records are inconsistent (every offender is listed).

    Examples
    --------
    >>> reg = UnitRegistry([
    ...     {"id": "P35", "level": "province", "code": "35", "name": "Tỉnh Hà Nam", "short_name": "Hà Nam",
    ...      "valid_to": "2025-07-01", "successor_ids": "P37@2025-07-01"},
    ...     {"id": "P37@2025-07-01", "level": "province", "code": "37", "name": "Tỉnh Ninh Bình",
    ...      "short_name": "Ninh Bình", "valid_from": "2025-07-01"},
    ... ])
    >>> reg.resolve("ha nam").name
    'Tỉnh Hà Nam'
    >>> reg.successor_at(reg.resolve("35"), "2025-07-01").short_name
    'Ninh Bình'
    """

    def __init__(self, records: Iterable[Unit | Mapping[str, Any]]) -> None:
        units = [r if isinstance(r, Unit) else Unit.from_record(r) for r in records]
        by_id: dict[str, Unit] = {}
        dups = []
        for u in units:
            if u.id in by_id:
                dups.append(u.id)
            by_id[u.id] = u
        if dups:
            raise UnitError(
                f"Duplicate unit ids: {', '.join(sorted(set(dups)))}", code="duplicate_unit", ids=dups
            )
        missing = sorted(
            f"{u.id} -> {ref}"
            for u in units
            for ref in (*u.successor_ids, u.parent_id)
            if ref and ref not in by_id
        )
        if missing:
            raise UnitError(
                f"Units refer to unknown ids: {'; '.join(missing)}", code="unknown_successor", refs=missing
            )
        self._units = by_id
        self._by_key: dict[tuple[str, str], list[Unit]] = {}
        self._by_ascii: dict[tuple[str, str], list[Unit]] = {}
        self._by_code: dict[tuple[str, str], list[Unit]] = {}
        self._preds: dict[str, list[Unit]] = {}
        for u in units:
            for key in {normalize_name(n) for n in u.names} - {""}:
                self._by_key.setdefault((u.level, key), []).append(u)
                self._by_ascii.setdefault((u.level, fold_diacritics(key)), []).append(u)
            if u.code:
                self._by_code.setdefault((u.level, u.code), []).append(u)
            for s in u.successor_ids:
                self._preds.setdefault(s, []).append(u)
        self._check_clashes()

    def _check_clashes(self) -> None:
        clashes = []
        for (level, code), us in self._by_code.items():
            for i, a in enumerate(us):
                for b in us[i + 1 :]:
                    if _overlap(a, b):
                        clashes.append(f"{level} code {code}: {a.id} and {b.id}")
        if clashes:
            raise UnitError(
                f"Codes used by two units at the same time: {'; '.join(sorted(clashes))}",
                code="code_clash",
                clashes=clashes,
            )

    # --- access ------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._units)

    def __iter__(self) -> Iterator[Unit]:
        return iter(self._units.values())

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self._units

    def get(self, unit_id: str) -> Unit:
        """Return the unit with this id (``UnitError`` ``unknown_unit`` if none)."""
        try:
            return self._units[unit_id]
        except KeyError:
            raise UnitError(f"Unknown unit id {unit_id!r}", code="unknown_unit", name=unit_id) from None

    def units_at(self, as_of: date | str, level: str = "province") -> list[Unit]:
        """Units of ``level`` valid on ``as_of``, sorted by code.

        Examples
        --------
        >>> from chiso.reference import load_registry
        >>> reg = load_registry()
        >>> len(reg.units_at("2022-12-31")), len(reg.units_at("2025-07-01"))
        (63, 34)
        """
        d = _to_date(as_of)
        assert d is not None
        self._check_level(level)
        return sorted((u for u in self._units.values() if u.level == level and u.valid_at(d)), key=_code_key)

    # --- resolution --------------------------------------------------------------------------
    def resolve(
        self,
        name_or_code: str | int | Unit,
        *,
        as_of: date | str | None = None,
        level: str = "province",
        where: str = "",
    ) -> Unit:
        """Find the unit a name, code or id designates.

        Names match through :func:`normalize_name`; an input written with
        no diacritics at all ("Ha Nam") also matches diacritic-free, when that
        is unambiguous.  Codes may be given as int or str ("35", 35, "035").

        Parameters
        ----------
        name_or_code : str, int or Unit
            Name as typed or published, official code, or unit id.
        as_of : date or ISO str, optional
            Only units valid on that date match.  Default: any date; when
            several units in one line of succession match ("Ninh Bình" before
            and after 01/07/2025), the latest is returned.
        level : str, default "province"
            One of ``LEVELS``.
        where : str, optional
            Location for the error message, e.g. ``"row 5"`` or ``"dti.xlsx row 5"``.

        Returns
        -------
        Unit

        Raises
        ------
        UnitError
            ``unknown_unit`` with the closest names suggested;
            ``ambiguous_unit`` when two units fit equally;
            ``unit_not_valid`` when the unit exists but not on ``as_of``.

        Examples
        --------
        >>> from chiso.reference import load_registry
        >>> reg = load_registry()
        >>> reg.resolve("TP. Đà Nẵng").name
        'Thành phố Đà Nẵng'
        >>> reg.resolve("Ha Nam", as_of="2022-12-31").code
        '35'
        >>> reg.resolve("Ha Nom", where="row 5")
        Traceback (most recent call last):
        ...
        chiso.engine.errors.UnitError: Unknown unit 'Ha Nom' (row 5); did you mean: Hà Nam, Hà Nội, Hà Tĩnh?
        """
        self._check_level(level)
        d = _to_date(as_of)
        if isinstance(name_or_code, Unit):
            candidates = [name_or_code]
            shown = name_or_code.short_name
        else:
            shown = str(name_or_code).strip()
            candidates = self._candidates(name_or_code, level)
        if not candidates:
            raise self._unknown(shown, level=level, as_of=d, where=where)
        if d is not None:
            valid = [u for u in candidates if u.valid_at(d)]
            if not valid:
                u = max(candidates, key=_start_key)
                succ = ", ".join(self._units[s].short_name for s in u.successor_ids)
                msg = f"Unit '{shown}'{_where(where)} ({u.name}) is not valid on {_fmt(d)}: it existed {u.period()}"
                if succ:
                    msg += f"; successor: {succ}"
                raise UnitError(
                    msg,
                    code="unit_not_valid",
                    name=shown,
                    where=where,
                    unit=u.id,
                    as_of=d.isoformat(),
                    level=level,
                )
            candidates = valid
        else:
            latest = max(_start_key(u) for u in candidates)
            candidates = [u for u in candidates if _start_key(u) == latest]
        unique = list(dict.fromkeys(candidates))
        if len(unique) > 1:
            names = ", ".join(f"{u.name} [{u.code}, {u.period()}]" for u in unique)
            raise UnitError(
                f"Ambiguous unit '{shown}'{_where(where)}: it matches {names}",
                code="ambiguous_unit",
                name=shown,
                where=where,
                candidates=[u.id for u in unique],
            )
        return unique[0]

    def _candidates(self, value: str | int, level: str) -> list[Unit]:
        text = str(value).strip()
        if text in self._units and self._units[text].level == level:
            return [self._units[text]]
        if text.isdigit():
            width = CODE_WIDTH.get(level, 0)
            code = str(int(text)).zfill(width) if width else text
            return list(self._by_code.get((level, code), []))
        key = normalize_name(text)
        found = self._by_key.get((level, key))
        if found:
            return list(found)
        if fold_diacritics(key) == key:  # typed without any diacritic: match diacritic-free
            return list(self._by_ascii.get((level, key), []))
        return []

    def suggest(
        self, name: str, *, level: str = "province", as_of: date | str | None = None, n: int = 3
    ) -> list[str]:
        """Closest short names to ``name`` (difflib ratio on diacritic-free keys), best first."""
        d = _to_date(as_of)
        target = fold_diacritics(normalize_name(name))
        scored: dict[str, float] = {}
        for u in self._units.values():
            if u.level != level or (d is not None and not u.valid_at(d)):
                continue
            for n_ in u.names:
                ratio = difflib.SequenceMatcher(None, target, fold_diacritics(normalize_name(n_))).ratio()
                if ratio > scored.get(u.short_name, 0.0):
                    scored[u.short_name] = ratio
        best = sorted((item for item in scored.items() if item[1] >= 0.5), key=lambda kv: (-kv[1], kv[0]))
        return [name_ for name_, _ in best[:n]]

    def _unknown(self, shown: str, *, level: str, as_of: date | None, where: str) -> UnitError:
        sugg = self.suggest(shown, level=level, as_of=as_of)
        msg = f"Unknown unit '{shown}'{_where(where)}"
        if as_of is not None:
            msg += f" on {_fmt(as_of)}"
        msg += f"; did you mean: {', '.join(sugg)}?" if sugg else f"; no {level} has a similar name"
        return UnitError(
            msg, code="unknown_unit", name=shown, where=where, level=level, suggestions=sugg,
            as_of=as_of.isoformat() if as_of else None,
        )  # fmt: skip

    # --- history -----------------------------------------------------------------------------
    def successor_at(self, unit: Unit | str, as_of: date | str) -> Unit:
        """The unit that holds ``unit``'s territory (or role) on ``as_of``.

        Follows the successor chain (the first successor when a unit was
        divided) until a unit valid on ``as_of``; returns ``unit`` itself if it
        is still valid.

        Raises
        ------
        UnitError
            ``unit_not_valid`` if ``as_of`` is before the unit existed, or the
            chain ends without a unit valid on ``as_of`` (e.g. an abolished
            district).

        Examples
        --------
        >>> from chiso.reference import load_registry
        >>> reg = load_registry()
        >>> reg.successor_at(reg.resolve("Hà Nam"), "2025-07-01").id
        'P37@2025-07-01'
        """
        d = _to_date(as_of)
        assert d is not None
        u = unit if isinstance(unit, Unit) else self.get(unit)
        start = u
        if u.valid_from is not None and d < u.valid_from:
            raise UnitError(
                f"{u.name} did not exist yet on {_fmt(d)} (it existed {u.period()})",
                code="unit_not_valid", unit=u.id, as_of=d.isoformat(),
            )  # fmt: skip
        seen = set()
        while not u.valid_at(d):
            if not u.successor_ids or u.id in seen:
                raise UnitError(
                    f"{start.name} has no successor valid on {_fmt(d)} ({u.name} ended {_fmt(u.valid_to)})",
                    code="unit_not_valid", unit=start.id, as_of=d.isoformat(),
                )  # fmt: skip
            seen.add(u.id)
            u = self._units[u.successor_ids[0]]
        return u

    def predecessors(self, unit: Unit | str) -> list[Unit]:
        """Units whose successor list names ``unit`` (direct predecessors), sorted by code.

        Examples
        --------
        >>> from chiso.reference import load_registry
        >>> reg = load_registry()
        >>> [u.short_name for u in reg.predecessors(reg.resolve("Ninh Bình", as_of="2025-07-01"))]
        ['Hà Nam', 'Nam Định', 'Ninh Bình']
        """
        uid = unit.id if isinstance(unit, Unit) else unit
        self.get(uid)
        return sorted(self._preds.get(uid, []), key=_code_key)

    def merge_map(
        self,
        unit_codes: Iterable[str | int | Unit],
        as_of: date | str,
        *,
        level: str = "province",
        former_as_of: date | str | None = None,
    ) -> dict[str, list[str]]:
        """Group former units by the unit that holds them on ``as_of``.

        The engine computes a merged unit's value as the mean of its former
        units' values (the DTI 2024 rule); this map says which former units
        to average.

        Parameters
        ----------
        unit_codes : iterable of str, int or Unit
            Codes (or names, ids, units) of the former units.
        as_of : date or ISO str
            Date of the new basis, e.g. ``"2025-07-01"``.
        level : str, default "province"
        former_as_of : date or ISO str, optional
            Date on which ``unit_codes`` are valid.  Default: the day before
            ``as_of``.  Needed because codes were reused (24 = Bắc Giang
            before 01/07/2025, the merged Bắc Ninh after).

        Returns
        -------
        dict of str -> list of str
            New code -> the former codes it absorbed, as given, in input order;
            the keys are in order of first appearance.

        Examples
        --------
        >>> from chiso.reference import load_registry
        >>> load_registry().merge_map(["35", "36", "37", "01"], "2025-07-01")
        {'37': ['35', '36', '37'], '01': ['01']}
        """
        d = _to_date(as_of)
        assert d is not None
        before = _to_date(former_as_of, what="former_as_of") or d - timedelta(days=1)
        out: dict[str, list[str]] = {}
        errors: list[str] = []
        for item in unit_codes:
            label = item.code if isinstance(item, Unit) else str(item)
            try:
                old = self.resolve(item, as_of=before, level=level)
                new = self.successor_at(old, d)
            except UnitError as exc:
                errors.append(exc.message)
                continue
            out.setdefault(new.code, []).append(label)
        if errors:
            raise UnitError(
                f"Cannot map {len(errors)} unit(s) to the {_fmt(d)} basis: " + " | ".join(errors),
                code="unknown_unit",
                errors=errors,
            )
        return out

    @staticmethod
    def _check_level(level: str) -> None:
        if level not in LEVELS:
            raise UnitError(
                f"Unknown level {level!r}; expected one of {', '.join(LEVELS)}", code="bad_level", level=level
            )


def _where(where: str) -> str:
    return f" ({where})" if where else ""


def _start_key(u: Unit) -> date:
    return u.valid_from or date.min


def _code_key(u: Unit) -> tuple[str, date]:
    return (u.code, _start_key(u))


def _overlap(a: Unit, b: Unit) -> bool:
    a0, a1 = a.valid_from or date.min, a.valid_to or date.max
    b0, b1 = b.valid_from or date.min, b.valid_to or date.max
    return a0 < b1 and b0 < a1
