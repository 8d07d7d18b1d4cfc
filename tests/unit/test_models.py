"""Unit tests for qmlcourse.models: circuits, batched outputs, exact gradients, losses."""
from __future__ import annotations

import math

import numpy as np
import pytest
from qiskit.primitives import StatevectorEstimator
from qiskit.quantum_info import SparsePauliOp, Statevector

from qmlwidgets import landscape as L
from qmlcourse.models import (
    ModelLoss,
    ReuploadingModel,
    VariationalClassifier,
    cross_entropy,
    hinge,
    mean_squared_error,
    plot_decision_boundary,
    sigmoid,
)

RNG = np.random.default_rng(0)
X2 = RNG.uniform(0, math.pi, (12, 2))
Y2 = (X2[:, 0] > X2[:, 1]).astype(int)


def fd_grad(f, p, h=1e-6):
    return L.finite_difference_gradient(f, h)(p[None, :])[0]


# ----------------------------------------------------------------------------- losses
def test_sigmoid_is_stable_and_symmetric():
    z = np.array([-1000.0, -2.0, 0.0, 2.0, 1000.0])
    s = sigmoid(z)
    assert np.all(np.isfinite(s))
    np.testing.assert_allclose(s + sigmoid(-z), 1.0)
    assert s[2] == 0.5


def test_cross_entropy_matches_definition_and_is_stable():
    z = np.array([-1.0, 0.5, 2.0])
    y = np.array([0, 1, 1])
    p = 1 / (1 + np.exp(-z))
    ref = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert math.isclose(cross_entropy(z, y), ref, rel_tol=1e-12)
    assert math.isfinite(cross_entropy([800.0, -800.0], [0, 1]))
    assert math.isclose(cross_entropy([800.0], [0]), 800.0)


def test_hinge_and_mse():
    assert hinge([2.0, 0.5, -1.0], [1, 1, 0]) == pytest.approx((0 + 0.5 + 0) / 3)
    assert hinge([-0.5], [1]) == pytest.approx(1.5)
    assert mean_squared_error([1.0, 3.0], [0.0, 1.0]) == pytest.approx(2.5)


# ----------------------------------------------------------------------------- classifier
def test_classifier_structure_and_repr():
    m = VariationalClassifier(n_features=2, layers=3)
    assert m.n_weights == 12 and m.n_params == 14
    assert m.circuit.num_qubits == 2
    assert [p.name for p in m.input_parameters] == ["x[0]", "x[1]"]
    assert repr(m).startswith("VariationalClassifier(n_qubits=2, layers=3")
    assert m.parameter_names[-2:] == ["w", "b"]
    # re-uploading: the encoding appears once per layer
    n_enc = sum(1 for inst in m.circuit.data
                if any(p in m.input_parameters
                       for par in inst.operation.params for p in getattr(par, "parameters", ())))
    assert n_enc == 6
    once = VariationalClassifier(n_features=2, layers=3, reupload=False)
    assert once.n_params == 14


def test_outputs_match_statevector_reference():
    m = VariationalClassifier(n_features=2, layers=2)
    p = m.init_params(seed=4)
    ev = m.expectations(X2[:3], p)
    for x, e in zip(X2[:3], ev, strict=True):
        bound = m.circuit.assign_parameters(m.parameter_values(x[None], p)[0])
        ref = Statevector(bound).expectation_value(SparsePauliOp("ZZ")).real
        assert math.isclose(e, ref, abs_tol=1e-10)
    np.testing.assert_allclose(m.outputs(X2[:3], p), p[-2] * ev + p[-1])


def test_estimator_path_matches_engine():
    m = VariationalClassifier(n_features=2, layers=2)
    p = m.init_params(seed=1)
    np.testing.assert_allclose(m.expectations(X2, p, estimator=StatevectorEstimator()),
                               m.expectations(X2, p), atol=1e-10)


def test_batched_params_give_one_row_per_parameter_vector():
    m = VariationalClassifier(n_features=2, layers=2)
    P = np.stack([m.init_params(seed=s) for s in range(3)])
    out = m.outputs(X2, P)
    assert out.shape == (3, len(X2))
    for k in range(3):
        np.testing.assert_allclose(out[k], m.outputs(X2, P[k]), atol=1e-12)
    losses = m.loss(X2, Y2, P)
    assert losses.shape == (3,)
    assert math.isclose(losses[1], m.loss(X2, Y2, P[1]), rel_tol=1e-12)


@pytest.mark.parametrize("kwargs", [
    {},
    {"loss": "hinge"},
    {"ansatz": "real_amplitudes", "encoding": "zz", "input_scale": 0.5},
    {"ansatz": "efficient_su2", "n_qubits": 3, "observable": "ZII", "entangler": "cx"},
    {"gradient_method": "parameter-shift"},
])
def test_classifier_gradient_matches_finite_differences(kwargs):
    m = VariationalClassifier(n_features=2, layers=2, **kwargs)
    p = m.init_params(seed=2)
    loss, g = m.loss_and_grad(X2, Y2, p)
    f = m.loss_function(X2, Y2)
    assert math.isclose(loss, f(p[None])[0], rel_tol=1e-12)
    np.testing.assert_allclose(g, fd_grad(f, p), atol=2e-6)


def test_batched_gradient_matches_single():
    m = VariationalClassifier(n_features=2, layers=2)
    P = np.stack([m.init_params(seed=s) for s in range(4)])
    G = m.loss_function(X2, Y2).gradient(P)
    assert G.shape == (4, m.n_params)
    for k in range(4):
        np.testing.assert_allclose(G[k], m.loss_and_grad(X2, Y2, P[k])[1], atol=1e-12)


def test_predict_score_proba_consistent():
    m = VariationalClassifier(n_features=2, layers=2)
    p = m.init_params(seed=0)
    z = m.decision_function(X2, p)
    np.testing.assert_array_equal(m.predict(X2, p), (z > 0).astype(int))
    np.testing.assert_allclose(m.predict_proba(X2, p), sigmoid(z))
    assert m.score(X2, Y2, p) == pytest.approx(np.mean((z > 0) == Y2))
    assert m.metric(z, Y2) == pytest.approx(m.score(X2, Y2, p))


def test_decision_grid_shapes_and_values():
    m = VariationalClassifier(n_features=2, layers=1)
    p = m.init_params(seed=0)
    xx, yy, zz = m.decision_grid(X2, p, resolution=7)
    assert xx.shape == yy.shape == zz.shape == (7, 7)
    assert xx.min() == pytest.approx(X2[:, 0].min() - 0.3)
    pts = np.column_stack([xx.ravel(), yy.ravel()])
    np.testing.assert_allclose(zz.ravel(), m.outputs(pts, p))
    xx, yy, zz = m.decision_grid(params=p, xlim=(0, 1), ylim=(0, 2), resolution=3)
    assert yy[-1, 0] == 2.0


def test_plot_decision_boundary_draws():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    m = VariationalClassifier(n_features=2, layers=1)
    p = m.init_params(seed=0)
    ax = plot_decision_boundary(m, X2, Y2, p, X_test=X2[:3], y_test=Y2[:3], resolution=9,
                                title="t")
    assert ax.get_title() == "t"
    plt.close(ax.figure)


def test_model_loss_is_a_landscape_loss():
    m = VariationalClassifier(n_features=2, layers=1)
    f = m.loss_function(X2, Y2)
    assert isinstance(f, ModelLoss)
    assert repr(f) == "ModelLoss(VariationalClassifier, n_samples=12, n_params=6)"
    p = m.init_params(seed=0)
    scan = L.scan_2d(f, p, *L.random_directions(m.n_params, 2, seed=0), span=1.0, resolution=3)
    assert scan.values.shape == (3, 3)
    assert math.isclose(scan.values[1, 1], m.loss(X2, Y2, p), rel_tol=1e-12)


@pytest.mark.parametrize("bad, match", [
    ({"n_features": 0}, "n_features"),
    ({"layers": 0}, "layers"),
    ({"encoding": "amplitude"}, "encoding"),
    ({"ansatz": "qaoa"}, "ansatz"),
    ({"loss": "mse"}, "loss"),
    ({"entangler": "swap"}, "entangler"),
    ({"encoding": "zz", "n_qubits": 3}, "one qubit per feature"),
    ({"observable": "ZZZ"}, "Pauli label"),
    ({"observable": SparsePauliOp("ZZZ")}, "acts on 3 qubits"),
    ({"input_scale": -1}, "input_scale"),
    ({"gradient_method": "fd"}, "gradient_method"),
])
def test_classifier_rejects_bad_settings(bad, match):
    with pytest.raises(ValueError, match=match):
        VariationalClassifier(**{"n_features": 2, **bad})


def test_classifier_rejects_bad_data_and_params():
    m = VariationalClassifier(n_features=2, layers=1)
    with pytest.raises(ValueError, match="no parameters"):
        m.outputs(X2)
    p = m.init_params(seed=0)
    with pytest.raises(ValueError, match="shape"):
        m.outputs(X2, p[:-1])
    with pytest.raises(ValueError, match=r"shape \(n_samples, 2\)"):
        m.outputs(X2[:, :1], p)
    with pytest.raises(ValueError, match="labels must be 0 or 1"):
        m.loss(X2, 2 * Y2 - 1, p)
    with pytest.raises(ValueError, match="entries"):
        m.loss(X2, Y2[:-1], p)
    with pytest.raises(ValueError, match="NaN"):
        m.outputs(np.full((2, 2), np.nan), p)


# ----------------------------------------------------------------------------- regression
def test_reuploading_model_structure():
    m = ReuploadingModel(layers=3)
    assert m.n_weights == 12 and m.n_params == 14
    assert m.frequencies().tolist() == [0.0, 1.0, 2.0, 3.0]
    m2 = ReuploadingModel(layers=2, n_qubits=2, input_scale=0.5)
    assert m2.max_frequency() == 4
    np.testing.assert_allclose(m2.frequencies(), 0.5 * np.arange(5))
    assert repr(m2) == "ReuploadingModel(layers=2, n_qubits=2, input_scale=0.5, n_params=20)"


@pytest.mark.parametrize("layers, n_qubits, scale", [(1, 1, 1.0), (3, 1, 1.0), (2, 2, 0.5)])
def test_spectrum_reconstructs_the_function(layers, n_qubits, scale):
    m = ReuploadingModel(layers=layers, n_qubits=n_qubits, input_scale=scale)
    p = m.init_params(seed=5)
    freqs, c = m.spectrum(p)
    x = np.linspace(-4, 4, 13)
    recon = c[0].real + 2 * sum((c[k] * np.exp(1j * freqs[k] * x)).real for k in range(1, len(c)))
    np.testing.assert_allclose(recon, m.predict(x, p), atol=1e-10)


def test_one_layer_has_no_second_harmonic():
    m = ReuploadingModel(layers=1)
    for s in range(3):
        x = np.linspace(0, 2 * np.pi, 64, endpoint=False)
        c = np.fft.fft(m.predict(x, m.init_params(seed=s))) / 64
        assert np.all(np.abs(c[2:32]) < 1e-10)


def test_reuploading_gradient_and_score():
    m = ReuploadingModel(layers=2, n_qubits=2)
    x = np.linspace(-3, 3, 9)
    y = np.sin(x)
    p = m.init_params(seed=1)
    f = m.loss_function(x, y)
    loss, g = m.loss_and_grad(x, y, p)
    assert math.isclose(loss, np.mean((m.predict(x, p) - y) ** 2), rel_tol=1e-12)
    np.testing.assert_allclose(g, fd_grad(f, p), atol=2e-6)
    perfect = m.predict(x, p)
    assert m.score(x, perfect, p) == pytest.approx(1.0)
    assert m.metric(perfect, y) == pytest.approx(mean_squared_error(perfect, y))


def test_reuploading_rejects_bad_settings():
    with pytest.raises(ValueError, match="layers"):
        ReuploadingModel(layers=0)
    with pytest.raises(ValueError, match="n_qubits"):
        ReuploadingModel(n_qubits=20)
    with pytest.raises(ValueError, match="input_scale"):
        ReuploadingModel(input_scale="big")
    with pytest.raises(ValueError, match="scale"):
        ReuploadingModel().init_params(scale=-1)


def test_estimator_with_pass_manager_for_a_device():
    from qiskit.providers.fake_provider import GenericBackendV2
    from qiskit.transpiler import generate_preset_pass_manager

    backend = GenericBackendV2(num_qubits=4, seed=1)
    pm = generate_preset_pass_manager(optimization_level=1, backend=backend, seed_transpiler=1)
    m = VariationalClassifier(n_features=2, layers=2)
    p = m.init_params(seed=3)
    isa, obs = m.isa_circuit_and_observable(pm)
    assert isa.num_qubits == 4 and obs.num_qubits == 4
    assert m.isa_circuit_and_observable(pm)[0] is isa  # cached
    got = m.expectations(X2[:5], p, estimator=StatevectorEstimator(), pass_manager=pm)
    np.testing.assert_allclose(got, m.expectations(X2[:5], p), atol=1e-9)
    assert m.score(X2, Y2, p, estimator=StatevectorEstimator(), pass_manager=pm) == \
        m.score(X2, Y2, p)
    with pytest.raises(ValueError, match="needs an estimator"):
        m.expectations(X2, p, pass_manager=pm)


def test_plot_decision_boundary_names_the_held_out_points():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    m = VariationalClassifier(n_features=2, layers=1)
    ax = plot_decision_boundary(m, X2, Y2, m.init_params(seed=0), X_test=X2[:3], y_test=Y2[:3],
                                resolution=9, test_label="validation")
    assert "validation" in [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close(ax.figure)
