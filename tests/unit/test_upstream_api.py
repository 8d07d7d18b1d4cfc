"""The course relies on public Qiskit/plotly API only; where it cannot, these tests fail loudly.

Each failure message names the upstream change, so a canary run (``python3 course.py
canary``) against a new release says what to fix instead of slowing down or going blank.
"""
import re
from pathlib import Path

import numpy as np
import pytest
from qiskit.circuit import Parameter, ParameterVector

from qmlwidgets.engine._expr import compile_expr

ROOT = Path(__file__).resolve().parents[2]
PRIVATE_UPSTREAM = [r"_qpy_replay", r"plotly\.serializers", r"_js_to_py", r"_py_to_js", r"qiskit\._accelerate"]


def test_no_module_uses_private_qiskit_or_plotly_helpers():
    for path in sorted([*(ROOT / "qmlwidgets").rglob("*.py"), *(ROOT / "qmlcourse").rglob("*.py")]):
        text = path.read_text(encoding="utf-8")
        for pattern in PRIVATE_UPSTREAM:
            assert not re.search(pattern, text), f"{path.relative_to(ROOT)} uses the private {pattern}"


x = ParameterVector("x", 3)
EXPRESSIONS = {
    "zz feature map product": (np.pi - x[0]) * (np.pi - x[1]),
    "power and division": x[0] ** 2 / (1 + x[1]),
    "reversed operands": 2 / x[0] - x[1] ** 3 + (1 - x[2]) / (x[0] + 1),
    "sin cos tan": x[0].sin() * x[1].cos() + x[2].tan(),
    "arcsin arccos arctan": x[0].arcsin() + x[1].arccos() * x[2].arctan(),
    "exp log": x[0].exp() * (x[1] + 2).log(),
    "abs conjugate": (x[0] - x[1]).abs() * x[2] + x[0].conjugate() * x[1],
}


@pytest.mark.parametrize("label", list(EXPRESSIONS))
def test_general_expressions_are_vectorised_through_public_sympify(label):
    import qiskit
    import sympy

    expr = EXPRESSIONS[label]
    params = list(x)
    slot = compile_expr(expr, {p: i for i, p in enumerate(params)}, params)
    assert slot.kind == "general"
    assert slot.fn.route == "sympy", (
        f"{label}: ParameterExpression.sympify() + sympy.lambdify no longer reproduce Qiskit's value "
        f"(qiskit {qiskit.__version__}, sympy {sympy.__version__}); the engine fell back to binding "
        "row by row (exact but slow). Check Qiskit's release notes for changes to sympify().")
    X = np.random.default_rng(7).uniform(0.1, 0.9, size=(5, 3))
    ref = [complex(expr.bind_all({p: X[r, i] for i, p in enumerate(params)})).real for r in range(5)]
    np.testing.assert_allclose(slot(X), ref, rtol=1e-12)


def test_number_to_the_power_of_an_expression_is_exact_through_the_per_row_fallback():
    """Qiskit 2.6's sympify() gives NotImplemented for ``3 ** x`` (and had power bugs, Qiskit/qiskit#15583):
    the check against ``bind_all`` catches it and binds row by row, which is exact."""
    expr = 3 ** x[0] + 2 ** (x[1] + 1)
    params = list(x)
    slot = compile_expr(expr, {p: i for i, p in enumerate(params)}, params)
    X = np.random.default_rng(3).uniform(0.1, 0.9, size=(4, 3))
    np.testing.assert_allclose(slot(X), 3 ** X[:, 0] + 2 ** (X[:, 1] + 1), rtol=1e-12)
    assert slot.fn.route in ("sympy", "bind_all")


def test_parameter_names_survive_sympify():
    """lambdify matches sympy symbols to parameters by name (names are unique in a circuit)."""
    a, b = Parameter("θ[0]"), Parameter("a b")
    tree = (a * b).sin().sympify()
    assert {s.name for s in tree.free_symbols} == {"θ[0]", "a b"}, (
        "ParameterExpression.sympify() no longer names symbols after their Parameter: "
        "qmlwidgets/engine/_expr.py::_sympy_fn must map symbols to parameters another way")


def test_plotly_still_syncs_figures_through_serialised_traits():
    """CourseFigure re-tags plotly's synced traits; plotly offers no public wire-format switch."""
    import plotly
    import plotly.graph_objects as go

    from qmlwidgets.widgets._figure import CourseFigure, _json_traits, _plain

    needed = {"_widget_data", "_widget_layout", "_py2js_addTraces", "_py2js_restyle", "_py2js_relayout",
              "_py2js_update"}
    found = set(_json_traits(go.FigureWidget))
    assert needed <= found, (
        f"plotly {plotly.__version__} no longer syncs FigureWidget through the traits {sorted(needed - found)} "
        "with a to_json serialiser: CourseFigure (qmlwidgets/widgets/_figure.py) cannot keep numpy data "
        "out of binary buffers any more; re-check tests/browser before upgrading plotly")
    for name in found:
        assert CourseFigure.class_traits()[name].metadata["to_json"] is _plain, name
        assert go.FigureWidget.class_traits()[name].metadata["to_json"] is not _plain, "plotly's class was modified"
