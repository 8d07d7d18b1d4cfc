"""Unit tests for qmlwidgets.optimizers."""
from __future__ import annotations

import numpy as np
import pytest

from qmlwidgets import optimizers as opt


def quadratic(X):
    X = np.atleast_2d(X)
    return np.sum((X - np.array([1.0, -2.0])) ** 2 * np.array([1.0, 3.0]), axis=1)


def quadratic_grad(X):
    X = np.atleast_2d(X)
    return 2 * (X - np.array([1.0, -2.0])) * np.array([1.0, 3.0])


TARGET = np.array([1.0, -2.0])


@pytest.mark.parametrize("method,lr", [("gd", 0.1), ("momentum", 0.05), ("adam", 0.1),
                                       ("spsa", 0.2)])
def test_first_order_methods_converge_and_record_path(method, lr):
    res = opt.minimize(quadratic, [0.0, 0.0], method=method, grad=quadratic_grad, steps=300,
                       lr=lr, seed=1)
    assert res.trajectory.shape == (301, 2)
    assert res.losses.shape == (301,)
    np.testing.assert_array_equal(res.trajectory[0], [0.0, 0.0])
    np.testing.assert_allclose(res.losses, quadratic(res.trajectory))
    assert res.fun == res.losses[-1] and np.array_equal(res.x, res.trajectory[-1])
    assert np.linalg.norm(res.x - TARGET) < 0.05
    assert res.losses[-1] < res.losses[0]
    assert res.method == method and res.nit == 300


def test_gradient_descent_exact_first_step():
    res = opt.gradient_descent(quadratic, [0.0, 0.0], grad=quadratic_grad, steps=1, lr=0.1)
    np.testing.assert_allclose(res.trajectory[1], -0.1 * quadratic_grad([0.0, 0.0])[0])
    assert res.ngev == 1


def test_adam_first_step_is_lr_times_sign():
    res = opt.adam(quadratic, [0.0, 0.0], grad=quadratic_grad, steps=1, lr=0.1)
    np.testing.assert_allclose(res.trajectory[1], [0.1, -0.1], atol=1e-7)


def test_finite_difference_fallback_counts_evaluations():
    res = opt.gradient_descent(quadratic, [0.0, 0.0], steps=5, lr=0.1)
    ref = opt.gradient_descent(quadratic, [0.0, 0.0], grad=quadratic_grad, steps=5, lr=0.1)
    np.testing.assert_allclose(res.trajectory, ref.trajectory, atol=1e-7)
    assert res.ngev == 0 and res.nfev == 5 * 4 + 6  # 2P per gradient + recorded path
    assert ref.ngev == 5 and ref.nfev == 6


def test_spsa_is_seeded_and_uses_two_evaluations_per_step():
    a = opt.spsa(quadratic, [0.0, 0.0], steps=50, seed=3)
    b = opt.spsa(quadratic, [0.0, 0.0], steps=50, seed=3)
    c = opt.spsa(quadratic, [0.0, 0.0], steps=50, seed=4)
    np.testing.assert_array_equal(a.trajectory, b.trajectory)
    assert not np.array_equal(a.trajectory, c.trajectory)
    assert a.nfev == 2 * 50 + 51


@pytest.mark.parametrize("method", ["cobyla", "l-bfgs-b"])
def test_scipy_adapters(method):
    res = opt.minimize(quadratic, [0.0, 0.0], method=method, grad=quadratic_grad, steps=100,
                       lr=0.5)
    assert np.linalg.norm(res.x - TARGET) < 1e-3
    assert res.trajectory.ndim == 2 and res.trajectory.shape[1] == 2
    assert 2 <= len(res.trajectory) <= 101
    np.testing.assert_array_equal(res.trajectory[0], [0.0, 0.0])
    np.testing.assert_allclose(res.losses, quadratic(res.trajectory))


def test_callback_sees_each_step_and_can_stop():
    seen = []

    def cb(step, x, fun):
        seen.append((step, fun))
        return step == 3

    res = opt.minimize(quadratic, [0.0, 0.0], method="adam", grad=quadratic_grad, steps=10,
                       callback=cb)
    assert [s for s, _ in seen] == [0, 1, 2, 3]
    assert res.trajectory.shape == (4, 2)
    assert seen[-1][1] == pytest.approx(res.losses[-1])
    assert res.message == "stopped by callback"


def test_circuit_loss_uses_engine_gradient():
    from qiskit.circuit.library import real_amplitudes

    from qmlwidgets import landscape as ls

    loss = ls.circuit_loss(real_amplitudes(2, reps=1), "ZZ")
    res = opt.minimize(loss, np.full(4, 0.3), method="adam", steps=60, lr=0.1)
    assert res.ngev == 60
    assert res.losses[-1] < res.losses[0]
    assert res.fun == pytest.approx(-1.0, abs=1e-2)


def test_bad_input():
    with pytest.raises(ValueError, match="unknown method"):
        opt.minimize(quadratic, [0.0, 0.0], method="newton")
    with pytest.raises(ValueError, match="steps"):
        opt.minimize(quadratic, [0.0, 0.0], steps=-1)
    with pytest.raises(ValueError, match="lr"):
        opt.minimize(quadratic, [0.0, 0.0], lr=0.0)
    with pytest.raises(ValueError, match="NaN"):
        opt.minimize(lambda X: np.full(len(X), np.nan), [0.0, 0.0], method="gd", steps=2)
    with pytest.raises(ValueError, match="gradient returned NaN"):
        opt.minimize(quadratic, [0.0, 0.0], grad=lambda X: np.full_like(X, np.nan), steps=2)
    assert repr(opt.minimize(quadratic, [0.0, 0.0], method="gd", steps=0)) == (
        "OptimizationResult(method='gd', nit=0, fun=13, nfev=1, ngev=0)")
