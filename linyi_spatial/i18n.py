"""Languages of the library's words: English and Chinese, in one lookup every layer may use.

Every interface string (map titles, legends, layer names, tooltips, result
displays, the CLI's messages) is written in English in the code and passed
through :func:`tr`, which looks it up in :data:`ZH` for ``lang="zh"``.
Coded categories a person reads (road classes, statuses, place kinds, plan
tiers) go through :func:`code`, which looks them up in :data:`CODES_ZH`.
Data values (place names, sources, references) are never translated.

Each module adds the Chinese of its own words with :func:`add_words`, next
to the code that uses them: the presentation layer's words in its own
table (``viz/i18n.py``), the CLI's and the map set's with the command line
tool, the road classes and statuses in :mod:`linyi_spatial.network.build`,
the plan's roles, kinds and provenance in :mod:`linyi_spatial.structure.spec`.

The language of a call is its ``lang`` argument; ``None`` means the session
default, set with :func:`set_lang` (``"en"`` unless changed).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from .errors import OptionError

__all__ = ["CODES_ZH", "LANGS", "ZH", "add_words", "check_lang", "code", "get_lang", "local_name", "set_lang", "tr"]

LANGS = ("en", "zh")
"""Supported interface languages."""

_STATE = {"lang": "en"}

ZH: dict[str, str] = {
    "unreachable": "不可达",
    "yes": "是",
    "no": "否",
}
"""Chinese interface text, keyed by the English text (a template with ``{placeholders}``).

Filled by :func:`add_words` from the modules that use the texts."""

CODES_ZH: dict[str, str] = {}
"""Chinese labels of coded categories; codes not listed show as they are (they are data)."""


def add_words(texts: Mapping[str, str] | None = None, codes: Mapping[str, str] | None = None) -> None:
    """Add the Chinese of a module's interface texts and coded categories to the lookup.

    Parameters
    ----------
    texts : mapping of English text -> Chinese text, optional
        Templates keep their ``{placeholders}``.
    codes : mapping of code -> Chinese label, optional

    Returns
    -------
    None

    Raises
    ------
    ValueError
        If a text or code already has a different translation (two modules
        would otherwise show the same word two ways).

    Examples
    --------
    >>> add_words({"Isochrones from {label}": "{label}等时圈"})
    >>> tr("Isochrones from {label}", "zh", label="临沂")
    '临沂等时圈'
    """
    for table, new in ((ZH, texts or {}), (CODES_ZH, codes or {})):
        clash = {k: (table[k], v) for k, v in new.items() if k in table and table[k] != v}
        if clash:
            raise ValueError(f"conflicting translations (existing, new): {clash}")
        table.update(new)


def set_lang(lang: str) -> None:
    """Set the session's default interface language of maps, result displays and the CLI.

    Parameters
    ----------
    lang : {"en", "zh"}

    Returns
    -------
    None

    Raises
    ------
    OptionError
        For an unknown language.

    Examples
    --------
    >>> set_lang("zh"); get_lang()
    'zh'
    >>> set_lang("en")
    """
    _STATE["lang"] = check_lang(lang)


def get_lang() -> str:
    """The session's default interface language.

    Returns
    -------
    str

    Examples
    --------
    >>> get_lang()
    'en'
    """
    return _STATE["lang"]


def check_lang(lang: str | None) -> str:
    """``lang`` checked (``None``: the session default).

    Parameters
    ----------
    lang : str or None

    Returns
    -------
    str

    Raises
    ------
    OptionError
        Naming the language and the supported ones.

    Examples
    --------
    >>> check_lang(None)
    'en'
    >>> check_lang("fr")
    Traceback (most recent call last):
    ...
    linyi_spatial.errors.OptionError: unknown language 'fr'; expected one of ('en', 'zh')
    """
    if lang is None:
        return _STATE["lang"]
    if lang not in LANGS:
        raise OptionError(f"unknown language {lang!r}; expected one of {LANGS}")
    return lang


def tr(text: str, lang: str, /, **values: object) -> str:
    """Interface text in ``lang``, with ``{placeholders}`` filled from ``values``.

    Parameters
    ----------
    text : str
        The English text (the key of :data:`ZH`).
    lang : {"en", "zh"}
    **values
        Filled into the template (after the lookup, so data never change the key).

    Returns
    -------
    str
        Text not in the table shows in English.

    Examples
    --------
    >>> tr("Isochrones from {label}", "zh", label="临沂")
    '临沂等时圈'
    >>> tr("Isochrones from {label}", "en", label="Linyi")
    'Isochrones from Linyi'
    """
    template = ZH.get(text, text) if lang == "zh" else text
    return template.format(**values) if values else template


def local_name(zh: object, en: object, lang: str) -> str:
    """A place's or element's name in ``lang``, the other language's when it has none there.

    Parameters
    ----------
    zh, en : object
        The Chinese and English names (None, NaN or "" when missing).
    lang : {"en", "zh"}

    Returns
    -------
    str

    Examples
    --------
    >>> local_name("沂水", "Yishui", "zh"), local_name("沂水", "Yishui", "en"), local_name(None, "Yishui", "zh")
    ('沂水', 'Yishui', 'Yishui')
    """
    first, second = (zh, en) if lang == "zh" else (en, zh)
    for name in (first, second):
        if isinstance(name, str) and name:
            return name
    return ""


def code(value: object, lang: str) -> str:
    """A coded category (road class, status, place kind, tier) as people read it in ``lang``.

    Parameters
    ----------
    value : object
    lang : {"en", "zh"}

    Returns
    -------
    str
        In English the code with spaces for underscores; unknown codes as they are.

    Examples
    --------
    >>> code("under_construction", "zh"), code("under_construction", "en"), code("G2", "zh")
    ('在建', 'under construction', 'G2')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value)
    if lang == "zh":
        return CODES_ZH.get(text, text)
    return text.replace("_", " ") if text in CODES_ZH else text
