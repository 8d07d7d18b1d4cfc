import numpy as np
import pytest
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import SVC

from qmlcourse import datasets, honesty as hn
from qmlcourse.checks import lesson20 as check

# ----------------------------------------------------------------------------- 20.1
K = 2
XT = np.linspace(0.1, 6.0, 9)
XG = np.linspace(0, 2 * np.pi, 40)


def f(x):
    return 0.3 + 0.5 * np.cos(x) - 0.2 * np.sin(2 * x) + 0.1 * np.sin(x)


def test_right_surrogate_passes(capsys):
    pred = hn.predict_fourier(XG, hn.fit_fourier(XT, f(XT), K))
    assert check.surrogate(pred, XT, f(XT), XG, f(XG), K)
    assert "5 classical coefficients" in capsys.readouterr().out


def fit_cols(cols):
    A = np.stack([c(XT) for c in cols], axis=1)
    c = np.linalg.lstsq(A, f(XT), rcond=None)[0]
    return np.stack([col(XG) for col in cols], axis=1) @ c


ONE = [lambda x: np.ones_like(x)]
COS = [lambda x, k=k: np.cos(k * x) for k in (1, 2)]
SIN = [lambda x, k=k: np.sin(k * x) for k in (1, 2)]


@pytest.mark.parametrize("answer, hint", [
    (hn.predict_fourier(XG, hn.fit_fourier(XT, f(XT), 1)), "Degree 1 is too low"),
    (fit_cols(COS + SIN), "constant column"),
    (fit_cols(ONE + COS), "Only cosines"),
    (fit_cols(ONE + SIN), "Only sines"),
    (hn.fit_fourier(XT, f(XT), K), "coefficients"),
    (np.zeros(40), "Build A = [1, cos x"),
    (np.zeros(7), "Expected 40 numbers"),
])
def test_wrong_surrogates_get_hints(answer, hint, capsys):
    assert not check.surrogate(answer, XT, f(XT), XG, f(XG), K)
    assert hint in capsys.readouterr().out


# ----------------------------------------------------------------------------- 20.2
D = datasets.make_circles(60, seed=2)
S = datasets.train_test_split(D.X, D.y, test_size=0.3, seed=2)
GAMMAS = [0.01, 1.0, 30.0]
FOLDS = list(StratifiedKFold(5, shuffle=True, random_state=0).split(S.X_train, S.y_train))


def cv_by_hand(score_on="val", reduce=np.mean):
    out = []
    for g in GAMMAS:
        accs = []
        for fit, val in FOLDS:
            m = SVC(gamma=g).fit(S.X_train[fit], S.y_train[fit])
            accs.append(m.score(S.X_train[val], S.y_train[val]))
        out.append(reduce(accs))
    return out


ARGS = (GAMMAS, S.X_train, S.y_train, S.X_test, S.y_test)


def test_right_cv_scores_pass(capsys):
    assert check.cv_scores(cv_by_hand(), *ARGS)
    assert "never touched" in capsys.readouterr().out


@pytest.mark.parametrize("answer, hint", [
    ([SVC(gamma=g).fit(S.X_train, S.y_train).score(S.X_test, S.y_test) for g in GAMMAS], "TEST accuracies"),
    ([SVC(gamma=g).fit(S.X_train, S.y_train).score(S.X_train, S.y_train) for g in GAMMAS], "fitted to"),
    (cv_by_hand(reduce=np.sum), "summed the 5"),
    ([0.5, 0.5, 0.5], "average the scores"),
    ([0.5, 0.5], "Expected 3 numbers"),
])
def test_wrong_cv_scores_get_hints(answer, hint, capsys):
    assert not check.cv_scores(answer, *ARGS)
    assert hint in capsys.readouterr().out


# ----------------------------------------------------------------------------- 20.3
SC = [1, 3, 5]
VALS = [0.28, 0.17, 0.10]


def test_right_richardson_passes(capsys):
    want = float(np.polyval(np.polyfit(SC, VALS, 2), 0))
    assert check.richardson(want, SC, VALS)
    assert "unmitigated value was 0.2800" in capsys.readouterr().out


@pytest.mark.parametrize("answer, hint", [
    (hn.extrapolate(SC, VALS, "linear"), "straight-line fit"),
    (hn.extrapolate(SC[:2], VALS[:2], "linear"), "first two points"),
    (0.28, "unmitigated value at scale 1"),
    (float(np.polyval(np.polyfit(SC, VALS, 2), -1)), "at scale -1"),
    (0.5, "np.polyval(np.polyfit"),
    ("zero", "Give one number"),
])
def test_wrong_richardson_gets_hints(answer, hint, capsys):
    assert not check.richardson(answer, SC, VALS)
    assert hint in capsys.readouterr().out


# ----------------------------------------------------------------------------- prediction
def test_predict_then_reveal_baseline(capsys):
    assert check.predict_fair_baseline(0.97)
    assert check.reveal_fair_baseline(1.0)
    assert not check.predict_fair_baseline("high")
    assert not check.reveal_fair_baseline(1.0)
    out = capsys.readouterr().out
    assert "you predicted 0.97" in out and "no prediction recorded yet" in out
