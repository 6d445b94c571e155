"""`neurolit schedule --print cron|systemd` output, and the corpus lock on its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from neurolit.cli import app
from neurolit.errors import ConfigError, LockedError
from neurolit.fetch.store import pid_alive
from neurolit.refresh.lock import CorpusLock
from neurolit.refresh.schedule import ScheduleSpec, render

runner = CliRunner()


def test_cron_line_is_installable(neurolit_home: Path) -> None:
    result = runner.invoke(app, ["schedule", "--print", "cron", "alk-nb", "other", "--at", "02:30"])
    assert result.exit_code == 0, result.output
    entries = [line for line in result.output.splitlines() if line and not line.startswith("#")]
    assert len(entries) == 1
    fields = entries[0].split()
    assert fields[:5] == ["30", "2", "*", "*", "*"]
    assert fields[5] == f"NEUROLIT_HOME={neurolit_home.resolve()}"
    executable = fields[6]
    assert Path(executable).is_absolute() and os.access(executable, os.X_OK)
    assert fields[7:10] == ["refresh", "alk-nb", "other"]
    assert fields[-3:-1] == [">>", str((neurolit_home / "refresh.log").resolve())]


def test_systemd_units(neurolit_home: Path) -> None:
    result = runner.invoke(app, ["schedule", "--print", "systemd"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "[Service]\nType=oneshot\n" in text and "SuccessExitStatus=3\n" in text
    assert f"Environment=NEUROLIT_HOME={neurolit_home.resolve()}\n" in text
    exec_line = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    assert exec_line.endswith(" refresh --all") and Path(exec_line.split("=", 1)[1].split()[0]).is_absolute()
    assert "OnCalendar=*-*-* 03:17:00\n" in text and "Persistent=true\n" in text
    assert "WantedBy=timers.target" in text


def test_schedule_rejects_a_bad_time(neurolit_home: Path) -> None:
    spec = ScheduleSpec((), "25:00", neurolit_home, "/usr/bin/neurolit", neurolit_home / "log")
    with pytest.raises(ConfigError, match="HH:MM"):
        render("cron", spec)
    assert runner.invoke(app, ["schedule", "--print", "cron", "--at", "7pm"]).exit_code == 1


def test_lock_is_exclusive_across_processes_and_released_on_death(tmp_path: Path) -> None:
    lock_path = tmp_path / "locks" / "c.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from neurolit.refresh.lock import CorpusLock\n"
            f"lock = CorpusLock(Path({str(lock_path)!r})).acquire(); print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(LockedError, match=f"PID {holder.pid}"):
            CorpusLock(lock_path).acquire()
    finally:
        holder.kill()
        holder.wait()
    assert not pid_alive(holder.pid)
    lock = CorpusLock(lock_path).acquire()  # the kernel released the dead holder's lock: stale, taken over
    assert lock.stale_holder is not None and lock.stale_holder.pid == holder.pid
    lock.release()
    again = CorpusLock(lock_path).acquire()
    assert again.stale_holder is None  # a clean release leaves nothing stale behind
    again.release()


def test_lock_file_content_names_the_holder(tmp_path: Path) -> None:
    with CorpusLock(tmp_path / "x.lock") as lock:
        data = json.loads(lock.path.read_text())
        assert data["pid"] == os.getpid() and abs(data["started"] - time.time()) < 60
    assert lock.path.read_text() == ""
