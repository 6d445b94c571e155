"""The Python API: a small facade over the stages, for scripts and notebooks. The CLI calls these too.

Each function imports its stage lazily, so `import neurolit` stays cheap.
"""

from __future__ import annotations
