"""Reading user files with named errors and writing files safely (temporary name, renamed into place).

Text is read as UTF-8 (saying so when a file is GB18030/GBK); CSV tables get named errors.

Writing: :func:`replacing` writes one file to a hidden temporary name beside
it, flushes it to disk (``fsync``), renames it into place and flushes the
folder, so a crash or a full disk never leaves a torn file. :func:`staged_set`
writes a *set* of files (a map set and its index) as a unit: every file goes
into a hidden stage folder inside the target folder first, and only when all
are written are they renamed in, each target checked for ownership again
just before its rename; an interrupted run leaves the previous set intact,
and its stage is removed (or, when it was killed while renaming, completed)
by the next run.
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import secrets
import shutil
import signal
import stat
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .errors import DataError

if TYPE_CHECKING:
    import geopandas as gpd

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = [
    "FORMATS",
    "Stage",
    "clean_stale",
    "local_file",
    "read_csv",
    "read_text",
    "read_toml",
    "read_vector",
    "refuse_foreign",
    "replacing",
    "staged_set",
    "write_text",
]


def _encoding_hint(raw: bytes) -> str:
    for name in ("gb18030", "big5"):
        try:
            raw.decode(name)
        except UnicodeDecodeError:
            continue
        return f"it decodes as {name.upper()}: save it as UTF-8"
    return "save it as UTF-8"


FORMATS: dict[str, tuple[str, ...]] = {
    "vector": ("GeoJSON", "GeoPackage", "shapefile"),
    "raster": ("GeoTIFF",),
    "osm": ("OSM XML", "OSM PBF", "bzip2", "gzip"),
    "text": ("text", "GeoJSON"),
}
"""The file formats each kind of user file may have, recognised by content (not by name).

A units file is GeoJSON, a GeoPackage or a shapefile; a population raster a
GeoTIFF; an OSM extract OSM XML or PBF (bzip2/gzip compressed XML too); a
spec, scenario or table plain text. Anything else — in particular a GDAL
virtual dataset (VRT), which can make GDAL read other files or fetch a URL —
is refused before any reader opens it."""

_VSI = re.compile(r"(^|[/\\])vsi[a-z0-9_]*([/\\]|$)|://|^[A-Za-z][A-Za-z0-9_+.-]+:", re.IGNORECASE)
_GPKG_IDS = (b"GPKG", b"GP10", b"GP11")


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\x27\x0a", "shapefile"),
    (b"II*\x00", "GeoTIFF"),
    (b"MM\x00*", "GeoTIFF"),
    (b"II+\x00", "GeoTIFF"),  # BigTIFF
    (b"MM\x00+", "GeoTIFF"),
    (b"BZh", "bzip2"),
    (b"\x1f\x8b", "gzip"),
)
"""The signatures a file begins with."""


def _content_format(head: bytes) -> str:
    """What the first bytes of a file say it is (one of the names in :data:`FORMATS`, or a description)."""
    if head.startswith(b"SQLite format 3\x00"):
        return "GeoPackage" if head[68:72] in _GPKG_IDS else "SQLite database (not a GeoPackage)"
    found = next((name for magic, name in _MAGIC if head.startswith(magic)), None)
    if found is None and head[4:40].find(b"OSMHeader") >= 0:
        found = "OSM PBF"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if found is None and text.startswith(b"<"):
        low = head.lower()
        vrt = b"<ogrvrtdatasource" in low or b"<vrtdataset" in low
        found = "GDAL virtual dataset (VRT)" if vrt else ("OSM XML" if b"<osm" in low else "XML")
    if found is None:
        found = "GeoJSON" if text.startswith(b"{") else ("binary" if b"\x00" in head else "text")
    return found


def local_file(path: str | os.PathLike[str], what: str, *, kind: str) -> Path:
    """``path`` if it is a local regular file whose content is a format of ``kind``, else a named :class:`DataError`.

    The one gate every user file passes before a reader (GDAL, rasterio,
    osmium, pandas) opens it: GDAL virtual and network paths (``/vsicurl/``,
    ``/vsizip/``, any ``/vsi*`` part, ``http://``, ``PG:``) are refused, only
    regular files are read (a FIFO, device, socket or folder is refused at
    once, never opened: a FIFO would block forever), and the content must be
    one of :data:`FORMATS` ``[kind]`` — a VRT named ``units.geojson`` is
    refused, so GDAL never sees it.

    Parameters
    ----------
    path : path-like
    what : str
        What the file is, for messages ("units file").
    kind : {"vector", "raster", "osm", "text"}

    Returns
    -------
    pathlib.Path

    Raises
    ------
    DataError
        Naming the file and what is wrong.

    Examples
    --------
    >>> local_file("/vsicurl/http://example.com/u.geojson", "units file", kind="vector")
    Traceback (most recent call last):
    ...
    linyi_spatial.errors.DataError: the units file is a GDAL virtual or network path (...); give a local file in ...
    """
    text = os.fspath(path)
    if _VSI.search(text) and not (len(text) > 2 and text[1] == ":" and text[2] in "/\\"):  # C:\\... is a path
        raise DataError(f"the {what} is a GDAL virtual or network path ({text[:60]!r}); give a local file", source=text)
    p = Path(text)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise DataError(f"{what if what.endswith('file') else what + ' file'} not found", source=p) from None
    except OSError as exc:
        raise DataError(f"cannot read the {what}: {exc.strerror}", source=p) from None
    if stat.S_ISDIR(st.st_mode):
        raise DataError(f"the {what} path is a folder, not a file", source=p)
    if not stat.S_ISREG(st.st_mode):
        kind_of = "a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else "a device or socket"
        raise DataError(f"the {what} is {kind_of}, not a regular file; give a file on disk", source=p)
    try:
        with p.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise DataError(f"cannot read the {what}: {exc.strerror}", source=p) from None
    found = _content_format(head)
    allowed = FORMATS[kind]
    if found not in allowed and not (kind == "text" and found == "binary"):  # binary text: read_text names the NUL
        names = f"{', '.join(allowed[:-1])} or {allowed[-1]}" if len(allowed) > 1 else allowed[0]
        raise DataError(f"the {what} is not {names}: its content reads as {found}", source=p)
    return p


def read_vector(path: str | os.PathLike[str], what: str, **kwargs: object) -> gpd.GeoDataFrame:
    """A local GeoJSON, GeoPackage or shapefile as a GeoDataFrame, through :func:`local_file` first.

    Parameters
    ----------
    path : path-like
    what : str
        What the file is, for messages.
    **kwargs
        Passed to :func:`geopandas.read_file` (e.g. ``layer=``).

    Returns
    -------
    geopandas.GeoDataFrame

    Raises
    ------
    DataError
        As :func:`local_file`, or when the reader fails (naming the file).
    """
    import geopandas as gpd

    p = local_file(path, what, kind="vector")
    try:
        return gpd.read_file(p, **kwargs)
    except Exception as exc:  # any reader failure is reported with the file name
        raise DataError(f"cannot read the {what}: {exc}", source=p) from None


MAX_TEXT_BYTES = 256 * 2**20
"""Largest text file read (a table, a spec): 256 MiB; a device such as ``/dev/zero`` is refused, not read forever."""

MAX_SPEC_BYTES = 4 * 2**20
"""Largest spec or scenario file (TOML) read: 4 MiB (Linyi's spec is 20 kB)."""

MAX_TOML_DEPTH = 32
"""Deepest nesting of arrays, inline tables and dotted keys a TOML file may have (Linyi's spec: 3)."""


def read_text(path: str | os.PathLike[str], what: str, *, max_bytes: int = MAX_TEXT_BYTES) -> str:
    """The text of a UTF-8 file, or a :class:`DataError` naming the file and what is wrong.

    Parameters
    ----------
    path : path-like
    what : str
        What the file is, for messages ("spec", "nodes table").
    max_bytes : int, default :data:`MAX_TEXT_BYTES`
        Larger files (and endless ones, such as ``/dev/zero``) are refused
        after reading this much.

    Returns
    -------
    str

    Raises
    ------
    DataError
        Missing file, a folder, unreadable, larger than ``max_bytes``, a
        NUL byte (a binary file), or not UTF-8 (naming the encoding it does
        decode as, e.g. GB18030, common for Chinese files).

    Examples
    --------
    >>> read_text("no/such/file.toml", "spec")
    Traceback (most recent call last):
    ...
    linyi_spatial.errors.DataError: spec file not found in no/such/file.toml
    """
    p = local_file(path, what, kind="text")
    try:
        with p.open("rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise DataError(f"cannot read the {what}: {exc.strerror}", source=p) from None
    if len(raw) > max_bytes:
        raise DataError(f"the {what} is larger than {max_bytes / 2**20:g} MiB; is it the right file?", source=p)
    if b"\x00" in raw:
        at = raw.index(b"\x00")
        raise DataError(f"the {what} holds a NUL byte at position {at}: a binary file, not text", source=p)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"the {what} is not UTF-8 (tried UTF-8; byte {raw[exc.start]:#04x} at position {exc.start}); "
            + _encoding_hint(raw),
            source=p,
        ) from None


def _toml_depth(text: str) -> int:
    """The deepest nesting of ``[``/``{`` and dotted-key parts in TOML text, strings and comments skipped."""
    depth = deepest = i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else c
            i += len(quote)
            while i < n and text[i : i + len(quote)] != quote:
                i += 2 if (quote[0] == '"' and text[i] == "\\") else 1
            i += len(quote)
            continue
        if c == "#":
            while i < n and text[i] != "\n":
                i += 1
            continue
        if c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth = max(depth - 1, 0)
        i += 1
    dotted = max((line.split("=")[0].count(".") for line in text.splitlines() if "=" in line), default=0)
    return max(deepest, dotted + 1)


def read_toml(path: str | os.PathLike[str], what: str) -> dict[str, object]:
    """A TOML file (spec, scenario) as a dict, with size and nesting limits and named errors.

    Parameters
    ----------
    path : path-like
    what : str
        What the file is, for messages ("spec", "scenario").

    Returns
    -------
    dict

    Raises
    ------
    DataError
        As :func:`read_text` (at most :data:`MAX_SPEC_BYTES`), invalid TOML
        (with the line), or nesting deeper than :data:`MAX_TOML_DEPTH`.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "deep.toml"
    >>> _ = p.write_text("a = " + "[" * 100 + "]" * 100, encoding="utf-8")
    >>> read_toml(p, "spec")
    Traceback (most recent call last):
    ...
    linyi_spatial.errors.DataError: the spec nests 100 levels deep (at most 32) in ...
    """
    text = read_text(path, what, max_bytes=MAX_SPEC_BYTES)
    depth = _toml_depth(text)
    if depth > MAX_TOML_DEPTH:
        raise DataError(f"the {what} nests {depth} levels deep (at most {MAX_TOML_DEPTH})", source=path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"invalid TOML: {exc}", source=path) from None
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise DataError(f"the {what} nests too deeply", source=path) from None


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


def _fsync(path: Path) -> None:
    """Flush a written file to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (renames, removals) to disk; a no-op where folders cannot be opened (Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - file systems that refuse fsync on folders
        pass
    finally:
        os.close(fd)


def _disk_error(exc: OSError, path: Path) -> DataError:
    """A named error for a failed write (full disk, quota, read-only folder, ...)."""
    reason = exc.strerror or type(exc).__name__
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        reason = "the disk is full"
    return DataError(f"cannot write {path}: {reason}")


_TMP_NAME = re.compile(r"^\.(?P<stem>.+)\.(?P<pid>\d+)-[0-9a-f]{8}\.tmp(?P<suffix>\.[^.]*)?$")


@contextmanager
def replacing(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place on success, remove it on failure.

    The temporary name is hidden, unique and keeps the suffix (drivers that
    go by it, e.g. GeoPackage, still work), so a failed or interrupted write
    never leaves a truncated ``path`` nor touches the file it replaces. The
    file is flushed to disk before the rename and the folder after it. An
    ``OSError`` of the write (a full disk, a read-only folder) becomes a
    :class:`~linyi_spatial.errors.DataError` naming the file.

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
        try:
            yield tmp
            _fsync(tmp)
            os.replace(tmp, out)
        except OSError as exc:
            raise _disk_error(exc, out) from None
        _fsync_dir(out.parent)
    finally:
        tmp.unlink(missing_ok=True)


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` as UTF-8 through :func:`replacing`; returns the path."""
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


STAGE_PREFIX = ".linyi_spatial-stage-"
"""Name prefix of the hidden folder a file set is staged in (followed by ``<pid>-<hex>``)."""

_JOURNAL = "commit.json"


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (on this machine)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process, or a platform that cannot tell: leave its files alone
    return True


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGTERM, SIGINT and SIGHUP while a set is renamed in (delivered right after); POSIX main thread only."""
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP}
    old = mask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, old)


class Stage:
    """The hidden folder a file set is written into before :func:`staged_set` renames it in.

    Parameters
    ----------
    folder : pathlib.Path
        The target folder.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.root = folder / f"{STAGE_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        self.names: list[str] = []

    def path(self, name: str) -> Path:
        """Where to write the set's file ``name`` (renamed to ``folder / name`` on commit; in order of first call).

        Parameters
        ----------
        name : str
            A file name (no folders).

        Returns
        -------
        pathlib.Path
        """
        if Path(name).name != name or name in ("", ".", ".."):
            raise DataError(f"a staged file needs a plain file name, got {name!r}")
        if name not in self.names:
            self.names.append(name)
        return self.root / name


def refuse_foreign(targets: Sequence[Path], owned: Callable[[Path], bool], overwrite: bool = False) -> None:
    """Raise one :class:`DataError` naming every existing target that ``owned`` does not recognise.

    Parameters
    ----------
    targets : sequence of pathlib.Path
    owned : callable
        Whether the library wrote a file.
    overwrite : bool, default False
        Refuse nothing.

    Raises
    ------
    DataError
        Naming the files and how to proceed.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "mine.html"
    >>> _ = p.write_text("notes", encoding="utf-8")
    >>> refuse_foreign([p], owned=lambda _p: False)
    Traceback (most recent call last):
    ...
    linyi_spatial.errors.DataError: refusing to overwrite file(s) that linyi_spatial did not write: ...
    """
    foreign = [str(p) for p in targets if not overwrite and p.exists() and not owned(p)]
    if foreign:
        raise DataError(
            f"refusing to overwrite file(s) that linyi_spatial did not write: {foreign}; "
            "choose another --out folder, move them, or pass --overwrite"
        )


def _place(src: Path, dst: Path, owned: Callable[[Path], bool], overwrite: bool) -> None:
    """Rename ``src`` to ``dst``, checking ``dst`` just before; a new target is linked, so one that appears is seen."""
    if not dst.exists():
        try:
            os.link(src, dst)  # fails if a file appeared at dst since the check
        except FileExistsError:
            pass
        except OSError:  # no hard links here (some file systems): a plain rename
            os.replace(src, dst)
            return
        else:
            src.unlink()
            return
    if dst.is_dir() or dst.is_symlink():
        raise DataError(f"cannot write {dst}: a folder or link stands there")
    refuse_foreign([dst], owned, overwrite)
    os.replace(src, dst)


def _commit(stage: Stage, owned: Callable[[Path], bool], overwrite: bool, retire: Sequence[str]) -> None:
    """Rename every staged file into place (backing up the files it replaces; rolled back on a refusal)."""
    folder, names = stage.folder, list(stage.names)
    refuse_foreign([folder / n for n in names], owned, overwrite)
    for name in names:
        _fsync(stage.root / name)
    retire_now = [n for n in retire if n not in names and (folder / n).is_file() and owned(folder / n)]
    journal = stage.root / _JOURNAL
    journal.write_text(json.dumps({"names": names, "retire": retire_now}), encoding="utf-8")
    _fsync(journal)
    _fsync_dir(stage.root)
    backup = stage.root / ".replaced"
    backup.mkdir()
    placed: list[str] = []
    with _signals_deferred():
        try:
            for name in names:
                target = folder / name
                if target.is_file():
                    try:
                        os.link(target, backup / name)
                    except OSError:
                        shutil.copy2(target, backup / name)
                _place(stage.root / name, target, owned, overwrite)
                placed.append(name)
        except BaseException:
            for name in placed:  # put the previous set back
                saved = backup / name
                if saved.exists():
                    os.replace(saved, folder / name)
                else:
                    (folder / name).unlink(missing_ok=True)
            raise
        for name in retire_now:
            (folder / name).unlink(missing_ok=True)
        _fsync_dir(folder)


def clean_stale(folder: Path, owned: Callable[[Path], bool]) -> list[Path]:
    """Finish or remove what killed runs left in ``folder``; return what was removed.

    A stage whose process is gone is removed; one killed while renaming in
    (it has a journal) is completed first, so the folder holds one whole
    set. Hidden temporary files of :func:`replacing` whose process is gone
    are removed. Nothing of a running process and no other file is touched.

    Parameters
    ----------
    folder : pathlib.Path
    owned : callable
        Whether a file in ``folder`` was written by the library.

    Returns
    -------
    list of pathlib.Path
    """
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for entry in sorted(folder.iterdir()):
        if entry.is_symlink():
            continue
        if entry.is_dir() and entry.name.startswith(STAGE_PREFIX):
            pid = entry.name[len(STAGE_PREFIX) :].split("-")[0]
            if not pid.isdigit() or _alive(int(pid)):
                continue
            _roll_forward(entry, folder, owned)
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
        elif entry.is_file() and (m := _TMP_NAME.match(entry.name)) and not _alive(int(m["pid"])):
            entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed


def _roll_forward(stage: Path, folder: Path, owned: Callable[[Path], bool]) -> None:
    """Complete the renames of a stage killed while committing (its journal lists them)."""
    try:
        journal = json.loads((stage / _JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # killed before the commit: the previous set is whole
    for name in journal.get("names", []):
        src, dst = stage / str(name), folder / Path(str(name)).name
        if src.is_file() and (not dst.exists() or (dst.is_file() and owned(dst))):
            os.replace(src, dst)
    for name in journal.get("retire", []):
        dst = folder / Path(str(name)).name
        if dst.is_file() and owned(dst):
            dst.unlink()


@contextmanager
def staged_set(
    folder: str | os.PathLike[str],
    *,
    owned: Callable[[Path], bool],
    overwrite: bool = False,
    retire: Sequence[str] = (),
) -> Iterator[Stage]:
    """Write a set of files into ``folder`` as a unit: staged first, renamed in together at the end.

    On entry, what killed runs left in ``folder`` is cleaned up
    (:func:`clean_stale`). Files are written to ``stage.path(name)``; when
    the block ends without error every target is checked again (a file that
    ``owned`` does not recognise is refused unless ``overwrite``), and the
    files are renamed in, in the order they were first asked for, with
    termination signals held. If any target is refused the files already
    renamed are put back. ``retire`` names files of a previous set that this
    one no longer has: they are removed if ``owned``. On an error, nothing
    in ``folder`` changes and the stage is removed.

    Parameters
    ----------
    folder : path-like
        An existing folder.
    owned : callable
        ``owned(path) -> bool``: whether the library wrote that file.
    overwrite : bool, default False
        Also replace files the library did not write.
    retire : sequence of str, optional
        File names of the previous set to remove when this set lacks them.

    Yields
    ------
    Stage

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> with staged_set(out, owned=lambda p: True) as stage:
    ...     _ = stage.path("a.txt").write_text("a", encoding="utf-8")
    ...     _ = stage.path("index.txt").write_text("i", encoding="utf-8")
    >>> sorted(p.name for p in out.iterdir())
    ['a.txt', 'index.txt']
    """
    target = Path(folder)
    clean_stale(target, owned)
    stage = Stage(target)
    try:
        try:
            stage.root.mkdir()
        except OSError as exc:
            raise _disk_error(exc, stage.root) from None
        yield stage
        try:
            _commit(stage, owned, overwrite, retire)
        except OSError as exc:
            raise _disk_error(exc, target) from None
    finally:
        shutil.rmtree(stage.root, ignore_errors=True)
