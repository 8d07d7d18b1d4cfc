"""Data encodings as Qiskit circuits, and what each one costs.

Encodings turn a classical feature vector ``x`` into a quantum state ``|φ(x)⟩``:

* :func:`basis_encoding` — bits → the computational basis state ``|b⟩`` (X gates).
* :func:`angle_encoding` — one rotation angle per feature (``dense=True``: two per qubit).
* :func:`amplitude_encoding` — ``2**n`` numbers as the amplitudes of ``n`` qubits.
* Qiskit's ``zz_feature_map`` / ``pauli_feature_map`` (IQP-style, entangling), built by
  :func:`encoding_circuit` beside the others.

Parameterised encodings take one ``ParameterVector`` named ``x`` whose order is the
feature order, so the engine evaluates a whole dataset at once::

    >>> import numpy as np
    >>> from qmlcourse.encodings import angle_encoding
    >>> from qmlwidgets.engine import statevectors
    >>> enc = angle_encoding(2)                       # RY(x0) on qubit 0, RY(x1) on qubit 1
    >>> statevectors(enc, [[np.pi, 0.0]]).real.round(3) + 0.0   # qubit 0 flipped: |01>
    array([[0., 1., 0., 0.]])

Costs: :func:`qubits_needed`, :func:`encoding_cost` (gate counts after compiling to
one-qubit ``u`` + ``cx``) and :func:`cost_table`.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

__all__ = [
    "ENCODINGS",
    "basis_encoding",
    "angle_encoding",
    "amplitude_vector",
    "amplitude_encoding",
    "encoding_circuit",
    "qubits_needed",
    "encoding_cost",
    "cost_table",
]

#: encoding names understood by :func:`qubits_needed`, :func:`encoding_circuit`, :func:`cost_table`
ENCODINGS = ("basis", "angle", "dense_angle", "amplitude", "zz")
_ROTATIONS = ("rx", "ry", "rz")
# one-qubit gates counted as they are (each is one ``u`` gate after compiling)
_ONE_QUBIT = {"x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "sxdg", "rx", "ry", "rz", "p", "u", "u1", "u2", "u3"}


def _check_count(value: Any, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def basis_encoding(bits: str | int | Sequence[int], num_qubits: int | None = None):
    """Circuit preparing the computational basis state of ``bits`` (an X on every 1).

    ``bits`` is a bitstring read like a Qiskit label (rightmost character = qubit 0), an
    integer (its binary digits; give ``num_qubits`` to pad), or a sequence whose item ``i``
    goes to qubit ``i``. The statevector has its single 1 at index ``int(bits, 2)``.

    >>> from qiskit.quantum_info import Statevector
    >>> Statevector(basis_encoding("110")).probabilities().tolist()   # all weight on index 6 = 0b110
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0]
    >>> basis_encoding(6, num_qubits=4).num_qubits, basis_encoding([0, 1, 1]).count_ops()["x"]
    (4, 2)
    """
    from qiskit import QuantumCircuit

    if isinstance(bits, str):
        label = bits.strip().replace(" ", "").replace("_", "")
        if not label or set(label) - {"0", "1"}:
            raise ValueError(f"bits must be a string of 0s and 1s, got {bits!r}")
        per_qubit = [int(c) for c in reversed(label)]
    elif isinstance(bits, (int, np.integer)) and not isinstance(bits, bool):
        if bits < 0:
            raise ValueError(f"an integer to basis-encode must be >= 0, got {bits}")
        per_qubit = [int(c) for c in reversed(format(int(bits), "b"))]
    else:
        try:
            per_qubit = [int(b) for b in bits]
        except (TypeError, ValueError):
            raise ValueError(f"bits must be a bitstring, an integer or a sequence of 0/1, got {bits!r}") from None
        if not per_qubit or set(per_qubit) - {0, 1}:
            raise ValueError(f"bits must contain only 0 and 1, got {bits!r}")
    n = len(per_qubit)
    if num_qubits is not None:
        n_req = _check_count(num_qubits, "num_qubits")
        if n_req < n and any(per_qubit[n_req:]):
            raise ValueError(f"{bits!r} needs {n} qubits but num_qubits={n_req}")
        per_qubit = (per_qubit + [0] * n_req)[:n_req]
        n = n_req
    qc = QuantumCircuit(n, name="basis")
    for q, b in enumerate(per_qubit):
        if b:
            qc.x(q)
    return qc


def angle_encoding(num_features: int, rotation: str = "ry", *, dense: bool = False, scale: float = 1.0,
                   name: str = "x"):
    """Parameterised angle encoding: feature ``x_i`` is the angle of a rotation on qubit ``i``.

    ``rotation`` is ``"rx"``, ``"ry"`` (default: real amplitudes ``cos(x/2)|0⟩ + sin(x/2)|1⟩``)
    or ``"rz"`` (after an H, so the angle becomes a phase). ``dense=True`` packs two
    features per qubit: ``RY(x_{2q})`` then ``RZ(x_{2q+1})`` on qubit ``q``. ``scale``
    multiplies every angle (a bandwidth). Bind data with ``assign_parameters(x)`` or pass
    ``X`` (N, d) to the engine.

    >>> angle_encoding(3).num_qubits, angle_encoding(3, dense=True).num_qubits
    (3, 2)
    """
    from qiskit import QuantumCircuit
    from qiskit.circuit import ParameterVector

    d = _check_count(num_features, "num_features")
    rot = str(rotation).lower()
    if rot not in _ROTATIONS:
        raise ValueError(f"rotation must be one of {', '.join(_ROTATIONS)}, got {rotation!r}")
    s = float(scale)
    if not math.isfinite(s) or s == 0:
        raise ValueError(f"scale must be a finite non-zero number, got {scale!r}")
    x = ParameterVector(name, d)
    angle = (lambda p: p) if s == 1.0 else (lambda p: s * p)
    if dense:
        n = (d + 1) // 2
        qc = QuantumCircuit(n, name="dense_angle")
        for i in range(d):
            q = i // 2
            if i % 2 == 0:
                qc.ry(angle(x[i]), q)
            else:
                qc.rz(angle(x[i]), q)
        return qc
    qc = QuantumCircuit(d, name=f"angle_{rot}")
    for i in range(d):
        if rot == "rz":
            qc.h(i)
        getattr(qc, rot)(angle(x[i]), i)
    return qc


def amplitude_vector(x: Any, num_qubits: int | None = None) -> np.ndarray:
    """``x`` zero-padded to ``2**n`` entries and divided by its norm: the amplitudes it encodes.

    >>> amplitude_vector([3, 4]).tolist()
    [0.6, 0.8]
    >>> amplitude_vector([1, 1, 1]).round(4).tolist()          # padded to 4 entries
    [0.5774, 0.5774, 0.5774, 0.0]
    """
    v = np.asarray(x)
    if v.ndim != 1 or v.size == 0:
        raise ValueError(f"x must be a non-empty 1-D vector, got shape {v.shape}")
    if not np.issubdtype(v.dtype, np.number):
        raise ValueError(f"x must contain numbers, got dtype {v.dtype}")
    v = v.astype(complex if np.iscomplexobj(v) else float)
    if not np.all(np.isfinite(v)):
        raise ValueError("x contains NaN or inf")
    n = max(1, math.ceil(math.log2(v.size))) if num_qubits is None else _check_count(num_qubits, "num_qubits")
    if 2**n < v.size:
        raise ValueError(f"{v.size} features do not fit into the {2**n} amplitudes of {n} qubits")
    norm = float(np.linalg.norm(v))
    if norm == 0:
        raise ValueError("the zero vector cannot be amplitude-encoded (it has no direction)")
    out = np.zeros(2**n, dtype=v.dtype)
    out[: v.size] = v / norm
    return out


def amplitude_encoding(x: Any, num_qubits: int | None = None):
    """Circuit whose state has amplitudes :func:`amplitude_vector` ``(x)`` (Qiskit ``StatePreparation``).

    ``2**n`` features need only ``n`` qubits, but the preparation circuit needs about
    ``2**n`` CNOTs and, unlike angle encoding, changes structure with the data (it is
    built for one ``x`` at a time). The norm of ``x`` is lost.

    >>> from qiskit.quantum_info import Statevector
    >>> (Statevector(amplitude_encoding([1, 0, 0, 1])).data.real.round(4) + 0.0).tolist()
    [0.7071, 0.0, 0.0, 0.7071]
    """
    from qiskit import QuantumCircuit
    from qiskit.circuit.library import StatePreparation

    amp = amplitude_vector(x, num_qubits)
    n = int(round(math.log2(amp.size)))
    qc = QuantumCircuit(n, name="amplitude")
    qc.append(StatePreparation(amp), range(n))
    return qc


def qubits_needed(encoding: str, num_features: int) -> int:
    """Qubits an encoding needs for ``num_features`` features.

    basis: one per bit (``num_features`` = bits); angle and zz: one per feature;
    dense_angle: one per two features; amplitude: ``ceil(log2(num_features))``.

    >>> [qubits_needed(e, 8) for e in ENCODINGS]
    [8, 8, 4, 3, 8]
    """
    d = _check_count(num_features, "num_features")
    key = _encoding_name(encoding)
    if key == "dense_angle":
        return (d + 1) // 2
    if key == "amplitude":
        return max(1, math.ceil(math.log2(d)))
    return d


def _encoding_name(encoding: str) -> str:
    key = str(encoding).strip().lower().replace("-", "_").replace(" ", "_")
    key = {"iqp": "zz", "zz_feature_map": "zz", "dense": "dense_angle"}.get(key, key)
    if key not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r}; choose from {', '.join(ENCODINGS)}")
    return key


def encoding_circuit(encoding: str, num_features: int, *, reps: int = 2, seed: int | None = 0):
    """A representative circuit of an encoding for ``num_features`` features.

    ``basis`` encodes the all-ones bitstring (worst case), ``amplitude`` a seeded random
    vector (the circuit depends on the data), ``zz`` is ``zz_feature_map(num_features, reps)``;
    the angle encodings are parameterised.

    >>> encoding_circuit("zz", 3).num_parameters
    3
    """
    d = _check_count(num_features, "num_features")
    key = _encoding_name(encoding)
    if key == "basis":
        return basis_encoding("1" * d)
    if key == "angle":
        return angle_encoding(d)
    if key == "dense_angle":
        return angle_encoding(d, dense=True)
    if key == "amplitude":
        rng = np.random.default_rng(seed)
        return amplitude_encoding(rng.standard_normal(d))
    from qiskit.circuit.library import zz_feature_map

    return zz_feature_map(d, reps=_check_count(reps, "reps"))


def encoding_cost(circuit: Any) -> dict[str, int]:
    """Qubits, gate counts and depth after compiling to one-qubit ``u`` gates and CNOTs.

    Every one-qubit gate counts 1 and every CNOT counts 1, a fair common currency
    (two-qubit gates are the expensive, noisy ones on hardware). Circuits made only of
    one-qubit gates and CNOTs are counted as they are; anything else (a state preparation
    block, other two-qubit gates) is first transpiled to ``u`` + ``cx``.

    >>> from qiskit.circuit.library import zz_feature_map
    >>> encoding_cost(zz_feature_map(2, reps=1))
    {'qubits': 2, 'one_qubit_gates': 5, 'two_qubit_gates': 2, 'depth': 5}
    """
    from qiskit import QuantumCircuit

    if not isinstance(circuit, QuantumCircuit):
        raise ValueError(f"expected a qiskit QuantumCircuit, got {type(circuit).__name__}")
    qc = circuit.remove_final_measurements(inplace=False)
    names = {inst.operation.name for inst in qc.data} - {"barrier"}
    if not names <= _ONE_QUBIT | {"cx"}:
        from qiskit import transpile  # only data-dependent blocks (state preparation, ...) need compiling

        qc = transpile(qc, basis_gates=["u", "cx"], optimization_level=1, seed_transpiler=0)
    ops = qc.count_ops()
    two = int(ops.get("cx", 0))
    one = int(sum(v for k, v in ops.items() if k not in ("cx", "barrier")))
    return {"qubits": circuit.num_qubits, "one_qubit_gates": one, "two_qubit_gates": two, "depth": int(qc.depth())}


def cost_table(num_features: Sequence[int] = (2, 4, 8), encodings: Sequence[str] = ENCODINGS, *,
               reps: int = 2) -> list[dict[str, Any]]:
    """Rows ``{"encoding", "features", "qubits", "one_qubit_gates", "two_qubit_gates", "depth"}``.

    >>> [r["qubits"] for r in cost_table([4], ["angle", "amplitude"])]
    [4, 2]
    """
    rows = []
    for e in encodings:
        key = _encoding_name(e)
        for d in num_features:
            cost = encoding_cost(encoding_circuit(key, d, reps=reps))
            rows.append({"encoding": key, "features": int(d), **cost})
    return rows
