"""The one folder writer: every folder symbiosis writes is there whole, or not at all.

``write_whole_folder(out_dir, kind, fill)`` checks the target (``check_target``: never
an input, never a folder symbiosis did not write, never a folder of another kind),
lets ``fill`` write every file into a staging folder beside the target, marks it
(``marker``) and puts it in the target's place:

- The staging folder is ``.<name>.<hex>.symbiosis-partial`` beside the target, holding
  ``lock`` (the writer's process id; locked with ``flock`` while the writer lives) and
  ``new`` (the folder being written). A run that fails part way (a full disk, Ctrl-C,
  SIGTERM) removes it; a run that is killed (SIGKILL, a power cut) leaves it, and the
  next run that writes beside it finds it unlocked and removes it (``clean_partials``).
- The swap is one system call where the file system has it (Linux ``renameat2`` with
  ``RENAME_EXCHANGE``): the earlier folder is whole until the new one is. Elsewhere it
  is two renames, the earlier folder moved into the staging folder as ``previous``
  first; if the run is killed between the two, the next run puts ``previous`` back.
- Ctrl-C and SIGTERM are held back during the swap, so it is never left half done by
  them.

A folder may also be written from an earlier one (``base``: the report added to a
result folder): its files are hard links into the staging folder (no disk space, the
originals untouched, since every writer replaces a file rather than rewriting it), and
the swap replaces the whole folder, marker included, in one step.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import signal
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from symbiosis.errors import OutputError
from symbiosis.io.write.marker import KIND_NAMES, MARKER, all_files, foreign_entries, kind_of, write_marker

PARTIAL = ".symbiosis-partial"
_PARTIAL_NAME = re.compile(r"^\..*\.[0-9a-f]{12}" + re.escape(PARTIAL) + "$")
STALE_WITHOUT_LOCK_S = 3600.0  # a staging folder with no lock file (killed as it was made) is stale after this


def _umask() -> int:
    """The process's umask: read from /proc where there is one (Linux), so that it is never changed."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and restore at once
    os.umask(mask)
    return mask


# --------------------------------------------------------------------------- what --out may be


def check_target(out_dir: Path, inputs: Sequence[Path], what: str = "result") -> Path:
    """Refuse a target that is, or would replace, an input, a folder that symbiosis did not write, or a folder of another kind.

    ``what`` is the kind of folder to be written (``marker.KINDS``). A folder is an
    earlier one of that kind only by its marker (kind and the hashes it lists), never
    by file names. Also refused, before any work is done: a path through a file, a
    place that cannot be written, a name too long. Every refusal is an ``OutputError``
    naming the path; returns the resolved target.
    """
    check_out_path(out_dir)
    target = out_dir.resolve()
    for f in inputs:
        f = f.resolve()
        if f.is_relative_to(target):
            raise OutputError(f"output folder '{out_dir}' holds the input '{f.name}'; choose another folder")
    if target.exists():
        if not target.is_dir():
            raise OutputError(f"output path '{out_dir}' exists and is not a folder")
        foreign = foreign_entries(target)
        name = KIND_NAMES.get(what, what).split(" (")[0]
        if foreign:
            shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
            raise OutputError(
                f"output folder '{out_dir}' exists and holds files that are not a symbiosis {name} ({shown}); "
                "choose a new or empty folder"
            )
        found = kind_of(target)
        if found is not None and found != what:
            raise OutputError(
                f"output folder '{out_dir}' holds a symbiosis {KIND_NAMES.get(found, found)}; a {name} does not replace it: "
                "choose another folder (or delete that one first)"
            )
    return target


def check_out_path(out_dir: Path) -> None:
    """Refuse an output path that cannot be made: a parent that is a file, no write permission, a name too long."""
    text = str(out_dir)
    if "\x00" in text:
        raise OutputError(f"output path {text!r} holds a NUL character")
    try:
        target = Path(os.path.abspath(out_dir))
        limit = os.pathconf(_existing(target), "PC_NAME_MAX")
        path_limit = os.pathconf(_existing(target), "PC_PATH_MAX")
    except (OSError, ValueError):
        limit, path_limit = 255, 4096
    for part in target.parts:
        if len(os.fsencode(part)) > limit:
            raise OutputError(f"output path '{out_dir}': the name '{part[:40]}...' is {len(os.fsencode(part))} bytes long; at most {limit} are allowed")
    if len(os.fsencode(str(target))) + 64 > path_limit:
        raise OutputError(f"output path '{out_dir}' is too long ({len(os.fsencode(str(target)))} bytes)")
    parent = target
    while True:
        try:
            exists = parent.exists() or parent.is_symlink()
        except OSError as exc:
            raise OutputError(f"output path '{out_dir}': '{parent}' cannot be reached ({exc.strerror or exc})") from None
        if exists:
            break
        parent = parent.parent
    if parent != target and not parent.is_dir():
        raise OutputError(f"output path '{out_dir}': '{parent}' is a file, not a folder")
    where = parent if parent != target else target.parent
    if parent == target and not target.is_dir():
        return  # an existing file: check_target names it
    if not os.access(where, os.W_OK | os.X_OK):
        raise OutputError(f"output path '{out_dir}': cannot write in '{where}' (permission denied)")


def _existing(path: Path) -> Path:
    """The nearest folder at or above ``path`` that exists."""
    while not path.is_dir() and path != path.parent:
        path = path.parent
    return path


# --------------------------------------------------------------------------- staging


class Stage:
    """A staging folder beside ``target``: ``work`` is written, then ``commit`` puts it in ``target``'s place."""

    def __init__(self, target: Path) -> None:
        self.target = target
        name = f".{target.name[:64]}.{uuid.uuid4().hex[:12]}{PARTIAL}"
        self.root = target.parent / name
        self.work = self.root / "new"
        self._lock: int | None = None
        target.parent.mkdir(parents=True, exist_ok=True)
        self.root.mkdir()
        try:
            self._lock = _hold_lock(self.root / "lock", target.name)
            self.work.mkdir()
        except BaseException:
            self.close()
            raise

    def commit(self, mode: int | None = None) -> None:
        """Put ``work`` in the target's place (see the module docstring); the earlier folder goes with the stage."""
        with _signals_held():
            swap_in(self.work, self.target, self.root / "previous", mode)

    def close(self) -> None:
        """Remove the staging folder (what is left of it) and let go of its lock."""
        shutil.rmtree(self.root, ignore_errors=True)
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None


def swap_in(new: Path, target: Path, previous: Path, mode: int | None = None) -> None:
    """Put the folder ``new`` at ``target``: one exchange where the system has it, else two renames via ``previous``.

    The folder gets ``mode``, by default the permissions of any new folder (0777 less the umask).
    """
    os.chmod(new, 0o777 & ~_umask() if mode is None else mode)
    if not os.path.lexists(target):
        os.rename(new, target)
    elif not _exchange(new, target):
        os.rename(target, previous)
        os.rename(new, target)


def replace_folder(tmp: Path, target: Path) -> None:
    """Put the finished folder ``tmp`` at ``target``, replacing what was there (the earlier one is removed)."""
    old = target.parent / f".{target.name[:64]}.{uuid.uuid4().hex[:12]}.old"
    with _signals_held():
        swap_in(tmp, target, old)
    shutil.rmtree(tmp if tmp.exists() else old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EPERM):
        return False  # a file system without the exchange: two renames instead
    raise OSError(err, os.strerror(err), str(b))


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while a folder is swapped in; they arrive just after."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _hold_lock(path: Path, target_name: str) -> int:
    """Create the lock file of a staging folder and lock it for as long as this process lives."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.write(fd, json.dumps({"target": target_name, "pid": os.getpid()}).encode())
        with contextlib.suppress(ImportError):
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _dead(lock: Path) -> bool:
    """True when no living process holds the lock of a staging folder."""
    try:
        import fcntl
    except ImportError:  # no flock: only an old staging folder is taken for dead
        return time.time() - lock.stat().st_mtime > STALE_WITHOUT_LOCK_S
    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # a living writer holds it
    finally:
        os.close(fd)
    return True


def clean_partials(parent: Path) -> list[str]:
    """Remove the staging folders in ``parent`` that a killed run left; return their names.

    A staging folder whose writer is dead is removed; where it holds ``previous`` (the
    run was killed between the two renames of a swap) and its target is missing, the
    earlier folder is put back first. Staging folders of living writers are left alone.
    """
    cleaned = []
    try:
        entries = [e for e in parent.iterdir() if _PARTIAL_NAME.match(e.name)]
    except OSError:
        return []
    for root in entries:
        try:
            if root.is_symlink() or not root.is_dir():
                continue
            lock = root / "lock"
            if lock.is_file():
                if not _dead(lock):
                    continue
                name = str(json.loads(lock.read_text(encoding="utf-8")).get("target", ""))
                previous = root / "previous"
                if previous.is_dir() and name not in ("", ".", "..") and "/" not in name and not os.path.lexists(parent / name):
                    os.rename(previous, parent / name)
            elif time.time() - root.stat().st_mtime < STALE_WITHOUT_LOCK_S:
                continue
            shutil.rmtree(root, ignore_errors=True)
            cleaned.append(root.name)
        except (OSError, ValueError, AttributeError):
            continue
    return cleaned


# --------------------------------------------------------------------------- the folder writer


def write_whole_folder(out_dir: Path, kind: str | None, fill: Callable[[Path], None], inputs: Sequence[Path] = (), base: Path | None = None) -> Path:
    """Write a folder of ``kind`` whole or not at all: ``fill(folder)`` writes its files; returns the target.

    ``base``: start from a copy of that folder (hard links), as when the report is added
    to a result folder; the caller has checked it, and files its marker did not list
    stay unlisted. ``kind`` None: a folder that is not marked (a generated scenario,
    which is an input); the caller has checked the target. A failure (``OSError``: a
    full disk, no permission) is an ``OutputError`` naming the folder, and the target
    is as it was.
    """
    target = out_dir.resolve()
    clean_partials(target.parent)
    if base is None and kind is not None:
        target = check_target(out_dir, inputs, kind)
    stage: Stage | None = None
    try:
        stage = Stage(target)
        unlisted: set[str] = set()
        if base is not None:
            unlisted = set(foreign_entries(base)) - {MARKER}
            _link_copy(base, stage.work)
        fill(stage.work)
        if kind is not None:
            write_marker(stage.work, [n for n in all_files(stage.work) if n not in unlisted], kind)
        stage.commit(None if base is None else os.stat(base).st_mode & 0o7777)
    except OSError as exc:
        raise OutputError(f"cannot write the output folder '{out_dir}': {exc.strerror or exc}") from None
    finally:
        if stage is not None:
            stage.close()
    return target


def _link_copy(src: Path, dst: Path) -> None:
    """``dst`` (an empty folder) gets the tree of ``src``: files as hard links (copies where links fail), links as links."""
    for entry in src.iterdir():
        to = dst / entry.name
        if entry.is_symlink():
            os.symlink(os.readlink(entry), to)
        elif entry.is_dir():
            to.mkdir()
            _link_copy(entry, to)
        else:
            try:
                os.link(entry, to)
            except OSError:
                shutil.copy2(entry, to)
