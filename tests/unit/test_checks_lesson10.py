import numpy as np

from qmlcourse import generative as G
from qmlcourse.checks import lesson10 as check


def good_kl(t, m):
    t, m = np.asarray(t), np.asarray(m)
    mask = t > 0
    return float(np.sum(t[mask] * np.log(t[mask] / m[mask])))


def test_kl_right_answer_passes(capsys):
    assert check.kl_function(good_kl)
    assert check.kl_function(lambda t, m: G.kl_divergence(t, m))
    assert "ln 2" in capsys.readouterr().out


def test_kl_hints(capsys):
    assert not check.kl_function(lambda t, m: good_kl(m, t) if np.all(np.asarray(t) > 0) else 0.7)
    assert "reversed" in capsys.readouterr().out
    assert not check.kl_function(lambda t, m: -good_kl(t, m))
    assert "sign" in capsys.readouterr().out.lower()
    assert not check.kl_function(lambda t, m: good_kl(t, m) / np.log(2))
    assert "log base 2" in capsys.readouterr().out
    with np.errstate(divide="ignore", invalid="ignore"):
        assert not check.kl_function(lambda t, m: float(np.sum(t * np.log(t / m))))
    assert "NaN" in capsys.readouterr().out
    assert not check.kl_function(lambda t, m: t * np.log(np.maximum(t, 1e-12) / m))
    assert "single number" in capsys.readouterr().out
    assert not check.kl_function(0.693)
    assert "function itself" in capsys.readouterr().out
    assert not check.kl_function(lambda t, m: 1.0)
    assert "expected ln 2" in capsys.readouterr().out

    def stub(target, model):  # the student copy's placeholder: not an answer yet
        return None

    assert not check.kl_function(stub)
    assert "no answer yet" in capsys.readouterr().out

    def started(target, model):  # begun, but forgot to return
        ratio = target / model  # noqa: F841

    assert not check.kl_function(started)
    assert "returns None" in capsys.readouterr().out


TARGET = np.array([0.30, 0.05, 0.10, 0.15, 0.02, 0.08, 0.10, 0.20])


def test_independent_bits_right_answer(capsys):
    assert check.independent_bits_model(G.independent_bits_fit(TARGET), TARGET)
    assert "correlation" in capsys.readouterr().out


def test_independent_bits_hints(capsys):
    n = 3
    bits = (np.arange(8)[:, None] >> np.arange(n)) & 1
    m1 = bits.T @ TARGET
    assert not check.independent_bits_model(TARGET, TARGET)
    assert "target itself" in capsys.readouterr().out
    assert not check.independent_bits_model(G.independent_bits(m1[::-1]), TARGET)
    assert "Bit order" in capsys.readouterr().out
    assert not check.independent_bits_model(G.independent_bits(1 - m1), TARGET)
    assert "P(bit = 0)" in capsys.readouterr().out
    assert not check.independent_bits_model(2 * G.independent_bits(m1), TARGET)
    assert "sum" in capsys.readouterr().out
    assert not check.independent_bits_model(np.ones(4) / 4, TARGET)
    assert "8 probabilities" in capsys.readouterr().out
    assert not check.independent_bits_model(np.roll(G.independent_bits(m1), 1), TARGET)
    assert "marginals" in capsys.readouterr().out


def test_missing_or_garbage_never_raises(capsys):
    assert not check.kl_function(None)
    assert not check.kl_function(lambda t: 0)
    assert not check.kl_function(lambda t, m: "x")
    assert not check.independent_bits_model(None, TARGET)
    assert not check.independent_bits_model("abc", TARGET)
    assert not check.independent_bits_model([np.nan] * 8, TARGET)
    out = capsys.readouterr().out
    assert "no answer yet" in out and "Traceback" not in out


def _mmd(p, t, K):
    d = np.asarray(p) - np.asarray(t)
    return float(d @ K @ d)


def test_mmd_right_answer(capsys):
    assert check.mmd_function(_mmd)
    assert check.mmd_function(lambda p, t, K: float(p @ K @ p + t @ K @ t - 2 * p @ K @ t))   # expanded form
    assert "never saw" in capsys.readouterr().out


def test_mmd_hints(capsys):
    cases = [(lambda p, t, K: np.sqrt(_mmd(p, t, K)), "square root"),
             (lambda p, t, K: float(p @ K @ p + t @ K @ t), "cross term"),
             (lambda p, t, K: float((p - t) @ (p - t)), "kernel is missing"),
             (lambda p, t, K: K @ (p - t), "ONE number"),
             (lambda p, t, K: -_mmd(p, t, K), "Sign"),
             (lambda p, t, K: 2 * _mmd(p, t, K), "factor 2"),
             (lambda p, t, K: _mmd(p, t, K) + 0.1, "expected"),
             (lambda p, t, K: None, "returns None"),
             (lambda p, t, K: p @ K[:3], "raised ValueError"),
             (3.0, "Pass the function")]
    for fn, hint in cases:
        assert not check.mmd_function(fn)
        assert hint in capsys.readouterr().out, hint


def test_mmd_matches_the_library():
    from qmlcourse import generative as gen
    K = gen.gaussian_kernel(4, sigmas=(0.5, 1.0, 2.0))
    p, t = np.random.default_rng(1).dirichlet(np.ones(16), size=2)
    assert np.isclose(_mmd(p, t, K), gen.mmd(p, t, K))


def test_predict_and_reveal(capsys):
    assert check.predict_tree_valid(0.9)
    assert not check.reveal_tree_valid(0.444)
    out = capsys.readouterr().out
    assert "🔮" in out and "you predicted 0.9" in out and "off by" in out
    assert not check.predict_tree_valid(None)
    assert "none recorded" in capsys.readouterr().out
    assert not check.mmd_function(None)
    assert "no answer yet" in capsys.readouterr().out
