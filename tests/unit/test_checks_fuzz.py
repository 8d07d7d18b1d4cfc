"""Every public checker, fed hostile values, returns a bool, never raises and never hangs.

Hang check, not a speed assertion: each call gets a generous budget (10 s, well above the
checkers' own 3 s time box set here); past it the watchdog interrupts the test.
"""
import _thread
import importlib
import inspect
import itertools
import threading

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qmlcourse.checks import _core

BUDGET = 10.0
CHECKERS = [(f"lesson{k:02d}.{name}", f) for k in range(17)
            for name, f in vars(importlib.import_module(f"qmlcourse.checks.lesson{k:02d}")).items()
            if getattr(f, "is_checker", False)]
# extra arguments the lessons pass (valid), so the answer itself gets fuzzed past the first guard
PRISM = [(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3), (0, 3), (1, 4), (2, 5)]
EXTRA = {"independent_bits_model": (np.full(8, 1 / 8),), "maxcut_operator": (PRISM, 6),
         "sampled_ratio": ({"010101": 60, "000111": 40}, PRISM, 6)}


class Boom(BaseException):
    """Stands in for Qiskit/pyo3's PanicException, a BaseException."""


class Hostile:
    """Every dunder a checker might touch raises."""

    def _raise(self, *a, **k):
        raise RuntimeError("hostile")

    __eq__ = __ne__ = __lt__ = __gt__ = __float__ = __int__ = __complex__ = __index__ = _raise
    __len__ = __iter__ = __getitem__ = __array__ = __bool__ = __hash__ = __abs__ = _raise
    __add__ = __radd__ = __mul__ = __rmul__ = __sub__ = __rsub__ = __truediv__ = __pow__ = _raise

    def __getattr__(self, name):
        raise RuntimeError(f"hostile .{name}")


class Panics:
    def __array__(self, *a, **k):
        raise Boom("panic")

    def __call__(self, *a, **k):
        raise Boom("panic")

    def __iter__(self):
        raise Boom("panic")

    def __float__(self):
        raise Boom("panic")


def _forever(*args, **kwargs):
    while True:
        pass


def _big_op(n):
    from qiskit.quantum_info import SparsePauliOp
    return SparsePauliOp("Z" * n)


def _big_circuit(n):
    from qiskit import QuantumCircuit
    qc = QuantumCircuit(n)
    qc.h(range(n))
    return qc


HOSTILE = st.one_of(
    st.sampled_from([None, ..., float("nan"), float("inf"), -float("inf"), 10**400, -(10**400), True, 0, -1,
                     "", b"\x00" * 10, object(), {}, set(), [],
                     [[[]]], [float("nan")] * 4, [1j, float("inf")], np.full(4, np.nan), np.zeros((0, 3)),
                     "9**9**9"]),
    st.sampled_from(["long", "longer", "minus", "big_array", "count", "repeat", "hostile", "panics", "forever", "op16", "op30", "qc30", "qc13",
                     "lambda_none", "lambda_nan"]).map(lambda k: {
        "long": lambda: "x" * 5_000_000, "longer": lambda: "A" * 200_000 + "B", "minus": lambda: "-" * 3000 + "1",
        "big_array": lambda: np.zeros(2**20 + 1), "count": lambda: itertools.count(), "repeat": lambda: itertools.repeat("A"),
        "hostile": Hostile, "panics": Panics, "forever": lambda: _forever,
        "op16": lambda: _big_op(16), "op30": lambda: _big_op(30), "qc30": lambda: _big_circuit(30),
        "qc13": lambda: _big_circuit(13), "lambda_none": lambda: (lambda *a, **k: None),
        "lambda_nan": lambda: (lambda *a, **k: float("nan"))}[k]()),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=50),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=20),
    st.lists(st.integers(0, 3), min_size=1, max_size=4).map(lambda s: np.ones(s)),
)


def _time_boxed(call):
    """Run ``call()`` in the main thread; interrupt it (KeyboardInterrupt) after BUDGET seconds."""
    done = threading.Event()
    fired = []

    def watchdog():
        if not done.wait(BUDGET):
            fired.append(True)
            _thread.interrupt_main()

    t = threading.Thread(target=watchdog, daemon=True)
    t.start()
    try:
        return call()
    except KeyboardInterrupt:
        if fired:
            pytest.fail(f"no answer within {BUDGET} s (a hang)")
        raise
    finally:
        done.set()
        t.join()


@pytest.fixture(autouse=True)
def short_time_box(monkeypatch):
    monkeypatch.setattr(_core, "TIME_LIMIT", 3.0, raising=False)


@pytest.mark.parametrize("name, check", CHECKERS, ids=[n for n, _ in CHECKERS])
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(answer=HOSTILE, extra=HOSTILE)
def test_checker_survives_hostile_values(name, check, answer, extra, capsys):
    short = name.split(".")[1]
    args = EXTRA.get(short, ())
    result = _time_boxed(lambda: check(answer, *args))
    assert type(result) is _core.CheckResult and result in (True, False)
    if args:  # the lesson-supplied arguments can be hostile too
        result = _time_boxed(lambda: check(answer, extra, *args[1:]))
        assert result in (True, False)
    out = capsys.readouterr().out
    assert out.count("\n") >= 1 and len(out) < 20_000  # one short verdict per call, not a dump


def test_every_public_checker_is_fuzzed():
    assert len(CHECKERS) >= 40
    for name, f in CHECKERS:
        assert inspect.signature(f).parameters, name
