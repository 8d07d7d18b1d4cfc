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

    def stub(target, model):  # the student copy's placeholder
        return None

    assert not check.kl_function(stub)
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
