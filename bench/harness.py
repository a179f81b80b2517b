"""Running one command the way a user would and measuring it: wall time and peak memory.

A command runs with stdout on a pipe or on a pseudo-terminal (so ``isatty()`` is true, as at a
real terminal), stderr on a pipe, a pseudo-terminal or /dev/null. Its output is drained while it
runs, and ``wait4`` gives the child's own peak resident set size (ru_maxrss).

Linux starts a child's ru_maxrss at the RSS of the process it was forked from (a vforked child
inherits the parent's high-water mark at exec). This harness is a ~15 MiB Python process, so a
small child such as ``python -c pass`` would read high. When a C compiler is present, commands
are therefore started by ``spawn.c``, a tiny parent that times the child and reports its rusage;
otherwise the harness waits for the child itself and notes the floor.
"""

from __future__ import annotations

import fcntl
import os
import selectors
import shutil
import struct
import subprocess
import tempfile
import termios
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

PIPE, PTY, DEVNULL = "pipe", "pty", "devnull"


@dataclass
class Run:
    wall: float  # seconds, from spawning to reaping
    maxrss_kib: int  # the child's peak resident set size
    cpu: float  # seconds of CPU (user + system) the child used: steadier than wall on a busy host
    code: int
    out: bytes
    err: bytes


def _endpoint(kind: str, cols: int, rows: int) -> tuple[int | None, int]:
    """(fd the parent reads or None, fd the child writes)."""
    if kind == PTY:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        # raw output: no "\n" -> "\r\n", so what is captured is what the program wrote
        attrs = termios.tcgetattr(slave)
        attrs[1] &= ~termios.OPOST
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
        return master, slave
    if kind == PIPE:
        r, w = os.pipe()
        return r, w
    return None, os.open(os.devnull, os.O_WRONLY)


_SPAWN: list[str | None] = []


def spawner() -> str | None:
    """The compiled ``spawn.c`` (built once per benchmark run), or None without a C compiler."""
    if not _SPAWN:
        cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
        exe: str | None = None
        if cc:
            out = Path(tempfile.mkdtemp(prefix="hf-bench-")) / "spawn"
            src = Path(__file__).with_name("spawn.c")
            done = subprocess.run([cc, "-O2", "-o", str(out), str(src)], capture_output=True)
            exe = str(out) if done.returncode == 0 else None
        _SPAWN.append(exe)
    return _SPAWN[0]


def run(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    stdout: str = PIPE,
    stderr: str = DEVNULL,
    cols: int = 80,
    rows: int = 24,
    cwd: str | None = None,
) -> Run:
    """Run ``argv`` once; wall time covers spawning, running and reaping the process."""
    out_r, out_w = _endpoint(stdout, cols, rows)
    err_r, err_w = _endpoint(stderr, cols, rows)
    chunks: dict[int, list[bytes]] = {}
    sel = selectors.DefaultSelector()
    for fd in (out_r, err_r):
        if fd is not None:
            chunks[fd] = []
            sel.register(fd, selectors.EVENT_READ)
    spawn = spawner()
    res_r = res_w = -1
    cmd = list(argv)
    if spawn:
        res_r, res_w = os.pipe()
        cmd = [spawn, str(res_w), *cmd]
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=out_w,
        stderr=err_w,
        env=dict(env),
        cwd=cwd,
        close_fds=True,
        pass_fds=(res_w,) if spawn else (),
    )
    os.close(out_w)
    os.close(err_w)
    if spawn:
        os.close(res_w)
    open_fds = len(chunks)
    while open_fds:
        for key, _ in sel.select():
            try:
                data = os.read(key.fd, 65536)
            except OSError:  # EIO: the pty's other side is closed
                data = b""
            if data:
                chunks[key.fd].append(data)
            else:
                sel.unregister(key.fd)
                open_fds -= 1
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    maxrss = int(usage.ru_maxrss)
    cpu = usage.ru_utime + usage.ru_stime
    code = proc.returncode
    if spawn:
        with os.fdopen(res_r, "rb") as fh:
            report = fh.read().split()
        if len(report) != 4 or code != 0:
            raise RuntimeError(f"the spawner failed for {argv!r}")
        wall = int(report[0]) / 1e9
        maxrss = int(report[1])
        code = os.waitstatus_to_exitcode(int(report[2]))
        cpu = int(report[3]) / 1e9
    sel.close()
    for fd in chunks:
        os.close(fd)
    return Run(
        wall=wall,
        maxrss_kib=maxrss,
        cpu=cpu,
        code=code,
        out=b"".join(chunks.get(out_r, [])) if out_r is not None else b"",
        err=b"".join(chunks.get(err_r, [])) if err_r is not None else b"",
    )


def median(xs: Sequence[float]) -> float:
    s = sorted(xs)
    n = len(s)
    if not n:
        return float("nan")
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
