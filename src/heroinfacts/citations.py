"""Reference formatting: APA 7 text, BibTeX, RIS and CSL-JSON.

A reference is a CSL-JSON item: a plain mapping with CSL key spelling (``id``, ``type``,
``title``, ``author``, ``issued``, ``container-title``, ``URL`` ...). Only ``id``, ``type`` and
``title`` can be relied on; every other field may be missing or, in hand-written data, of the
wrong shape, and every function here copes with that instead of raising.

Decisions the code cannot show:

* Titles are printed as the source gives them. APA 7 wants sentence case, but turning "Vital
  Signs: Demographic ..." into sentence case needs to know which words are proper nouns.
* ``custom["et-al"] is True`` means the source cut the author list short. APA and BibTeX say so
  ("et al.", "and others"); RIS has no way to, so it lists only the names that are known.
* In APA text, runs of full stops inside field values are collapsed ("..." becomes "…"), and in
  URLs a full stop that follows another is written ``%2E`` (an equivalent URI, RFC 3986 6.2.2.2),
  so the text never shows a doubled full stop.
* URLs and DOIs are never LaTeX-escaped (biblatex reads ``url`` and ``doi`` verbatim); whitespace,
  braces and backslashes in them are percent-encoded instead, so the BibTeX stays balanced.
* RIS carries a PMID as ``DB  - PubMed`` plus ``AN  - <pmid>`` (accession number in that
  database) and a PMCID as ``C2  - <pmcid>``, the field EndNote's PubMed import uses.
"""

# En and em dashes in strings here are deliberate APA typography, not typos.

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "CSL_DATE_VARS",
    "CSL_NAME_KEYS",
    "CSL_NAME_VARS",
    "CSL_NUMBER_VARS",
    "CSL_STRING_VARS",
    "CSL_TYPES",
    "apa",
    "apa_segments",
    "bibtex",
    "csl_json",
    "ris",
]

Segment = tuple[str, bool]
_Date = tuple[int, int | None, int | None]

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_SEASONS = {21: "Spring", 22: "Summer", 23: "Autumn", 24: "Winter"}
_BIB_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

# APA: the title of a part is plain and the whole it belongs to is italic.
_PERIODICAL_TYPES = frozenset(
    {"article-journal", "article-magazine", "article-newspaper", "review", "review-book"}
)
_IN_CONTAINER_TYPES = frozenset(
    {"chapter", "entry", "entry-dictionary", "entry-encyclopedia", "paper-conference"}
)
_POST_TYPES = frozenset({"post", "post-weblog"})
#: Types whose APA 7 date is the year alone (journal articles and reports): "(2009)." where a
#: web page would print "(2009, March 31).".
_YEAR_ONLY_TYPES = frozenset({"article-journal", "report"})

_SPACE_RE = re.compile(r"\s+")
_PAGE_DASH_RE = re.compile(r"(?<=[0-9A-Za-z])\s*(?:--?|–|—)\s*(?=[0-9A-Za-z])")
_PAGE_RANGE_RE = re.compile(r"^(\S+?)\s*(?:--?|–|—)\s*(\S+)$")
_ISO_RE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
_DOI_PREFIX_RE = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_AND_RE = re.compile(r"(?:^|\s)and(?:\s|$)", re.IGNORECASE)


# --- field access -------------------------------------------------------------------------------


_BIDI = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _text(value: object) -> str:
    """A scalar field as one line of text; anything that is not a string or number gives ""."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError:  # more digits than int -> str allows
            return ""
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if not isinstance(value, str):
        return ""
    kept = "".join(
        " " if unicodedata.category(ch) == "Cc" else ch
        for ch in value
        # lone surrogates cannot be encoded; bidi overrides and isolates would reorder a terminal
        if not "\ud800" <= ch <= "\udfff" and ch not in _BIDI
    )
    return _SPACE_RE.sub(" ", kept).strip()


def _prose(value: object) -> str:
    """Text for APA output: as _text, with runs of full stops collapsed."""
    text = re.sub(r"\.{3,}", "…", _text(value))
    return text.replace("..", ".")


def _url(value: object) -> str:
    """A URL that is safe in every output: no whitespace, braces, backslashes or '..'."""
    text = _text(value).replace(" ", "%20")
    text = text.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")
    return re.sub(r"(?<=\.)\.", "%2E", text)


def _doi(value: object) -> str:
    return _DOI_PREFIX_RE.sub("", _text(value))


def _names(ref: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = ref.get(key)
    if not isinstance(value, Sequence) or isinstance(value, (str, bytes)):
        return []
    return [name for name in value if isinstance(name, Mapping)]


def _et_al(ref: Mapping[str, Any]) -> bool:
    custom = ref.get("custom")
    return isinstance(custom, Mapping) and custom.get("et-al") is True


def _family(name: Mapping[str, Any]) -> str:
    parts = (name.get("dropping-particle"), name.get("non-dropping-particle"), name.get("family"))
    return " ".join(t for t in (_text(p) for p in parts) if t)


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _key(text: str) -> str:
    """Comparison form: is a publisher the same as the author?"""
    return _SPACE_RE.sub(" ", text.casefold()).strip(" .")


def _full_names(ref: Mapping[str, Any]) -> set[str]:
    keys = set()
    for name in _names(ref, "author"):
        keys.add(_key(_text(name.get("literal"))))
        keys.add(_key(f"{_text(name.get('given'))} {_family(name)}"))
    keys.discard("")
    return keys


# --- dates --------------------------------------------------------------------------------------


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,4}", value.strip()):
        return int(value.strip())
    return None


def _date_row(row: object) -> _Date | None:
    if not isinstance(row, Sequence) or isinstance(row, (str, bytes)) or not row:
        return None
    year = _int(row[0])
    if year is None or not 1 <= year <= 9999:
        return None
    month = _int(row[1]) if len(row) > 1 else None
    if month is not None and not (1 <= month <= 12 or month in _SEASONS):
        month = None
    day = _int(row[2]) if len(row) > 2 and month is not None and month <= 12 else None
    if day is not None and month is not None and not _is_date(year, month, day):
        day = None
    return (year, month, day)


def _is_date(year: int, month: int, day: int) -> bool:
    """Whether the day exists (datetime, which SQLite has loaded already; calendar pulls in
    locale, ~1.5 ms at every start)."""
    import datetime

    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def _parse_iso(text: str) -> list[_Date]:
    out: list[_Date] = []
    for side in text.strip().split("/")[:2]:
        match = _ISO_RE.match(side.strip())
        row = _date_row(list(match.groups())) if match else None
        if row is None:
            break
        out.append(row)
    return out


def _dates(value: object) -> list[_Date]:
    """One date, or two for a range; [] when there is no usable date."""
    out: list[_Date] = []
    if isinstance(value, str):
        out = _parse_iso(value)
    elif isinstance(value, Mapping):
        parts = value.get("date-parts")
        if isinstance(parts, Sequence) and not isinstance(parts, (str, bytes)):
            for raw in list(parts)[:2]:
                row = _date_row(raw)
                if row is None:
                    break
                out.append(row)
        for key in ("edtf", "raw"):
            if not out and isinstance(value.get(key), str):
                out = _parse_iso(value[key])
    if len(out) == 2 and out[0] == out[1]:
        out = out[:1]
    return out


def _month_name(month: int) -> str:
    return _SEASONS.get(month) or _MONTHS[month - 1]


def _md(date: _Date) -> str:
    _, month, day = date
    if month is None:
        return ""
    return _month_name(month) + (f" {day}" if day else "")


def _ymd(date: _Date) -> str:
    md = _md(date)
    return f"{date[0]}, {md}" if md else str(date[0])


def _apa_date(value: object, *, year_only: bool = False) -> str:
    dates = _dates(value)
    if not dates:
        literal = _prose(value.get("literal")) if isinstance(value, Mapping) else ""
        return literal or "n.d."
    if year_only:
        first, last = dates[0][0], dates[-1][0]
        return str(first) if first == last else f"{first}–{last}"
    if len(dates) == 1:
        return _ymd(dates[0])
    start, end = dates
    if start[0] != end[0]:
        if start[1] is None and end[1] is None:
            return f"{start[0]}–{end[0]}"
        return f"{_ymd(start)}–{_ymd(end)}"
    if start[1] is None or end[1] is None:
        return str(start[0])
    if start[1] == end[1]:
        if start[2] and end[2]:
            return f"{_ymd(start)}–{end[2]}"
        return _ymd(start)
    return f"{start[0]}, {_md(start)}–{_md(end)}"


def _iso(date: _Date) -> str:
    year, month, day = date
    out = f"{year:04d}"
    if month is not None:
        out += f"-{month:02d}"  # EDTF writes seasons as months 21-24
    if day is not None:
        out += f"-{day:02d}"
    return out


# --- APA 7 --------------------------------------------------------------------------------------


def _initials(given: str) -> str:
    words = []
    for word in given.replace(".", " ").split():
        letters = []
        for piece in word.split("-"):
            first = next((ch for ch in piece if ch.isalnum()), "")
            if first:
                upper = first.upper()
                letters.append((upper if len(upper) == 1 else first) + ".")
        if letters:
            words.append("-".join(letters))
    return " ".join(words)


def _apa_name(name: Mapping[str, Any], *, inverted: bool = True) -> str:
    literal = _prose(name.get("literal"))
    if literal:
        return literal
    family = _prose(_family(name))
    given = _prose(name.get("given"))
    if not family:
        return given
    initials = _initials(given)
    suffix = _prose(name.get("suffix"))
    if not inverted:
        return " ".join(p for p in (initials, family) if p) + (f", {suffix}" if suffix else "")
    return ", ".join(p for p in (family, initials, suffix) if p)


def _apa_list(names: list[str], conjunction: str) -> str:
    if len(names) <= 2:
        return conjunction.join(names)
    return ", ".join(names[:-1]) + "," + conjunction + names[-1]


def _apa_authors(ref: Mapping[str, Any]) -> str:
    names = [n for n in map(_apa_name, _names(ref, "author")) if _has_word(n)]
    if not names:
        return ""
    if _et_al(ref):
        return ", ".join(names) + ", et al."
    if len(names) == 2:
        return f"{names[0]}, & {names[1]}"
    if len(names) > 20:  # APA 7: the first 19, an ellipsis, then the last
        return ", ".join(names[:19]) + ", . . . " + names[-1]
    return _apa_list(names, " & ")


def _apa_editors(ref: Mapping[str, Any]) -> str:
    names = [_apa_name(n, inverted=False) for n in _names(ref, "editor")]
    names = [n for n in names if _has_word(n)]
    if not names:
        return ""
    return _apa_list(names, " & ") + (" (Ed.), " if len(names) == 1 else " (Eds.), ")


def _ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def _qualifiers(ref: Mapping[str, Any], kind: str) -> str:
    """The parenthesis after a standalone title: edition, series, report number."""
    quals = []
    edition = _prose(ref.get("edition"))
    if edition:
        is_number = re.fullmatch(r"[0-9]{1,4}", edition)
        quals.append(f"{_ordinal(int(edition))} ed." if is_number else edition)
    series, series_no = _prose(ref.get("collection-title")), _prose(ref.get("collection-number"))
    number = _prose(ref.get("number"))
    if series:
        quals.append(f"{series} No. {series_no}" if series_no else series)
    if number:
        quals.append(f"Report No. {number}" if kind == "report" else f"No. {number}")
    return f" ({', '.join(quals)})" if quals else ""


def _title(ref: Mapping[str, Any], italic: bool) -> list[Segment]:
    """The title; a bracketed description of an untitled work is never italic."""
    title = _prose(ref.get("title"))
    if not title or not italic or (title.startswith("[") and title.endswith("]")):
        return [(title, False)] if title else []
    match = re.match(r"^(.*\S)\s+(\[[^\[\]]*\])$", title)
    if match:
        return [(match[1], True), (" " + match[2], False)]
    return [(title, True)]


def _pages(ref: Mapping[str, Any]) -> str:
    return _PAGE_DASH_RE.sub("–", _prose(ref.get("page")))


def _finish(segments: list[Segment]) -> list[Segment]:
    """End an element with a full stop, unless it already ends with '.', '?', '!' or '…'."""
    segments = list(segments)
    while segments:
        text, italic = segments[-1]
        text = text.rstrip(" ,;:")
        if text:
            segments[-1] = (text, italic)
            if text[-1] not in ".?!…":
                segments.append((".", False))
            break
        segments.pop()
    return segments


def _apa_source(ref: Mapping[str, Any], kind: str, authors: set[str]) -> list[list[Segment]]:
    container = _prose(ref.get("container-title"))
    if kind in _PERIODICAL_TYPES:  # APA leaves out a periodical's publisher
        segments: list[Segment] = [(container, True)] if container else []
        volume, issue, pages = _prose(ref.get("volume")), _prose(ref.get("issue")), _pages(ref)
        if volume:
            segments += [(", ", False)] if segments else []
            segments.append((volume, True))
        if issue:
            segments += [(", ", False)] if segments and not volume else []
            segments.append((f"({issue})", False))
        if pages:
            segments += [(", ", False)] if segments else []
            segments.append((pages, False))
        return [segments] if segments else []

    elements: list[list[Segment]] = []
    if container and kind in _IN_CONTAINER_TYPES:
        pages = _pages(ref)
        element = [("In " + _apa_editors(ref), False), (container, True)]
        if pages:
            label = "pp." if re.search(r"[–,]", pages) else "p."
            element.append((f" ({label} {pages})", False))
        elements.append(element)
    elif container and (kind in _POST_TYPES or _key(container) not in authors):
        elements.append([(container, kind in _POST_TYPES)])
    publisher = _prose(ref.get("publisher"))
    if publisher and _key(publisher) not in authors | {_key(container)}:
        elements.append([(publisher, False)])
    return elements


def apa_segments(ref: Mapping[str, Any]) -> list[tuple[str, bool]]:
    """Format ``ref`` as an APA 7 reference-list entry, split into (text, italic) segments.

    Adjacent segments never share a flag and none is empty, so ``"".join`` of the texts is the
    plain entry and a renderer only has to italicise the segments flagged True. A reference with
    no author starts with its title; one with no date shows "(n.d.)"; the link is the URL, else
    the DOI as https://doi.org/..., else nothing. Never raises for a mapping of any shape.
    """
    kind = _text(ref.get("type"))
    authors = _apa_authors(ref)
    plain_title = kind in _PERIODICAL_TYPES | _IN_CONTAINER_TYPES | _POST_TYPES
    title = _title(ref, italic=not plain_title)
    if title and not plain_title:
        title.append((_qualifiers(ref, kind), False))
    issued = _apa_date(ref.get("issued"), year_only=kind in _YEAR_ONLY_TYPES)
    date = [(f"({issued}).", False)]
    head = [[(authors, False)], date, title] if authors else [title, date]
    elements = [*head, *_apa_source(ref, kind, _full_names(ref))]

    link = _url(ref.get("URL"))
    doi = _doi(ref.get("DOI"))
    if not link and doi:
        link = _url("https://doi.org/" + doi)

    pieces: list[Segment] = []
    for element in [*map(_finish, elements), [(link, False)]]:
        element = [seg for seg in element if seg[0]]
        if element:
            if pieces:
                pieces.append((" ", False))
            pieces.extend(element)
    merged: list[Segment] = []
    for text, italic in pieces:
        if merged and merged[-1][1] == italic:
            merged[-1] = (merged[-1][0] + text, italic)
        else:
            merged.append((text, italic))
    return merged


def apa(ref: Mapping[str, Any]) -> str:
    """Format ``ref`` as an APA 7 reference-list entry in plain text (no italics)."""
    return "".join(text for text, _ in apa_segments(ref))


def short_form(ref: Mapping[str, Any]) -> tuple[str, str, str]:
    """``ref`` in short, as a terminal page lists it: (lead, title, tail), printed as
    ``lead title tail``; the title is the part a narrow line may shorten.

    The lead is the authors and year: the first family name (or an organisation's name), "A &
    B" for two, "A et al." for more, then the year issued or "n.d." ("Darke et al. (2009).").
    With no author the title leads and the year follows: ("", "[Title]", " (n.d.)."). Never
    raises.
    """
    names = (_prose(n.get("literal")) or _prose(_family(n)) for n in _names(ref, "author"))
    authors = [n for n in names if _has_word(n)]
    year = _apa_date(ref.get("issued"), year_only=True)
    title = "".join(text for text, _ in _finish([(_prose(ref.get("title")), False)]))
    if not authors:
        return "", title.removesuffix("."), f" ({year})."
    who = f"{authors[0]} et al." if len(authors) > 2 or _et_al(ref) else " & ".join(authors)
    return f"{who} ({year}).", title, ""


# --- BibTeX -------------------------------------------------------------------------------------

_BIB_TYPES = {
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "review": "article",
    "review-book": "article",
    "book": "book",
    "classic": "book",
    "chapter": "incollection",
    "entry": "incollection",
    "entry-dictionary": "incollection",
    "entry-encyclopedia": "incollection",
    "paper-conference": "inproceedings",
    "report": "techreport",
    "thesis": "phdthesis",
    "pamphlet": "booklet",
}

# BibTeX counts every brace, escaped or not, so literal braces become brace-free commands.
_TEX_ESCAPES = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)


def _tex(value: object) -> str:
    return _text(value).translate(_TEX_ESCAPES)


def _bib_part(text: str) -> str:
    """Brace a name part that BibTeX would otherwise split at a comma or an "and"."""
    return "{" + text + "}" if "," in text or _AND_RE.search(text) else text


def _bib_name(name: Mapping[str, Any]) -> str:
    literal = _tex(name.get("literal"))
    if literal:
        return "{" + literal + "}"
    # "J.F." is one token to BibTeX and would abbreviate to "J."; "J. F." keeps both initials.
    given = _bib_part(re.sub(r"\.(?=\w)", ". ", _tex(name.get("given"))))
    family = _bib_part(_tex(_family(name)))
    suffix = _bib_part(_tex(name.get("suffix")))
    if not family:
        return given
    return ", ".join(p for p in (family, suffix, given) if p)  # BibTeX's "Last, Jr, First"


def _bib_names(ref: Mapping[str, Any], key: str) -> str:
    names = [n for n in map(_bib_name, _names(ref, key)) if n]
    if names and key == "author" and _et_al(ref):
        names.append("others")
    return " and ".join(names)


def _bib_key(value: object, used: set[str]) -> str:
    ascii_text = unicodedata.normalize("NFKD", _text(value)).encode("ascii", "ignore").decode()
    key = re.sub(r"[^A-Za-z0-9_:.-]+", "-", ascii_text).strip("-") or "ref"
    unique, n = key, 1
    while unique in used:
        n += 1
        unique = f"{key}-{n}"
    used.add(unique)
    return unique


def _bib_dates(ref: Mapping[str, Any]) -> list[tuple[str, str]]:
    dates = _dates(ref.get("issued"))
    if not dates:
        return []
    start, end = dates[0], dates[-1]
    year = str(start[0]) if start[0] == end[0] else f"{start[0]}--{end[0]}"
    fields = [("year", "{" + year + "}")]
    months = [d[1] for d in dates if d[1] is not None and d[1] <= 12]
    if months and start[0] == end[0]:
        macros = [_BIB_MONTHS[m - 1] for m in dict.fromkeys(months)]
        fields.append(("month", ' # "--" # '.join(macros)))
    fields.append(("date", "{" + "/".join(map(_iso, dates)) + "}"))
    return fields


def _bib_entry(ref: Mapping[str, Any], key: str) -> str:
    kind = _text(ref.get("type"))
    bib_type = _BIB_TYPES.get(kind, "misc")
    if bib_type == "phdthesis" and "master" in _text(ref.get("genre")).casefold():
        bib_type = "mastersthesis"
    fields: list[tuple[str, str]] = []

    def add(name: str, value: str, *, protect: bool = False) -> None:
        if value:
            fields.append((name, "{{" + value + "}}" if protect else "{" + value + "}"))

    add("author", _bib_names(ref, "author"))
    add("editor", _bib_names(ref, "editor"))
    add("title", _tex(ref.get("title")), protect=True)
    container = _tex(ref.get("container-title"))
    if bib_type == "article":
        add("journal", container)
    elif bib_type in ("incollection", "inproceedings"):
        add("booktitle", container, protect=True)
    else:
        add("organization", container)
    fields.extend(_bib_dates(ref))
    add("volume", _tex(ref.get("volume")))
    add("number", _tex(ref.get("issue")) or _tex(ref.get("number")))
    add("pages", _PAGE_DASH_RE.sub("--", _tex(ref.get("page"))))
    publisher = _tex(ref.get("publisher"))
    if bib_type == "techreport":
        literals = (_tex(n.get("literal")) for n in _names(ref, "author"))
        add("institution", publisher or next((lit for lit in literals if lit), ""))
        add("type", _tex(ref.get("genre")))
    elif bib_type.endswith("thesis"):
        add("school", publisher)
    else:
        add("publisher", publisher)
    add("address", _tex(ref.get("publisher-place")))
    add("series", _tex(ref.get("collection-title")))
    add("edition", _tex(ref.get("edition")))
    url = _url(ref.get("URL"))
    if url and kind in ("webpage", *_POST_TYPES):
        add("howpublished", r"\url{" + url + "}")
    add("url", url)
    accessed = _dates(ref.get("accessed"))
    add("urldate", _iso(accessed[0]) if accessed else "")
    add("doi", _url(_doi(ref.get("DOI"))))
    add("pmid", _tex(ref.get("PMID")))
    add("pmcid", _tex(ref.get("PMCID")))
    add("note", _tex(ref.get("note")))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@{bib_type}{{{key},\n{body}\n}}" if body else f"@{bib_type}{{{key},\n}}"


def bibtex(refs: Iterable[Mapping[str, Any]]) -> str:
    """Format ``refs`` as BibTeX entries, one blank line apart.

    The key is the reference id reduced to ``[A-Za-z0-9_:.-]`` (made unique with "-2", "-3" ...).
    Field values are LaTeX-escaped, one line each, with balanced braces for any input; titles
    are double-braced so styles keep their capitals; organisations are braced whole; a list the
    source cut short ends "and others". ``date`` and ``urldate`` are ISO/EDTF for biblatex.
    """
    used: set[str] = set()
    return "".join(_bib_entry(ref, _bib_key(ref.get("id"), used)) + "\n\n" for ref in refs)[:-1]


# --- RIS ----------------------------------------------------------------------------------------

_RIS_TYPES = {
    "article-journal": "JOUR",
    "article-magazine": "MGZN",
    "article-newspaper": "NEWS",
    "webpage": "ELEC",
    "post": "ELEC",
    "post-weblog": "BLOG",
    "report": "RPRT",
    "book": "BOOK",
    "chapter": "CHAP",
    "pamphlet": "PAMP",
    "thesis": "THES",
    "paper-conference": "CPAPER",
    "entry-encyclopedia": "ENCYC",
    "entry-dictionary": "DICT",
    "dataset": "DATA",
    "software": "COMP",
}


def _ris_name(name: Mapping[str, Any]) -> str:
    literal = _text(name.get("literal"))
    if literal:
        return literal
    parts = (_family(name), _text(name.get("given")), _text(name.get("suffix")))
    return ", ".join(p for p in parts if p)


def _ris_date(dates: list[_Date], other: str = "") -> str:
    year, month, day = dates[0]
    month_text = f"{month:02d}" if month is not None and month <= 12 else ""
    if month in _SEASONS and not other:
        other = _SEASONS[month]
    return f"{year:04d}/{month_text}/{f'{day:02d}' if day else ''}/{other}"


def _ris_record(ref: Mapping[str, Any]) -> list[str]:
    lines = [("TY", _RIS_TYPES.get(_text(ref.get("type")), "GEN"))]
    lines += [("AU", _ris_name(n)) for n in _names(ref, "author")]
    lines += [("A2", _ris_name(n)) for n in _names(ref, "editor")]
    lines += [(tag, _text(ref.get(key))) for tag, key in (
        ("TI", "title"), ("T2", "container-title"), ("T3", "collection-title"),
    )]  # fmt: skip
    issued = _dates(ref.get("issued"))
    if issued:
        range_text = _apa_date(ref.get("issued")) if len(issued) == 2 else ""
        range_text = range_text.removeprefix(f"{issued[0][0]}, ")
        lines += [("PY", f"{issued[0][0]:04d}"), ("DA", _ris_date(issued, range_text))]
    lines += [("VL", _text(ref.get("volume"))), ("IS", _text(ref.get("issue")))]
    page = _text(ref.get("page"))
    match = _PAGE_RANGE_RE.match(page)
    lines += [("SP", match[1]), ("EP", match[2])] if match else [("SP", page)]
    lines += [(tag, _text(ref.get(key))) for tag, key in (
        ("ET", "edition"), ("PB", "publisher"), ("CY", "publisher-place"),
    )]  # fmt: skip
    lines.append(("UR", _url(ref.get("URL"))))
    accessed = _dates(ref.get("accessed"))
    if accessed:
        lines.append(("Y2", _ris_date(accessed)))
    lines.append(("DO", _doi(ref.get("DOI"))))
    pmid = _text(ref.get("PMID"))
    if pmid:
        lines += [("DB", "PubMed"), ("AN", pmid)]
    lines += [("C2", _text(ref.get("PMCID"))), ("N1", _text(ref.get("note")))]
    return [f"{tag}  - {value}" for tag, value in lines if value] + ["ER  - "]


def ris(refs: Iterable[Mapping[str, Any]]) -> str:
    """Format ``refs`` as RIS records: ``TY`` first, ``ER`` last, one ``XX  - value`` a line.

    Values are flattened to one line; lines end with "\\n" and records follow each other with
    no blank line. A PMID is written ``DB  - PubMed`` + ``AN  - <pmid>``, a PMCID ``C2``.
    """
    return "".join(line + "\n" for ref in refs for line in _ris_record(ref))


# --- CSL-JSON -----------------------------------------------------------------------------------

# The CSL 1.0.2 data schema (csl-data.json): item types and variables by kind. This is the one
# list of them: the data checks (compiler.py) take theirs from here.
# fmt: off
CSL_TYPES = frozenset({
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book",
    "broadcast", "chapter", "classic", "collection", "dataset", "document", "entry",
    "entry-dictionary", "entry-encyclopedia", "event", "figure", "graphic", "hearing", "interview",
    "legal_case", "legislation", "manuscript", "map", "motion_picture", "musical_score",
    "pamphlet", "paper-conference", "patent", "performance", "periodical",
    "personal_communication", "post", "post-weblog", "regulation", "report", "review",
    "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage"
})
CSL_NAME_VARS = frozenset({
    "author", "chair", "collection-editor", "compiler", "composer", "container-author",
    "contributor", "curator", "director", "editor", "editorial-director", "executive-producer",
    "guest", "host", "interviewer", "illustrator", "narrator", "organizer", "original-author",
    "performer", "producer", "recipient", "reviewed-author", "script-writer", "series-creator",
    "translator"
})
CSL_DATE_VARS = frozenset({
    "accessed", "available-date", "event-date", "issued", "original-date", "submitted"
})
CSL_NUMBER_VARS = frozenset({
    "chapter-number", "citation-number", "collection-number", "edition",
    "first-reference-note-number", "issue", "locator", "number", "number-of-pages",
    "number-of-volumes", "page", "page-first", "part", "printing", "supplement", "volume"
})
CSL_STRING_VARS = frozenset({
    "citation-key", "language", "journalAbbreviation", "shortTitle", "abstract", "annote",
    "archive", "archive_collection", "archive_location", "archive-place", "authority",
    "call-number", "citation-label", "collection-title", "container-title",
    "container-title-short", "dimensions", "division", "DOI", "event", "event-title",
    "event-place", "genre", "ISBN", "ISSN", "jurisdiction", "keyword", "medium", "note",
    "original-publisher", "original-publisher-place", "original-title", "part-title", "PMCID",
    "PMID", "publisher", "publisher-place", "references", "reviewed-genre", "reviewed-title",
    "scale", "section", "source", "status", "title", "title-short", "URL", "version",
    "volume-title", "volume-title-short", "year-suffix"
})
CSL_NAME_KEYS = frozenset({
    "family", "given", "dropping-particle", "non-dropping-particle", "suffix", "literal"
})
# fmt: on
_CSL_NAME_FLAGS = frozenset({"comma-suffix", "static-ordering", "parse-names"})


def _clean_str(value: str) -> str:
    return "".join(ch for ch in value if not "\ud800" <= ch <= "\udfff")


def _number(value: object) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value if isinstance(value, int) or math.isfinite(value) else None


def _scalar(value: object, *, numbers: bool, flags: bool = False) -> str | int | float | None:
    if isinstance(value, str):
        return _clean_str(value)
    if flags and isinstance(value, bool):
        return value
    number = _number(value)
    if number is None:
        return None
    return number if numbers else _text(number)


def _json_safe(value: object) -> Any:
    """A copy built only of dict/list/str/finite numbers/bool/None."""
    if isinstance(value, Mapping):
        return {_clean_str(str(k)): _json_safe(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, (str, bool)):
        return _clean_str(value) if isinstance(value, str) else value
    number = _number(value)
    return number if number is not None else _clean_str(str(value))


def _csl_name(name: object) -> dict[str, Any] | None:
    if not isinstance(name, Mapping):
        return None
    out: dict[str, Any] = {}
    for key, value in name.items():
        if key in CSL_NAME_KEYS and isinstance(value, str):
            out[key] = _clean_str(value)
        elif key in _CSL_NAME_FLAGS:
            flag = _scalar(value, numbers=True, flags=True)
            if flag is not None:
                out[key] = flag
    return out or None


def _csl_date(value: object) -> str | dict[str, Any] | None:
    if isinstance(value, str):
        return _clean_str(value)
    if not isinstance(value, Mapping):
        return None
    out: dict[str, Any] = {}
    parts = value.get("date-parts")
    if isinstance(parts, Sequence) and not isinstance(parts, (str, bytes)):
        rows = []
        for row in list(parts)[:2]:
            if not isinstance(row, Sequence) or isinstance(row, (str, bytes)):
                break
            cells = [_scalar(cell, numbers=True) for cell in list(row)[:3]]
            if not cells or None in cells:
                break
            rows.append(cells)
        if rows:
            out["date-parts"] = rows
    for key in ("season", "circa", "literal", "raw", "edtf"):
        if key in value:
            cell = _scalar(value[key], numbers=key != "literal", flags=key == "circa")
            if key in ("raw", "edtf") and not isinstance(cell, str):
                cell = None
            if cell is not None:
                out[key] = cell
    return out or None


def _csl_item(ref: Mapping[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for key, value in ref.items():
        new: Any = None
        if key == "type":
            new = value if isinstance(value, str) and value in CSL_TYPES else "document"
        elif key == "id":
            new = _scalar(value, numbers=True)
            new = _clean_str(str(value)) if new is None else new
        elif key in CSL_NAME_VARS:
            if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
                new = [n for n in map(_csl_name, value) if n is not None]
        elif key in CSL_DATE_VARS:
            new = _csl_date(value)
        elif key in CSL_NUMBER_VARS or key in CSL_STRING_VARS:
            new = _scalar(value, numbers=key in CSL_NUMBER_VARS)
        elif key == "categories":
            if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
                new = [_clean_str(v) for v in value if isinstance(v, str)]
        elif key == "custom" and isinstance(value, Mapping):
            new = _json_safe(value)
        if new is not None:
            item[key] = new
    return item


def csl_json(refs: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Return ``refs`` as CSL-JSON items valid against the CSL 1.0.2 data schema.

    Each item is a new dict in the input's key order, holding only keys the schema knows plus
    ``custom``; values of the wrong shape are dropped, an unknown ``type`` becomes "document",
    and everything left is JSON-serialisable (no NaN, no lone surrogates). ``id``, ``type`` and
    ``title`` of a valid reference always survive.
    """
    return [_csl_item(ref) for ref in refs]
