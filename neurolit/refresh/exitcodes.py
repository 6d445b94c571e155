"""Exit statuses of `neurolit refresh`, for schedulers (cron, systemd) to act on. Documented in the README.

0  every requested corpus was refreshed.
1  an error that needs a person: bad configuration, unknown corpus, no saved query, unreadable data.
2  the command line itself is wrong (typer's usage error).
3  another run holds the corpus lock: nothing was done; safe to ignore (the running one does the work).
4  a temporary failure (network, E-utilities 5xx/429 after retries): nothing committed is lost and the
   watermark did not move; the next scheduled run catches up.
5  with several corpora: some were refreshed, at least one failed (see the log and `corpus show`).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_LOCKED = 3
EXIT_TEMPORARY = 4
EXIT_PARTIAL = 5
