"""File storage that never leaves a half-written file.

Django's FileSystemStorage writes straight into the final name, so a full disk in the middle of an upload leaves a
truncated file that looks like a real one. This storage writes to a hidden temporary file beside the target,
flushes it to disk, then links it into place (atomic, never overwriting); on any failure the temporary file is
removed. A full disk or quota becomes `StorageFull` — a DomainError with a Chinese message that forms and the
API show as they are — and, since services save files inside their transaction, no database row is written either.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile

from django.core.files.storage import FileSystemStorage

from devzone.core.errors import StorageFull

FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
MESSAGE = "服务器存储空间不足,文件未保存(未写入任何数据);请联系系统管理员清理磁盘后重试"


def write_chunks(handle, content) -> None:
    """Copy the upload into the open temporary file (a seam the disk-full tests replace)."""
    for chunk in content.chunks():
        handle.write(chunk)


class AtomicFileSystemStorage(FileSystemStorage):
    def _save(self, name: str, content) -> str:
        directory = os.path.dirname(self.path(name))
        try:
            os.makedirs(directory, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=directory, prefix=".upload-", suffix=".part")
        except OSError as exc:
            raise _translate(exc) from exc
        try:
            with os.fdopen(fd, "wb") as handle:
                write_chunks(handle, content)
                handle.flush()
                os.fsync(handle.fileno())
            name = self._link_into_place(temporary, name)
        except OSError as exc:
            raise _translate(exc) from exc
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        if self.file_permissions_mode is not None:
            os.chmod(self.path(name), self.file_permissions_mode)
        return str(name).replace("\\", "/")

    def _link_into_place(self, temporary: str, name: str) -> str:
        while True:
            try:
                os.link(temporary, self.path(name))
                return name
            except FileExistsError:
                name = self.get_available_name(name)


def _translate(exc: OSError) -> Exception:
    return StorageFull(MESSAGE) if exc.errno in FULL_ERRNOS else exc
