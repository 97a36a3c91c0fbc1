"""Reading user files with named errors and writing files safely (temporary name, renamed into place).

Text is read as UTF-8 (saying so when a file is GB18030/GBK); CSV tables get named errors.
"""

from __future__ import annotations

import io
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from .errors import DataError

__all__ = ["read_csv", "read_text", "replacing", "write_text"]


def _encoding_hint(raw: bytes) -> str:
    for name in ("gb18030", "big5"):
        try:
            raw.decode(name)
        except UnicodeDecodeError:
            continue
        return f"it decodes as {name.upper()}: save it as UTF-8"
    return "save it as UTF-8"


def read_text(path: str | os.PathLike[str], what: str) -> str:
    """The text of a UTF-8 file, or a :class:`DataError` naming the file and what is wrong.

    Parameters
    ----------
    path : path-like
    what : str
        What the file is, for messages ("spec", "nodes table").

    Returns
    -------
    str

    Raises
    ------
    DataError
        Missing file, a folder, unreadable, or not UTF-8 (naming the
        encoding it does decode as, e.g. GB18030, common for Chinese files).

    Examples
    --------
    >>> read_text("no/such/file.toml", "spec")
    Traceback (most recent call last):
    ...
    linyi_spatial.errors.DataError: spec file not found in no/such/file.toml
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{what} file not found", source=p) from None
    except IsADirectoryError:
        raise DataError(f"the {what} path is a folder, not a file", source=p) from None
    except OSError as exc:
        raise DataError(f"cannot read the {what}: {exc.strerror}", source=p) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"the {what} is not UTF-8 (tried UTF-8; byte {raw[exc.start]:#04x} at position {exc.start}); "
            + _encoding_hint(raw),
            source=p,
        ) from None


def read_csv(path: str | os.PathLike[str], what: str, *, dtype: dict[str, type] | None = None) -> pd.DataFrame:
    """A CSV table read as UTF-8, or a :class:`DataError` naming the file and what is wrong.

    Parameters
    ----------
    path : path-like
    what : str
        What the table is, for messages.
    dtype : dict, optional
        Column types, as in :func:`pandas.read_csv`.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    DataError
        Missing, empty, malformed or non-UTF-8 files.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text(chr(10).join(["id,lon", "a,1.5"]), encoding="utf-8")
    >>> read_csv(p, "places table")["lon"].tolist()
    [1.5]
    """
    text = read_text(path, what)
    if not text.strip():
        raise DataError(f"the {what} is empty", source=path)
    try:
        return pd.read_csv(io.StringIO(text), dtype=dtype)
    except (pd.errors.ParserError, ValueError) as exc:
        raise DataError(f"the {what} is not a readable CSV table: {exc}", source=path) from None


@contextmanager
def replacing(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place on success, remove it on failure.

    The temporary name is hidden, unique and keeps the suffix (drivers that
    go by it, e.g. GeoPackage, still work), so a failed or interrupted write
    never leaves a truncated ``path`` nor touches the file it replaces.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "a.txt"
    >>> with replacing(out) as tmp:
    ...     _ = tmp.write_text("done", encoding="utf-8")
    >>> out.read_text(encoding="utf-8"), sorted(p.name for p in out.parent.iterdir())
    ('done', ['a.txt'])
    """
    out = Path(path)
    tmp = out.with_name(f".{out.stem}.{os.getpid()}-{secrets.token_hex(4)}.tmp{out.suffix}")
    try:
        yield tmp
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` as UTF-8 through :func:`replacing`; returns the path."""
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)
