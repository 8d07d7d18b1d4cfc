"""Unit tests for qmlwidgets.landscape (pure functions; circuits go through the engine)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from qiskit.quantum_info import SparsePauliOp

from qmlwidgets import landscape as ls


def trig_loss(params: np.ndarray) -> np.ndarray:
    """A circuit-like loss: products/sums of cos/sin of each parameter (one frequency)."""
    x = np.atleast_2d(params)
    return (np.cos(x[:, 0]) * np.sin(x[:, 1]) + 0.5 * np.cos(x[:, 2])
            + 0.3 * np.sin(x[:, 0]) * np.cos(x[:, 2]) * np.cos(x[:, 1]))


class Counting:
    def __init__(self, fn):
        self.fn, self.calls, self.rows = fn, 0, 0

    def __call__(self, params):
        self.calls += 1
        self.rows += len(params)
        return self.fn(params)


# ----------------------------------------------------------------------------- evaluate
def test_evaluate_validates_shape_nan_and_complex():
    assert ls.evaluate(lambda X: X.sum(axis=1), [[1.0, 2.0]]).tolist() == [3.0]
    assert ls.evaluate(lambda X: X.sum(axis=1, keepdims=True), np.ones((2, 2))).shape == (2,)
    with pytest.raises(ValueError, match="one value per parameter row"):
        ls.evaluate(lambda X: np.zeros(5), np.ones((2, 2)))
    with pytest.raises(ValueError, match="NaN or inf at 1 of 2 points"):
        ls.evaluate(lambda X: np.array([0.0, np.nan]), np.ones((2, 2)))
    with pytest.raises(ValueError, match="complex"):
        ls.evaluate(lambda X: np.array([1j, 0]), np.ones((2, 2)))
    out = ls.evaluate(lambda X: np.array([1 + 0j, 2 + 0j]), np.ones((2, 2)))
    assert out.dtype == float and out.tolist() == [1.0, 2.0]


def test_batched_wraps_scalar_function():
    loss = ls.batched(lambda x: float(x @ x))
    assert loss(np.array([[1.0, 2.0], [0.0, 3.0]])).tolist() == [5.0, 9.0]


# ----------------------------------------------------------------------------- scans
def test_scan_1d_matches_pointwise_and_is_one_batch():
    loss = Counting(trig_loss)
    point = np.array([0.3, -0.2, 1.0])
    d = np.array([1.0, 2.0, -0.5])
    scan = ls.scan_1d(loss, point, d, span=(-1.0, 2.0), resolution=7)
    assert loss.calls == 1 and loss.rows == 7
    expected = [trig_loss(point + a * d)[0] for a in np.linspace(-1, 2, 7)]
    np.testing.assert_allclose(scan.values, expected, atol=1e-14)
    assert scan.alphas[0] == -1.0 and scan.alphas[-1] == 2.0
    np.testing.assert_allclose(scan.params(0.5), point + 0.5 * d)
    sym = ls.scan_1d(trig_loss, point, d, span=1.5, resolution=3)
    assert sym.alphas.tolist() == [-1.5, 0.0, 1.5]
    assert repr(sym) == "Scan1D(resolution=3, span=(-1.5, 1.5), n_params=3)"


def test_scan_2d_matches_pointwise_and_is_one_batch():
    loss = Counting(trig_loss)
    point = np.array([0.1, 0.2, 0.3])
    dx, dy = np.array([1.0, 0, 0.5]), np.array([0, 1.0, -0.5])
    scan = ls.scan_2d(loss, point, dx, dy, span=2.0, resolution=(5, 4))
    assert loss.calls == 1 and loss.rows == 20
    assert scan.values.shape == (4, 5) and scan.x.size == 5 and scan.y.size == 4
    for i, b in enumerate(scan.y):
        for j, a in enumerate(scan.x):
            assert scan.values[i, j] == pytest.approx(trig_loss(point + a * dx + b * dy)[0],
                                                      abs=1e-14)
    a, b, v = scan.argmin()
    assert v == scan.values.min()
    assert trig_loss(scan.params(a, b))[0] == pytest.approx(v, abs=1e-14)
    np.testing.assert_allclose(scan.project(scan.params(0.7, -0.4)), [[0.7, -0.4]], atol=1e-12)
    assert repr(scan) == "Scan2D(resolution=5x4, x=(-2, 2), y=(-2, 2), n_params=3)"


def test_scan_2d_chunked_equals_single_batch_and_reports_progress():
    point, dx, dy = np.zeros(3), np.array([1.0, 0, 0]), np.array([0, 0, 1.0])
    full = ls.scan_2d(trig_loss, point, dx, dy, resolution=9)
    seen = []
    loss = Counting(trig_loss)
    chunked = ls.scan_2d(loss, point, dx, dy, resolution=9, chunk_size=20,
                         progress=lambda done, total: seen.append((done, total)))
    np.testing.assert_array_equal(full.values, chunked.values)
    assert loss.calls == 5
    assert seen == [(20, 81), (40, 81), (60, 81), (80, 81), (81, 81)]


@pytest.mark.parametrize("resolution", [2, 202, 0, -5, 3.5, "33", True])
def test_resolution_out_of_range_raises(resolution):
    with pytest.raises(ValueError, match="resolution"):
        ls.scan_2d(trig_loss, np.zeros(3), [1, 0, 0], [0, 1, 0], resolution=resolution)
    with pytest.raises(ValueError, match="resolution"):
        ls.scan_1d(trig_loss, np.zeros(3), [1, 0, 0], resolution=resolution)


def test_resolution_limits_are_accepted():
    assert ls.scan_1d(trig_loss, np.zeros(3), [1, 0, 0], resolution=3).values.size == 3
    assert ls.scan_1d(trig_loss, np.zeros(3), [1, 0, 0], resolution=201).values.size == 201


def test_bad_directions_and_points_raise():
    with pytest.raises(ValueError, match="dir_x is the zero vector"):
        ls.scan_2d(trig_loss, np.zeros(3), np.zeros(3), [0, 1, 0])
    with pytest.raises(ValueError, match="direction is the zero vector"):
        ls.scan_1d(trig_loss, np.zeros(3), [0, 0, 0])
    with pytest.raises(ValueError, match="parallel"):
        ls.scan_2d(trig_loss, np.zeros(3), [1, 2, 0], [-2, -4, 0])
    with pytest.raises(ValueError, match=r"dir_y must have shape \(3,\)"):
        ls.scan_2d(trig_loss, np.zeros(3), [1, 0, 0], [0, 1])
    with pytest.raises(ValueError, match="NaN"):
        ls.scan_1d(trig_loss, [0.0, np.nan, 0.0], [1, 0, 0])
    with pytest.raises(ValueError, match="span"):
        ls.scan_1d(trig_loss, np.zeros(3), [1, 0, 0], span=(1.0, -1.0))
    with pytest.raises(ValueError, match="span"):
        ls.scan_1d(trig_loss, np.zeros(3), [1, 0, 0], span=0.0)


def test_scan_with_nan_loss_raises_clear_message():
    def loss(X):
        out = trig_loss(X)
        out[np.abs(X[:, 0]) > 1] = np.nan
        return out

    with pytest.raises(ValueError, match="the loss returned NaN or inf"):
        ls.scan_2d(loss, np.zeros(3), [1, 0, 0], [0, 1, 0], span=2.0, resolution=5)


def test_interpolate_endpoints():
    start, end = np.array([0.1, 0.2, 0.3]), np.array([1.0, -1.0, 2.0])
    s = ls.interpolate(trig_loss, start, end, resolution=11)
    assert s.values[0] == pytest.approx(trig_loss(start)[0])
    assert s.values[-1] == pytest.approx(trig_loss(end)[0])
    ext = ls.interpolate(trig_loss, start, end, resolution=11, extend=0.5)
    assert ext.alphas[0] == -0.5 and ext.alphas[-1] == 1.5
    with pytest.raises(ValueError, match="same point"):
        ls.interpolate(trig_loss, start, start)
    with pytest.raises(ValueError, match="end has 2 entries"):
        ls.interpolate(trig_loss, start, [1.0, 2.0])


# ----------------------------------------------------------------------------- directions
def test_orthonormalize():
    q = ls.orthonormalize([1.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 0.0, 3.0])
    np.testing.assert_allclose(q @ q.T, np.eye(3), atol=1e-14)
    np.testing.assert_allclose(q[0], np.array([1, 1, 0]) / math.sqrt(2))
    with pytest.raises(ValueError, match="parallel"):
        ls.orthonormalize([1.0, 2.0], [2.0, 4.0])
    with pytest.raises(ValueError, match="zero vector"):
        ls.orthonormalize([1.0, 2.0], [0.0, 0.0])


def test_random_directions_seeded_and_orthonormal():
    a = ls.random_directions(10, 2, seed=7)
    b = ls.random_directions(10, 2, seed=7)
    c = ls.random_directions(10, 2, seed=8)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    np.testing.assert_allclose(a @ a.T, np.eye(2), atol=1e-12)
    assert np.linalg.norm(ls.random_direction(4, seed=1)) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="independent directions"):
        ls.random_directions(2, 3)


def test_filter_normalisation_matches_group_norms():
    point = np.array([3.0, 4.0, 0.0, 0.0, 1.0, 1.0])
    d = ls.random_directions(6, 2, seed=0, filter_normalized=True, point=point, groups=2)
    for row in d:
        assert np.linalg.norm(row[0:2]) == pytest.approx(5.0)
        assert np.linalg.norm(row[2:4]) == pytest.approx(math.sqrt(2))  # zero block: RMS 1
        assert np.linalg.norm(row[4:6]) == pytest.approx(math.sqrt(2))
    explicit = ls.filter_normalize(np.ones(6), point, groups=[[0, 1, 2], [3, 4, 5]])
    assert np.linalg.norm(explicit[:3]) == pytest.approx(5.0)
    with pytest.raises(ValueError, match="partition"):
        ls.filter_normalize(np.ones(6), point, groups=[[0, 1], [2]])
    with pytest.raises(ValueError, match="needs the point"):
        ls.random_directions(6, 2, filter_normalized=True)


def test_axis_directions():
    np.testing.assert_array_equal(ls.axis_directions(4, 1, 3), [[0, 1, 0, 0], [0, 0, 0, 1]])
    with pytest.raises(ValueError, match="must differ"):
        ls.axis_directions(4, 2, 2)
    with pytest.raises(ValueError, match="0..3"):
        ls.axis_direction(4, 4)


# ----------------------------------------------------------------------------- PCA
def test_pca_plane_recovers_planar_trajectory():
    rng = np.random.default_rng(0)
    basis = ls.orthonormalize(*rng.standard_normal((2, 6)))
    t = np.linspace(0, 1, 20)
    coeff = np.stack([3 * (1 - t), np.sin(4 * t)], axis=1)
    traj = 0.5 + coeff @ basis
    plane = ls.pca_plane(traj)
    np.testing.assert_allclose([plane.dir_x @ plane.dir_x, plane.dir_x @ plane.dir_y],
                               [1, 0], atol=1e-12)
    np.testing.assert_allclose(plane.origin, traj[-1])
    recon = plane.origin + plane.coords @ np.stack([plane.dir_x, plane.dir_y])
    np.testing.assert_allclose(recon, traj, atol=1e-12)
    assert plane.explained_variance_ratio.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(plane.project(traj), plane.coords, atol=1e-12)
    with pytest.raises(ValueError, match="does not move"):
        ls.pca_plane(np.ones((5, 3)))
    with pytest.raises(ValueError, match="at least 3 points"):
        ls.pca_plane(np.ones((2, 3)))


def test_scan_pca_covers_trajectory():
    # third coordinate constant: the path lies in a plane, so PCA recovers it exactly
    traj = np.array([[2.0, 1.0, 0.5], [1.0, 0.4, 0.5], [0.5, 0.1, 0.5], [0.1, 0.0, 0.5]])
    scan = ls.scan_pca(trig_loss, traj, resolution=9)
    assert scan.trajectory.shape == (4, 2)
    assert np.all(np.abs(scan.trajectory) <= scan.x[-1])
    np.testing.assert_allclose(scan.point, traj[-1])
    np.testing.assert_allclose(scan.trajectory[-1], [0, 0], atol=1e-12)
    for (a, b), row in zip(scan.trajectory, traj, strict=True):
        np.testing.assert_allclose(scan.params(a, b), row, atol=1e-12)
    assert scan.explained_variance_ratio.sum() == pytest.approx(1.0)


# ----------------------------------------------------------------------------- gradients
def test_gradient_field_fd_matches_analytic_gradient():
    def grad(X):
        a, b, c = np.atleast_2d(X).T
        g0 = -np.sin(a) * np.sin(b) + 0.3 * np.cos(a) * np.cos(c) * np.cos(b)
        g1 = np.cos(a) * np.cos(b) - 0.3 * np.sin(a) * np.cos(c) * np.sin(b)
        g2 = -0.5 * np.sin(c) - 0.3 * np.sin(a) * np.sin(c) * np.cos(b)
        return np.stack([g0, g1, g2], axis=1)

    point = np.array([0.2, -0.1, 0.4])
    dx, dy = ls.random_directions(3, 2, seed=4)
    exact = ls.gradient_field(None, point, dx, dy, span=1.0, resolution=5, grad=grad)
    fd = ls.gradient_field(trig_loss, point, dx, dy, span=1.0, resolution=5)
    np.testing.assert_allclose(fd.gx, exact.gx, atol=1e-8)
    np.testing.assert_allclose(fd.gy, exact.gy, atol=1e-8)
    g = grad(point + 1.0 * dx - 0.5 * dy)[0]
    assert exact.gx[1, 4] == pytest.approx(g @ dx)
    assert exact.gy[1, 4] == pytest.approx(g @ dy)
    fdg = ls.finite_difference_gradient(trig_loss)
    np.testing.assert_allclose(fdg(point[None]), grad(point), atol=1e-8)


def test_hessian_methods_agree_on_trig_loss():
    point = np.array([0.4, -0.7, 1.1])

    def analytic(x):
        a, b, c = x
        h = np.zeros((3, 3))
        h[0, 0] = -np.cos(a) * np.sin(b) - 0.3 * np.sin(a) * np.cos(c) * np.cos(b)
        h[1, 1] = -np.cos(a) * np.sin(b) - 0.3 * np.sin(a) * np.cos(c) * np.cos(b)
        h[2, 2] = -0.5 * np.cos(c) - 0.3 * np.sin(a) * np.cos(c) * np.cos(b)
        h[0, 1] = h[1, 0] = -np.sin(a) * np.cos(b) - 0.3 * np.cos(a) * np.cos(c) * np.sin(b)
        h[0, 2] = h[2, 0] = -0.3 * np.cos(a) * np.sin(c) * np.cos(b)
        h[1, 2] = h[2, 1] = 0.3 * np.sin(a) * np.sin(c) * np.sin(b)
        return h

    ref = analytic(point)
    np.testing.assert_allclose(ls.hessian(trig_loss, point, method="shift"), ref, atol=1e-12)
    np.testing.assert_allclose(ls.hessian(trig_loss, point, method="fd"), ref, atol=1e-6)
    grad = ls.finite_difference_gradient(trig_loss, step=1e-5)
    np.testing.assert_allclose(ls.hessian(trig_loss, point, grad=grad), ref, atol=1e-5)
    ev = ls.hessian_eigenvalues(trig_loss, point, method="shift")
    np.testing.assert_allclose(ev, np.linalg.eigvalsh(ref), atol=1e-12)
    w, v = ls.hessian_eigenvalues(trig_loss, point, method="shift", return_vectors=True)
    np.testing.assert_allclose(ref @ v, v * w, atol=1e-12)
    with pytest.raises(ValueError, match="method"):
        ls.hessian(trig_loss, point, method="magic")


def test_hessian_quadratic_saddle():
    loss = ls.batched(lambda x: x[0] ** 2 - 2 * x[1] ** 2 + x[0] * x[1])
    np.testing.assert_allclose(ls.hessian(loss, [0.3, 0.2]), [[2, 1], [1, -4]], atol=1e-6)


# ----------------------------------------------------------------------------- circuits (engine)
@pytest.fixture(scope="module")
def small_circuit():
    from qiskit.circuit.library import real_amplitudes
    from qiskit.quantum_info import SparsePauliOp

    qc = real_amplitudes(2, reps=1)
    obs = SparsePauliOp.from_list([("ZZ", 1.0), ("XI", 0.5), ("IY", -0.3)])
    return qc, obs


def test_scan_agrees_with_statevector_estimator(small_circuit):
    from qiskit.primitives import StatevectorEstimator

    qc, obs = small_circuit
    loss = ls.circuit_loss(qc, obs)
    point = np.array([0.1, -0.4, 0.9, 0.3])
    dx, dy = ls.random_directions(4, 2, seed=11)
    scan = ls.scan_2d(loss, point, dx, dy, span=2.0, resolution=(4, 3))
    grid = np.array([[point + a * dx + b * dy for a in scan.x] for b in scan.y])
    ref = StatevectorEstimator().run([(qc, obs, grid)]).result()[0].data.evs
    np.testing.assert_allclose(scan.values, ref, atol=1e-10)
    s1 = ls.scan_1d(loss, point, dx, span=1.0, resolution=5)
    ref1 = StatevectorEstimator().run([(qc, obs, point + s1.alphas[:, None] * dx)]).result()
    np.testing.assert_allclose(s1.values, ref1[0].data.evs, atol=1e-10)


def test_axis_scans_are_reconstructed_and_agree_with_statevector_estimator(small_circuit):
    from qiskit.primitives import StatevectorEstimator

    qc, obs = small_circuit
    loss = ls.circuit_loss(qc, obs)
    point = np.array([0.1, -0.4, 0.9, 0.3])
    dx, dy = ls.axis_directions(4, 0, 3)
    counting = Counting(loss)
    counting.circuit, counting.observable = qc, obs
    scan = ls.scan_2d(loss, point, dx, dy, span=2.5, resolution=(7, 6))
    assert scan.method == "reconstruct" and scan.evaluations == 9 and scan.shots is None
    grid = np.array([[point + a * dx + b * dy for a in scan.x] for b in scan.y])
    ref = StatevectorEstimator().run([(qc, obs, grid)]).result()[0].data.evs
    np.testing.assert_allclose(scan.values, ref, atol=1e-10)
    assert ls.scan_2d(counting, point, dx, dy, 2.5, (7, 6)).method == "direct"  # not a CircuitLoss
    assert counting.rows == 42
    s1 = ls.scan_1d(loss, point, dy, span=1.0, resolution=5)
    assert (s1.method, s1.evaluations) == ("reconstruct", 3)
    ref1 = StatevectorEstimator().run([(qc, obs, point + s1.alphas[:, None] * dy)]).result()
    np.testing.assert_allclose(s1.values, ref1[0].data.evs, atol=1e-10)
    small = ls.scan_2d(loss, point, dx, dy, span=2.5, resolution=3)  # 9 points: no saving
    assert (small.method, small.evaluations) == ("direct", 9)
    line = ls.interpolate(loss, point, point + 2 * dx - dy, resolution=21)
    assert line.method == "reconstruct" and line.evaluations == 2 * 3 + 1


def test_scan_methods_and_their_errors(small_circuit):
    qc, obs = small_circuit
    loss = ls.circuit_loss(qc, obs)
    point = np.array([0.1, -0.4, 0.9, 0.3])
    dx, dy = ls.random_directions(4, 2, seed=11)
    scan = ls.scan_2d(loss, point, dx, dy, span=2.0, resolution=9)
    assert scan.method == "direct" and scan.evaluations == 81
    with pytest.raises(ValueError, match="incommensurate"):
        ls.scan_2d(loss, point, dx, dy, span=2.0, resolution=9, method="reconstruct")
    with pytest.raises(ValueError, match="not a linear function"):
        ls.scan_1d(trig_loss, np.zeros(3), [1, 0, 0], method="reconstruct")
    with pytest.raises(ValueError, match="method must be one of"):
        ls.scan_1d(loss, point, dx, method="fourier")
    ax, ay = ls.axis_directions(4, 1, 2)
    forced = ls.scan_2d(loss, point, ax, ay, resolution=3, method="reconstruct")
    np.testing.assert_allclose(forced.values, ls.scan_2d(loss, point, ax, ay, resolution=3).values,
                               atol=1e-12)
    assert repr(ls.reconstruction_plan(loss, ax, ay)) == \
        "ReconstructionPlan(reconstruct: 3 x 3 = 9 evaluations)"
    steps = []
    ls.scan_2d(loss, point, ax, ay, resolution=20, chunk_size=7,
               progress=lambda d, t: steps.append((d, t)))
    assert steps == [(400, 400)]
    traj = point + np.outer(np.linspace(0, 1, 6), [1.0, 0.2, -0.3, 0.5]) \
        + 0.05 * np.random.default_rng(0).normal(size=(6, 4))
    pca = ls.scan_pca(loss, traj, resolution=7)
    assert pca.method == "direct" and pca.trajectory.shape == (6, 2)


def test_shot_noise_scans_are_seeded_unbiased_and_shrink_like_one_over_root_shots(small_circuit):
    qc, obs = small_circuit
    loss = ls.circuit_loss(qc, obs)
    point = np.array([0.1, -0.4, 0.9, 0.3])
    dx, dy = ls.axis_directions(4, 0, 3)
    exact = ls.scan_2d(loss, point, dx, dy, span=2.0, resolution=32)
    a = ls.scan_2d(loss, point, dx, dy, span=2.0, resolution=32, shots=1000, seed=7)
    b = ls.scan_2d(loss, point, dx, dy, span=2.0, resolution=32, shots=1000, seed=7)
    c = ls.scan_2d(loss, point, dx, dy, span=2.0, resolution=32, shots=1000, seed=8)
    assert a.shots == 1000 and a.method == "reconstruct" and a.evaluations == 9
    np.testing.assert_array_equal(a.values, b.values)
    assert not np.array_equal(a.values, c.values)
    # each term's estimate is a mean of ±1 outcomes: variance (1 - <P>^2) / shots per term
    terms = loss.term_values(np.array([exact.params(x, y) for y in exact.y for x in exact.x]))
    _, coeffs, const = loss.terms()
    assert const == 0.0 and coeffs.tolist() == [1.0, 0.5, -0.3]
    var = ((coeffs[:, None] ** 2) * (1 - terms**2) / 1000).sum(axis=0).reshape(32, 32)
    z = (a.values - exact.values) / np.sqrt(np.maximum(var, 1e-12))
    assert abs(z.mean()) < 0.15 and 0.85 < z.std() < 1.15
    errs = [np.std(ls.scan_2d(loss, point, dx, dy, 2.0, 32, shots=s, seed=1).values - exact.values)
            for s in (100, 10000)]
    assert 7 < errs[0] / errs[1] < 13  # 100x the shots, 10x less noise
    direct = ls.scan_2d(loss, point, dx, dy, span=2.0, resolution=32, shots=1000, seed=7,
                        method="direct")
    assert direct.method == "direct" and direct.shots == 1000
    assert np.mean(np.abs(direct.values - a.values) < 1e-12) > 0.99  # same draws, same seed
    line = ls.scan_1d(loss, point, dx, shots=50, seed=0)
    assert line.shots == 50 and np.all(np.abs(line.values) <= 1.8 + 1e-12)


def test_shots_bad_input(small_circuit):
    qc, obs = small_circuit
    loss = ls.circuit_loss(qc, obs)
    for bad in (0, -5, 2.5, True, "100"):
        with pytest.raises(ValueError, match="shots must be a positive integer"):
            ls.scan_1d(loss, np.zeros(4), ls.axis_direction(4, 0), shots=bad)
    with pytest.raises(ValueError, match="shots need a circuit loss"):
        ls.scan_1d(trig_loss, np.zeros(3), [1, 0, 0], shots=100)
    identity = ls.circuit_loss(qc, SparsePauliOp(["II", "ZZ"], [0.5, 1.0]))
    s = ls.scan_1d(identity, np.zeros(4), ls.axis_direction(4, 0), resolution=5, shots=1)
    assert set(np.round(s.values, 12)) <= {-0.5, 1.5}  # one shot: ZZ = ±1, plus 0.5


def test_circuit_loss_validates_inputs(small_circuit):
    qc, obs = small_circuit
    loss = ls.circuit_loss(qc, obs)
    assert loss.n_params == 4
    assert repr(loss) == "CircuitLoss(n_qubits=2, n_params=4, n_terms=3)"
    with pytest.raises(ValueError, match="3 parameter values per row but the circuit has 4"):
        loss(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="acts on 3 qubits but the circuit has 2"):
        ls.circuit_loss(qc, "ZZZ")
    with pytest.raises(ValueError, match="Pauli label"):
        ls.circuit_loss(qc, "hello")
    from qiskit import QuantumCircuit

    with pytest.raises(ValueError, match="no parameters"):
        ls.circuit_loss(QuantumCircuit(2), "ZZ")
    assert ls.circuit_loss(qc, "ZZ")(np.zeros((1, 4)))[0] == pytest.approx(1.0)


def test_circuit_gradient_and_shift_hessian(small_circuit):
    qc, obs = small_circuit
    loss = ls.circuit_loss(qc, obs)
    point = np.array([0.3, 0.2, -0.5, 1.2])
    grad = ls.circuit_gradient(qc, obs)
    fd = ls.finite_difference_gradient(loss, step=1e-6)
    np.testing.assert_allclose(grad(point[None]), fd(point[None]), atol=1e-8)
    assert ls.shift_rule_applies(qc)
    h_shift = ls.hessian(loss, point)  # auto -> exact shift rule
    h_fd = ls.hessian(loss, point, method="fd")
    h_grad = ls.hessian(loss, point, grad=grad, method="grad")
    np.testing.assert_allclose(h_shift, h_fd, atol=1e-6)
    np.testing.assert_allclose(h_shift, h_grad, atol=1e-8)


def test_shift_rule_detection():
    from qiskit import QuantumCircuit
    from qiskit.circuit import Parameter

    a, b = Parameter("a"), Parameter("b")
    qc = QuantumCircuit(2)
    qc.rx(a, 0)
    qc.crz(b, 0, 1)
    assert not ls.shift_rule_applies(qc)
    qc2 = QuantumCircuit(1)
    qc2.rx(2 * a, 0)
    assert not ls.shift_rule_applies(qc2)
    qc3 = QuantumCircuit(1)
    qc3.rx(a, 0)
    qc3.rz(a, 0)
    assert not ls.shift_rule_applies(qc3)


# ----------------------------------------------------------------------------- barren plateaus
@pytest.mark.parametrize("entangler", ["cz", "cx"])
@pytest.mark.parametrize("cost", ["global", "local"])
def test_fast_ansatz_simulator_matches_qiskit(entangler, cost):
    from qiskit.quantum_info import Statevector

    n, layers = 3, 2
    qc = ls.hardware_efficient_ansatz(n, layers, entangler)
    obs = ls.cost_observable(n, cost)
    rng = np.random.default_rng(5)
    theta = rng.uniform(0, 2 * np.pi, size=(4, qc.num_parameters))
    probs = ls._hea_probabilities(n, layers, theta, entangler).T
    for row, p in zip(theta, probs, strict=True):
        sv = Statevector(qc.assign_parameters(row))
        np.testing.assert_allclose(p, sv.probabilities(), atol=1e-12)
        weight = np.zeros(2**n)
        weight[0] = 1
        if cost == "local":
            bits = (np.arange(2**n)[:, None] >> np.arange(n)) & 1
            weight = (n - bits.sum(axis=1)) / n
        assert 1 - p @ weight == pytest.approx(sv.expectation_value(obs).real, abs=1e-12)


def test_gradient_variance_is_exact_parameter_shift_variance():
    from qiskit.quantum_info import Statevector

    n, layers, samples = 3, 2, 6
    qc = ls.hardware_efficient_ansatz(n, layers)
    obs = ls.cost_observable(n, "global")
    res = ls.gradient_variance([n], [layers], "global", samples=samples, seed=3)
    theta = np.random.default_rng(3).uniform(0, 2 * np.pi, size=(samples, qc.num_parameters))
    grads = []
    for row in theta:
        up, down = row.copy(), row.copy()
        up[0] += np.pi / 2
        down[0] -= np.pi / 2
        grads.append(0.5 * (Statevector(qc.assign_parameters(up)).expectation_value(obs).real
                            - Statevector(qc.assign_parameters(down)).expectation_value(obs).real))
    assert res.variance[0, 0] == pytest.approx(np.var(grads, ddof=1), rel=1e-10)
    assert res.mean[0, 0] == pytest.approx(np.mean(grads), abs=1e-12)


def test_barren_plateau_global_vs_local():
    glob = ls.gradient_variance([2, 4, 6, 8], [4], "global", samples=200, seed=0)
    loc = ls.gradient_variance([2, 4, 6, 8], [4], "local", samples=200, seed=0)
    assert np.all(np.diff(glob.variance[:, 0]) < 0)  # exponential decay in n
    assert glob.decay_rate()[0] > 1.0
    assert loc.decay_rate()[0] < glob.decay_rate()[0]
    assert loc.variance[-1, 0] > 5 * glob.variance[-1, 0]
    again = ls.gradient_variance([2, 4, 6, 8], [4], "global", samples=200, seed=0)
    np.testing.assert_array_equal(glob.variance, again.variance)
    assert repr(glob) == ("GradientVariance(cost='global', n_qubits=[2, 4, 6, 8], "
                          "n_layers=[4], samples=200)")


def test_gradient_variance_bad_input():
    with pytest.raises(ValueError, match="cost must be"):
        ls.gradient_variance([2], [1], cost="medium")
    with pytest.raises(ValueError, match="n_qubits"):
        ls.gradient_variance([0], [1])
    with pytest.raises(ValueError, match="samples"):
        ls.gradient_variance([2], [1], samples=1)
    with pytest.raises(ValueError, match="param_index"):
        ls.gradient_variance([2], [1], param_index=4)
