"""Ready-to-install schedule entries for `neurolit refresh`: a crontab line or a systemd service + timer.

The entries call the absolute path of the installed `neurolit` executable with an explicit NEUROLIT_HOME, so
they work from cron's and systemd's bare environments. Exit status 3 (another run holds the lock) counts as
success for systemd, so an overlapping start is not reported as a failure.
"""

from __future__ import annotations

import re
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from neurolit.errors import ConfigError, InputError
from neurolit.refresh.exitcodes import EXIT_LOCKED

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True, slots=True)
class ScheduleSpec:
    """What to run and when: corpora (empty = --all), daily time HH:MM (local time of the host), paths."""

    corpora: tuple[str, ...]
    at: str
    home: Path
    executable: str
    log_file: Path

    @property
    def hour_minute(self) -> tuple[int, int]:
        match = _TIME.match(self.at)
        if not match:
            raise ConfigError(f"schedule time {self.at!r} is not HH:MM (24-hour), e.g. 03:17")
        return int(match.group(1)), int(match.group(2))

    def command(self) -> list[str]:
        targets = list(self.corpora) if self.corpora else ["--all"]
        return [self.executable, "refresh", *targets]


def find_executable() -> str:
    """The absolute path of the `neurolit` console script of this installation."""
    beside = Path(sys.executable).with_name("neurolit")
    if beside.is_file():
        return str(beside)
    found = shutil.which("neurolit")
    if found:
        return str(Path(found).resolve())
    return f"{sys.executable} -m neurolit.cli"


def render_cron(spec: ScheduleSpec) -> str:
    hour, minute = spec.hour_minute
    command = " ".join(shlex.quote(part) for part in spec.command())
    log = shlex.quote(str(spec.log_file))
    home = shlex.quote(str(spec.home))
    return (
        "# neurolit: refresh corpora daily. Install with `crontab -e` (paste) or\n"
        "#   (crontab -l 2>/dev/null; neurolit schedule --print cron) | crontab -\n"
        f"# Exit status: 0 ok, {EXIT_LOCKED} another run in progress, other non-zero: see the log.\n"
        f"{minute} {hour} * * * NEUROLIT_HOME={home} {command} >> {log} 2>&1\n"
    )


def render_systemd(spec: ScheduleSpec) -> str:
    hour, minute = spec.hour_minute
    command = " ".join(_systemd_quote(part) for part in spec.command())
    return (
        "# --- ~/.config/systemd/user/neurolit-refresh.service ---\n"
        "[Unit]\n"
        "Description=neurolit: refresh corpora from PubMed\n"
        "Wants=network-online.target\n"
        "After=network-online.target\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"Environment={_systemd_quote('NEUROLIT_HOME=' + str(spec.home))}\n"
        f"ExecStart={command}\n"
        f"SuccessExitStatus={EXIT_LOCKED}\n"
        "Nice=10\n"
        "\n"
        "# --- ~/.config/systemd/user/neurolit-refresh.timer ---\n"
        "[Unit]\n"
        "Description=neurolit: daily corpus refresh\n"
        "\n"
        "[Timer]\n"
        f"OnCalendar=*-*-* {hour:02d}:{minute:02d}:00\n"
        "Persistent=true\n"
        "RandomizedDelaySec=600\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
        "\n"
        "# Install: save the two units above, then\n"
        "#   systemctl --user daemon-reload && systemctl --user enable --now neurolit-refresh.timer\n"
        "#   journalctl --user -u neurolit-refresh.service   # the run logs\n"
    )


def _systemd_quote(value: str) -> str:
    if value and all(ch.isalnum() or ch in "/._-=:+@," for ch in value):
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def render(kind: str, spec: ScheduleSpec) -> str:
    if kind == "cron":
        return render_cron(spec)
    if kind == "systemd":
        return render_systemd(spec)
    raise InputError(f"unknown schedule format {kind!r}; use --print cron or --print systemd")
