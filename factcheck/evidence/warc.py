"""Snapshot files: one standard WARC file per capture (gzip, one warcinfo, one request
and one response record, each with its block and payload digests), named by the sha256
of its bytes.

Written to a temporary file in the evidence folder and renamed only when complete, so a
half-written snapshot never has a name a claim could record; every file is opened
relative to the folder's own descriptor with ``O_NOFOLLOW``, so nothing is written or
read through a symbolic link. The response keeps the body as received, without its
transfer coding (the ``Content-Length`` is the body's) and without the cookies the site
set; the request is the one sent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import io
import os
import stat

import attrs

from factcheck.evidence.folder import EvidenceFolder
from factcheck.netpolicy import Response, parse_target, request_head

#: The largest snapshot file read back (a page is capped when fetched; this bounds a file
#: someone else put there).
MAX_FILE_BYTES = 256 * 1024 * 1024
SUFFIX = ".warc.gz"
#: Response headers not kept: the transfer coding is undone and the length is the body's;
#: a cookie the site sets is the fetcher's session, not the page's content.
_NOT_KEPT = ("transfer-encoding", "content-length", "set-cookie")
_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


@attrs.frozen
class Written:
    """A snapshot file in the evidence folder: its path (relative to the repository root) and sha256."""

    path: str
    sha256: str
    size: int


@attrs.frozen
class SnapshotFailure:
    """Why a snapshot cannot be read. ``kind``: ``missing``, ``not-a-file``, ``tampered``,
    ``malformed`` (not a WARC with a response) or ``unreadable``."""

    kind: str
    reason: str


def _open_folder(folder: EvidenceFolder, create: bool) -> int:
    """A descriptor of the evidence folder, made if asked; refused if it is a link or leads out."""
    if create:
        os.makedirs(folder.path, exist_ok=True)
    fd = os.open(folder.path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    real = os.path.realpath(folder.path)
    if real != folder.path or not real.startswith(folder.repo_root.rstrip(os.sep) + os.sep):
        os.close(fd)
        raise OSError(f"the evidence folder {folder.relative} leads out of the repository")
    return fd


def warc_bytes(response: Response, request_headers: tuple[tuple[str, str], ...], captured: dt.datetime) -> bytes:
    """The WARC file of one response (and the request that asked for it), gzipped record by record."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    date = captured.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    info = writer.create_warcinfo_record("snapshot" + SUFFIX, {"software": "factcheck archive", "format": "WARC File Format 1.1"})
    info.rec_headers.replace_header("WARC-Date", date)
    writer.write_record(info)
    kept = [(name, value) for name, value in response.headers if name not in _NOT_KEPT]
    http = StatusAndHeaders(f"{response.status} {response.reason}".strip(), [*kept, ("content-length", str(len(response.body)))], protocol="HTTP/1.1")
    record = writer.create_warc_record(response.url, "response", payload=io.BytesIO(response.body), http_headers=http,
                                       warc_headers_dict={"WARC-Date": date})
    target = parse_target(response.url)
    head = request_head(target, "GET", request_headers) if not isinstance(target, str) else b"GET / HTTP/1.1\r\n\r\n"
    lines = head.decode("ascii").split("\r\n")
    pairs = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:] if ":" in line]
    sent = StatusAndHeaders(lines[0], pairs, is_http_request=True)
    asked = writer.create_warc_record(response.url, "request", payload=io.BytesIO(b""), http_headers=sent, warc_headers_dict={"WARC-Date": date})
    writer.write_request_response_pair(asked, record)
    return out.getvalue()


def write_warc(folder: EvidenceFolder, response: Response, request_headers: tuple[tuple[str, str], ...], captured: dt.datetime) -> Written:
    """Write the WARC file of ``response`` into the evidence folder as ``<sha256>.warc.gz``.

    A temporary file (``O_EXCL``, no link followed) is written and synced, then renamed:
    another run writing the same name at once writes the same bytes. Raises OSError.
    """
    data = warc_bytes(response, request_headers, captured)
    sha = hashlib.sha256(data).hexdigest()
    name = sha + SUFFIX
    dir_fd = _open_folder(folder, create=True)
    try:
        tmp = f".{sha[:16]}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o644, dir_fd=dir_fd)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.rename(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=dir_fd)
            raise
        with contextlib.suppress(OSError):
            os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return Written(f"{folder.relative}/{name}", sha, len(data))


def read_file(repo_root: str, relative: str, limit: int = MAX_FILE_BYTES) -> bytes | SnapshotFailure:
    """The bytes of a snapshot file (``relative`` to the repository root), never through a
    link that leads out of the repository, a FIFO or a device."""
    root = os.path.realpath(repo_root)
    path = os.path.join(root, *relative.split("/"))
    real = os.path.realpath(path)
    if real != path or not real.startswith(root.rstrip(os.sep) + os.sep):
        return SnapshotFailure("not-a-file", f"{relative} is a symbolic link or passes through one; never read")
    try:
        fd = os.open(path, _FLAGS)
    except FileNotFoundError:
        return SnapshotFailure("missing", f"{relative} is not there")
    except OSError as exc:
        return SnapshotFailure("not-a-file" if exc.errno in (errno.ELOOP, errno.ENOTDIR) else "unreadable", f"cannot read {relative}: {exc.strerror}")
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(handle.fileno())
        if not stat.S_ISREG(st.st_mode):
            return SnapshotFailure("not-a-file", f"{relative} is not a regular file")
        if st.st_size > limit:
            return SnapshotFailure("unreadable", f"{relative} is larger than {limit} bytes")
        return handle.read(limit + 1)


def read_warc(data: bytes) -> Response | SnapshotFailure:
    """The response record of a WARC file's bytes (status, final URL, headers, body)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        for record in ArchiveIterator(io.BytesIO(data), check_digests=True):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            body = record.content_stream().read()
            status = int(record.http_headers.get_statuscode() or 0)
            reason = record.http_headers.statusline.partition(" ")[2]
            headers = tuple((name.lower(), value) for name, value in record.http_headers.headers)
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            return Response(status, reason, url, headers, body, len(body))
    except (ArchiveLoadFailed, ValueError, OSError, EOFError) as exc:
        return SnapshotFailure("malformed", f"not a readable WARC file: {type(exc).__name__}")
    return SnapshotFailure("malformed", "the WARC file holds no response record")
