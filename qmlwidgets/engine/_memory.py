"""Memory guard: estimate an allocation before making it and refuse above a budget.

The budget is, in order: the value given to :func:`set_memory_budget`, the environment
variable ``QMLWIDGETS_MEMORY_BUDGET`` (bytes, or with a unit: ``"4GiB"``, ``"512MB"``), or
``DEFAULT_FRACTION`` of the memory the system reports as available right now.

>>> from qmlwidgets.engine import memory_budget, set_memory_budget
>>> set_memory_budget("1GiB"); memory_budget()
1073741824
>>> set_memory_budget(None)  # back to the default
"""
from __future__ import annotations

import os
import re

#: fraction of the currently available memory one engine call may allocate
DEFAULT_FRACTION = 0.5
ENV_VAR = "QMLWIDGETS_MEMORY_BUDGET"
_FALLBACK_AVAILABLE = 4 * 2**30
_override: int | None = None
_UNITS = {"": 1, "B": 1, "K": 10**3, "KB": 10**3, "KIB": 2**10, "M": 10**6, "MB": 10**6, "MIB": 2**20,
          "G": 10**9, "GB": 10**9, "GIB": 2**30, "T": 10**12, "TB": 10**12, "TIB": 2**40}


class MemoryBudgetError(ValueError, MemoryError):
    """An engine call would allocate more than the memory budget (a ``ValueError`` and a
    ``MemoryError``, so code catching either sees it)."""


def _parse_size(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError(f"a memory budget must be a number of bytes or a size like '4GiB', got {value!r}")
    if isinstance(value, (int, float)):
        size = float(value)
    else:
        m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([A-Za-z]*)\s*", str(value))
        if not m or m.group(2).upper() not in _UNITS:
            raise ValueError(f"a memory budget must be a number of bytes or a size like '4GiB', got {value!r}")
        size = float(m.group(1)) * _UNITS[m.group(2).upper()]
    if not size > 0 or size != size or size == float("inf"):
        raise ValueError(f"a memory budget must be a positive, finite number of bytes, got {value!r}")
    return int(size)


def available_memory() -> int:
    """Bytes the system can give without swapping (``MemAvailable``), or a 4 GiB fallback."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return _FALLBACK_AVAILABLE


def set_memory_budget(nbytes: int | float | str | None) -> None:
    """Set the largest allocation (bytes, or ``"4GiB"``) one engine call may make; ``None``
    restores the default (environment variable, else a fraction of available memory)."""
    global _override
    _override = None if nbytes is None else _parse_size(nbytes)


def memory_budget() -> int:
    """The current budget in bytes (see the module docstring for how it is chosen)."""
    if _override is not None:
        return _override
    env = os.environ.get(ENV_VAR)
    if env:
        return _parse_size(env)
    return int(DEFAULT_FRACTION * available_memory())


def _fmt(nbytes: float) -> str:
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if nbytes >= size:
            return f"{nbytes / size:.1f} {unit}"
    return f"{int(nbytes)} bytes"


def check_allocation(nbytes: float, what: str, hint: str = "") -> None:
    """Raise :class:`MemoryBudgetError` if ``nbytes`` exceeds :func:`memory_budget`.

    >>> check_allocation(1024, "a tiny array")  # fine: returns None
    """
    budget = memory_budget()
    if nbytes > budget:
        raise MemoryBudgetError(
            f"{what} would need about {_fmt(nbytes)} of memory, more than the engine's budget of {_fmt(budget)} "
            f"({'set by set_memory_budget / ' + ENV_VAR if _override is not None or os.environ.get(ENV_VAR) else f'{DEFAULT_FRACTION:.0%} of the memory available now'}); "
            + (hint + "; " if hint else "")
            + f"or raise the budget with qmlwidgets.engine.set_memory_budget('8GiB') or the {ENV_VAR} environment variable"
        )
