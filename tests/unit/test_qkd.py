"""BB84 simulation and classical post-processing (qmlcourse.qkd)."""
import numpy as np
import pytest
from qiskit.primitives import StatevectorSampler
from qiskit.quantum_info import Statevector

from qmlcourse import qkd


@pytest.mark.parametrize("basis, bit, amplitudes", [
    (0, 0, [1, 0]), (0, 1, [0, 1]),
    (1, 0, [2 ** -0.5, 2 ** -0.5]), (1, 1, [2 ** -0.5, -(2 ** -0.5)]),
])
def test_alice_prepares_the_four_bb84_states(basis, bit, amplitudes):
    sv = Statevector(qkd.bb84_circuit(bit, basis))
    assert np.allclose(sv.data, amplitudes)


def test_round_circuit_layout():
    qc = qkd.bb84_circuit(1, 0, 1, eve_basis=1, channel_error="z")
    assert [c.name for c in qc.cregs] == ["eve", "bob"]
    assert dict(qc.count_ops()) == {"x": 1, "h": 3, "measure": 2, "barrier": 2, "z": 1}
    with pytest.raises(ValueError, match="channel_error"):
        qkd.bb84_circuit(0, 0, 0, channel_error="w")
    with pytest.raises(ValueError, match="bit"):
        qkd.bb84_circuit(2, 0)


def test_without_eve_the_sifted_keys_agree():
    run = qkd.simulate_bb84(600, seed=2)
    assert run.qber == 0.0 and np.array_equal(run.alice_key, run.bob_key)
    assert 250 < run.n_sifted < 350
    # mismatched bases give Bob a coin flip
    off = ~run.sift_mask
    assert 0.4 < np.mean(run.alice_bits[off] != run.bob_bits[off]) < 0.6
    assert repr(run) == f"BB84Result(rounds=600, sifted={run.n_sifted}, qber=0.0000)"


def test_simulation_is_seeded_and_matches_qiskits_sampler():
    a = qkd.simulate_bb84(300, eve=0.5, seed=4)
    b = qkd.simulate_bb84(300, eve=0.5, seed=4)
    c = qkd.simulate_bb84(300, eve=0.5, seed=4, sampler=StatevectorSampler(seed=4))
    for x in (b, c):
        assert np.array_equal(a.bob_bits, x.bob_bits) and np.array_equal(a.eve_bits, x.eve_bits)
    assert not np.array_equal(a.alice_bits, qkd.simulate_bb84(300, seed=5).alice_bits)


def test_intercept_resend_gives_a_quarter_errors():
    run = qkd.simulate_bb84(4000, eve=1.0, seed=1)
    assert run.intercepted.all()
    assert abs(run.qber - 0.25) < 0.03
    same = run.eve_bases == run.alice_bases
    assert np.array_equal(run.eve_bits[same], run.alice_bits[same])   # right basis: exact copy
    kept = run.sift_mask
    assert error_in(run, kept & same) == 0.0
    assert abs(error_in(run, kept & ~same) - 0.5) < 0.05


def error_in(run, mask):
    return qkd.error_rate(run.alice_bits[mask], run.bob_bits[mask])


def test_partial_interception_and_channel_noise_scale_the_qber():
    half = qkd.simulate_bb84(4000, eve=0.4, seed=3)
    assert abs(half.qber - 0.1) < 0.025
    noisy = qkd.simulate_bb84(4000, channel_noise=0.15, seed=3)
    assert abs(noisy.qber - 0.1) < 0.025 and not noisy.intercepted.any()


def test_table_shows_the_first_rounds():
    run = qkd.simulate_bb84(20, eve=1.0, seed=0)
    lines = run.table(5).splitlines()
    assert len(lines) == 6 and "Eve basis" in lines[0] and lines[1].split()[0] == "0"
    assert "Eve" not in qkd.simulate_bb84(20, seed=0).table(3)


def test_simulation_validates_inputs():
    with pytest.raises(ValueError, match="eve"):
        qkd.simulate_bb84(10, eve=1.5)
    with pytest.raises(ValueError, match="n_rounds"):
        qkd.simulate_bb84(0)


def test_sift_and_error_rate():
    assert qkd.sift([0, 1, 1], [1, 1, 0]).tolist() == [False, True, False]
    assert qkd.error_rate([1, 1, 0, 0], [1, 0, 0, 1]) == 0.5
    assert qkd.error_rate([], []) == 0.0
    with pytest.raises(ValueError, match="lengths"):
        qkd.error_rate([1], [1, 0])
    with pytest.raises(ValueError, match="only 0 and 1"):
        qkd.sift([0, 2], [0, 1])


def test_estimate_qber_reveals_and_discards_a_sample():
    a = np.zeros(100, dtype=int)
    b = a.copy()
    b[:20] = 1
    est = qkd.estimate_qber(a, b, sample_fraction=0.5, seed=1)
    assert est.sample_size == 50 and est.alice_rest.size == 50 and est.bob_rest.size == 50
    assert est.qber == pytest.approx(np.mean(b[est.sample]))
    assert 0 < est.standard_error() < 0.1
    all_of_it = qkd.estimate_qber(a, b, sample_fraction=1.0)
    assert all_of_it.qber == pytest.approx(0.2) and all_of_it.alice_rest.size == 0


def test_binary_entropy_and_key_rate_threshold():
    assert qkd.binary_entropy(0.5) == pytest.approx(1.0)
    assert qkd.binary_entropy(0.0) == 0.0 and qkd.binary_entropy(1.0) == 0.0
    assert np.allclose(qkd.binary_entropy(np.array([0.1, 0.9])), 0.468996, atol=1e-6)
    assert qkd.key_rate(0.0) == 1.0
    assert qkd.key_rate(0.25) == 0.0
    assert qkd.key_rate(0.10) > 0 > -qkd.key_rate(0.12) - 1e-15 and qkd.key_rate(0.12) == 0.0


def test_cascade_lite_finds_single_errors_and_counts_parities():
    a = np.zeros(32, dtype=np.uint8)
    b = a.copy()
    b[[3, 12, 25]] = 1                       # one error in three different blocks of 8
    res = qkd.cascade_lite(a, b, block_size=8, passes=1)
    assert res.residual_errors == 0 and res.corrected == 3
    assert res.leaked_bits == 4 + 3 * 3      # 4 block parities + log2(8) per search
    assert np.array_equal(res.bob_key, a)


def test_cascade_lite_later_passes_catch_even_error_blocks():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 2, 400).astype(np.uint8)
    b = a.copy()
    flips = rng.choice(400, 20, replace=False)
    b[flips] ^= 1
    one = qkd.cascade_lite(a, b, block_size=8, passes=1, seed=1)
    four = qkd.cascade_lite(a, b, block_size=8, passes=4, seed=1)
    assert four.residual_errors < one.residual_errors or one.residual_errors == 0
    assert four.leaked_bits > one.leaked_bits


def test_privacy_amplification_is_a_linear_hash_shared_by_seed():
    rng = np.random.default_rng(3)
    x, y = rng.integers(0, 2, (2, 64))
    hx = qkd.privacy_amplification(x, 20, seed=9)
    hy = qkd.privacy_amplification(y, 20, seed=9)
    assert hx.shape == (20,) and set(np.unique(hx)) <= {0, 1}
    assert np.array_equal(qkd.privacy_amplification(x ^ y, 20, seed=9), hx ^ hy)
    assert np.array_equal(qkd.hash_matrix(20, 64, seed=9), qkd.hash_matrix(20, 64, seed=9))
    with pytest.raises(ValueError, match="cannot exceed"):
        qkd.hash_matrix(65, 64)


def test_final_key_length_formula():
    assert qkd.final_key_length(1000, 0.0, 0) == 990
    assert qkd.final_key_length(1000, 0.05, 100, margin=0) == int(1000 * (1 - qkd.binary_entropy(0.05)) - 100)
    assert qkd.final_key_length(100, 0.3, 50) == 0


def test_run_protocol_end_to_end():
    ok = qkd.run_protocol(2000, seed=3)
    assert not ok.aborted and ok.keys_match and ok.final_length > 400
    assert np.array_equal(ok.alice_final, ok.bob_final) and ok.alice_final.size == ok.final_length
    assert str(ok).splitlines()[0].split()[-1] == "2000"
    spied = qkd.run_protocol(2000, eve=1.0, seed=3)
    assert spied.aborted and spied.final_length == 0 and "ABORT" in str(spied)
