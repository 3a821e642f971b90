"""Opening a bundle (a folder or a .zip) and streaming its CSV files.

Nothing is extracted to disk and nothing is read whole into memory: each file is opened as a byte stream with
a hard cap, decoded line by line (so a non-UTF-8 byte is reported with its offset and line) and fed to the csv
module. Zip entries are checked against the size limits from their declared sizes before a byte is
decompressed (zip-bomb guard), and the stream cap catches entries whose declared size lies.

A bundle is only its own regular files: symbolic links (a folder's entries, the bundle folder itself, a zip
entry stored as a link) and devices, pipes or sockets are refused without being opened, so nothing outside
the bundle is ever read or quoted in a report; folder files are opened with O_NOFOLLOW so a link swapped in
after the check is refused too. A bundle with none of the format's files is an error, and so are two zip
entries for the same file (`children.csv` and `sub/children.csv`): which one was meant is not guessed.
"""

from __future__ import annotations

import csv
import io
import os
import stat
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.conf import settings

from .errors import BundleAbort, BundleReport
from .spec import FILENAMES, FILES

BOM = b"\xef\xbb\xbf"
MAX_LINE_BYTES = 4 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
# Tiny entries can compress absurdly well (a header and a few blank lines); the ratio guard only matters
# for entries big enough to hurt.
RATIO_CHECK_MIN_BYTES = 1024 * 1024
# Files a zip tool adds on its own; not part of the bundle, not worth an error.
JUNK_PREFIXES = ("__MACOSX/",)
JUNK_NAMES = (".DS_Store", "Thumbs.db")


class CsvReadError(Exception):
    """A file cannot be read further (bad encoding, malformed CSV, too large)."""

    def __init__(self, line: int | None, reason: str, position: int | None = None):
        super().__init__(reason)
        self.line = line
        self.reason = reason
        self.position = position  # 0-based index of the value at fault, when one is


class _CappedStream(io.RawIOBase):
    """Counts bytes read through it and fails once more than `cap` have come out."""

    def __init__(self, raw: BinaryIO, cap: int, what: str):
        self._raw = raw
        self._cap = cap
        self._what = what
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(len(buffer))
        n = len(data)
        self.count += n
        if self.count > self._cap:
            raise CsvReadError(None, f"{self._what} is larger than the limit of {self._cap:,} bytes")
        buffer[:n] = data
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


@dataclass
class _Entry:
    filename: str  # the bundle file name, e.g. "children.csv"
    path: Path | None = None  # folder bundles
    info: zipfile.ZipInfo | None = None  # zip bundles


class BundleSource:
    """The known CSV files of a bundle, by file name. Problems with the bundle itself (unreadable zip, unknown
    or non-CSV files, size limits, path traversal) go to the report; `files` holds only readable, known ones.
    Use as a context manager."""

    def __init__(self, path: str | Path, report: BundleReport):
        self.path = Path(path)
        self.report = report
        self.files: dict[str, _Entry] = {}
        self._zip: zipfile.ZipFile | None = None
        self.max_bytes: int = settings.BUNDLE_MAX_BYTES
        self.max_entry_bytes: int = settings.BUNDLE_MAX_ENTRY_BYTES
        self._open()

    # -- discovery ---------------------------------------------------------------------------------------

    def _open(self) -> None:
        if self.path.is_symlink():
            self._fail(f"{self.path} is a symbolic link; give the bundle's real folder or .zip file")
        if not self.path.exists():
            self._fail(f"{self.path} does not exist")
        if self.path.is_dir():
            self._open_folder()
        elif self.path.suffix.lower() == ".zip":
            self._open_zip()
        else:
            self._fail(f"{self.path.name} is neither a folder nor a .zip file")
        if not self.files and self.report.ok:
            self._fail(
                "empty bundle: it holds none of the bundle's files ("
                + ", ".join(f.filename for f in FILES)
                + "); nothing to import"
            )

    def _fail(self, reason: str) -> None:
        self.report.add("", None, "", "", reason)
        raise BundleAbort(reason)

    def _open_folder(self) -> None:
        children = [p for p in sorted(self.path.iterdir()) if not self._is_junk(p.name)]
        # A folder holding just one folder (e.g. an unzipped bundle) means that folder.
        if len(children) == 1 and not children[0].is_symlink() and children[0].is_dir():
            children = [p for p in sorted(children[0].iterdir()) if not self._is_junk(p.name)]
        total = 0
        for p in children:
            # lstat: a symbolic link is judged as the link, never by what it points at.
            mode = p.lstat().st_mode
            if stat.S_ISLNK(mode):
                self.report.add(
                    p.name,
                    None,
                    "",
                    "",
                    "symbolic link in the bundle; refused (a bundle holds only its own files)",
                )
                continue
            if stat.S_ISDIR(mode):
                self.report.add(p.name, None, "", "", "unexpected folder in the bundle")
                continue
            if not stat.S_ISREG(mode):
                self.report.add(
                    p.name, None, "", "", "not a regular file (a device, pipe or socket); refused"
                )
                continue
            size = p.lstat().st_size
            total += size
            if size > self.max_entry_bytes:
                self.report.add(
                    p.name,
                    None,
                    "",
                    "",
                    f"file is {size:,} bytes, over the limit of "
                    f"{self.max_entry_bytes:,} (BUNDLE_MAX_ENTRY_BYTES)",
                )
                continue
            if self._accept_name(p.name):
                self.files[p.name] = _Entry(p.name, path=p)
        if total > self.max_bytes:
            self._fail(
                f"the bundle is {total:,} bytes, over the limit of {self.max_bytes:,} (BUNDLE_MAX_BYTES)"
            )

    def _open_zip(self) -> None:
        size = self.path.stat().st_size
        if size > self.max_bytes:
            self._fail(
                f"{self.path.name} is {size:,} bytes, over the limit of {self.max_bytes:,} (BUNDLE_MAX_BYTES)"
            )
        try:
            self._zip = zipfile.ZipFile(self.path)
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
            self._fail(f"{self.path.name} is not a readable zip file (truncated or corrupt?): {e}")
        entries: list[tuple[str, zipfile.ZipInfo]] = []
        for info in infos:
            name = info.filename.replace("\\", "/")
            if info.is_dir() or self._is_junk(name):
                continue
            parts = PurePosixPath(name).parts
            if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
                self.report.add(name, None, "", "", "unsafe path in zip (absolute or with '..'); refused")
                continue
            if stat.S_ISLNK(info.external_attr >> 16):
                self.report.add(
                    name,
                    None,
                    "",
                    "",
                    "symbolic link in the zip; refused (a bundle holds only its own files)",
                )
                continue
            entries.append((name, info))
        # Ignore one top-level folder wrapping every file ("bundle/children.csv").
        tops = {PurePosixPath(n).parts[0] for n, _ in entries if len(PurePosixPath(n).parts) > 1}
        if len(tops) == 1 and all(len(PurePosixPath(n).parts) == 2 for n, _ in entries):
            entries = [(PurePosixPath(n).parts[1], i) for n, i in entries]
        entries = self._without_duplicates(entries)
        total = 0
        for name, info in entries:
            if "/" in name:
                self.report.add(
                    name, None, "", "", "unexpected folder in the zip; files must be at the top level"
                )
                continue
            total += info.file_size
            if info.flag_bits & 0x1:
                self.report.add(name, None, "", "", "encrypted zip entries are not supported")
                continue
            if info.file_size > self.max_entry_bytes:
                self.report.add(
                    name,
                    None,
                    "",
                    "",
                    f"zip entry declares {info.file_size:,} bytes uncompressed, "
                    f"over the limit of {self.max_entry_bytes:,} (BUNDLE_MAX_ENTRY_BYTES); refused",
                )
                continue
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size >= RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
                self.report.add(
                    name,
                    None,
                    "",
                    "",
                    f"zip entry compression ratio {ratio:,.0f}:1 is over "
                    f"{MAX_COMPRESSION_RATIO}:1 (zip bomb?); refused",
                )
                continue
            if self._accept_name(name):
                self.files[name] = _Entry(name, info=info)
        if total > self.max_bytes:
            self._fail(
                f"the zip declares {total:,} bytes uncompressed in all, over the limit of "
                f"{self.max_bytes:,} (BUNDLE_MAX_BYTES); refused"
            )

    def _without_duplicates(
        self, entries: list[tuple[str, zipfile.ZipInfo]]
    ) -> list[tuple[str, zipfile.ZipInfo]]:
        """Entries that are the only one for their file name; two or more for one name are all refused."""
        by_file: dict[str, list[zipfile.ZipInfo]] = {}
        for name, info in entries:
            by_file.setdefault(PurePosixPath(name).name, []).append(info)
        for file, infos in by_file.items():
            if len(infos) > 1:
                listed = ", ".join(repr(i.filename) for i in infos)
                self.report.add(
                    file,
                    None,
                    "",
                    "",
                    f"the zip holds {len(infos)} entries for this file ({listed}); keep only one",
                )
        return [(name, info) for name, info in entries if len(by_file[PurePosixPath(name).name]) == 1]

    @staticmethod
    def _is_junk(name: str) -> bool:
        return name.startswith(JUNK_PREFIXES) or PurePosixPath(name).name in JUNK_NAMES

    def _accept_name(self, name: str) -> bool:
        if not name.lower().endswith(".csv"):
            self.report.add(
                name, None, "", "", "not a CSV file; a bundle holds only the .csv files of the spec"
            )
            return False
        if name not in FILENAMES:
            self.report.add(
                name, None, "", "", "unknown file; expected one of: " + ", ".join(f.filename for f in FILES)
            )
            return False
        return True

    # -- reading -----------------------------------------------------------------------------------------

    @contextmanager
    def open(self, filename: str) -> Iterator[BinaryIO]:
        """A buffered, capped byte stream of one file."""
        entry = self.files[filename]
        raw: BinaryIO
        if entry.path is not None:
            # O_NOFOLLOW: a file replaced by a symbolic link since the folder was listed is refused (ELOOP).
            fd = os.open(entry.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                os.close(fd)
                raise OSError(f"{filename} is no longer a regular file")
            raw = open(fd, "rb")  # noqa: SIM115 - closed below
        else:
            assert self._zip is not None and entry.info is not None
            raw = self._zip.open(entry.info)
        capped = _CappedStream(raw, self.max_entry_bytes, filename)
        stream = io.BufferedReader(capped, buffer_size=256 * 1024)
        try:
            yield stream
        finally:
            stream.close()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> BundleSource:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _decoded_lines(stream: BinaryIO) -> Iterator[str]:
    """UTF-8 lines (BOM dropped). Splitting on b"\\n" never cuts a UTF-8 sequence, so each line decodes on
    its own and a bad byte is located exactly."""
    offset = 0
    line = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES)
        if not raw:
            return
        line += 1
        if len(raw) == MAX_LINE_BYTES and not raw.endswith(b"\n"):
            raise CsvReadError(line, f"line is longer than {MAX_LINE_BYTES:,} bytes")
        start = 0
        if line == 1 and raw.startswith(BOM):
            start = len(BOM)
        try:
            text = raw[start:].decode("utf-8")
        except UnicodeDecodeError as e:
            bad = raw[start + e.start : start + e.start + 1]
            raise CsvReadError(
                line,
                f"not UTF-8 text: byte 0x{bad.hex().upper()} at byte offset {offset + start + e.start} "
                f"(line {line}); save the file as UTF-8",
            ) from None
        offset += len(raw)
        yield text


def read_csv(stream: BinaryIO) -> Iterator[tuple[int, list[str]]]:
    """(line number of the record's first line, values) for every record, the header included. Blank lines
    are skipped. Raises CsvReadError on bad encoding or malformed CSV."""
    reader = csv.reader(_decoded_lines(stream), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise CsvReadError(reader.line_num, f"malformed CSV: {e}") from None
        except (zipfile.BadZipFile, zlib.error, EOFError) as e:
            raise CsvReadError(reader.line_num or None, f"corrupt zip entry: {e}") from None
        if not values or (len(values) == 1 and not values[0].strip()):
            continue
        if any("\x00" in v for v in values):
            # No database text column can hold NUL (PostgreSQL refuses it outright, in the import run's error
            # list too), so it stops the file even in an x_ column or the header.
            position = next(i for i, v in enumerate(values) if "\x00" in v)
            raise CsvReadError(
                start, "contains a NUL (0x00) byte; remove it and export the file again", position
            )
        yield start, values
