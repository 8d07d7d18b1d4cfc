"""The hydrogen molecule as a qubit Hamiltonian, for the VQE lesson (no chemistry package).

The coefficients live in ``qmlcourse/data/h2_hamiltonians.json``, each data set with its
public source (``citation`` / ``copied_from``):

* ``"omalley2016"`` (default) — the 2-qubit Hamiltonian
  ``H = g0 I + g1 Z0 + g2 Z1 + g3 Z0Z1 + g4 Y0Y1 + g5 X0X1`` of O'Malley et al.,
  Phys. Rev. X 6, 031007 (2016), at 54 bond lengths 0.20–2.85 Å (minimal STO-6G basis,
  Bravyi–Kitaev encoding reduced to 2 qubits, nuclear repulsion included);
* ``"qiskit_nature_sto3g_jw"`` / ``"qiskit_nature_sto3g_parity"`` — H₂ at 0.735 Å in the
  STO-3G basis on 4 qubits (Jordan–Wigner) and on 2 qubits (parity + two-qubit reduction),
  printed in the Qiskit Nature tutorial on qubit mappers (electronic energy; the nuclear
  repulsion is stored separately and added by :func:`h2_hamiltonian`).

Energies are in hartree (Ha). Chemical accuracy is 1 kcal/mol ≈ 1.6 mHa.

Example::

    >>> H = h2_hamiltonian(0.75)
    >>> H.num_qubits, round(exact_ground_energy(H), 4)
    (2, -1.1456)
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

__all__ = [
    "CHEMICAL_ACCURACY",
    "DEFAULT_DATASET",
    "H2Dataset",
    "datasets",
    "load_h2",
    "h2_bond_lengths",
    "h2_hamiltonian",
    "exact_ground_energy",
    "exact_ground_energies",
    "hartree_fock_energy",
    "basis_state_energy",
    "givens_ansatz",
    "VQEResult",
    "run_vqe",
]

#: 1 kcal/mol in hartree (≈ 1.6 mHa): the usual target accuracy of quantum chemistry
CHEMICAL_ACCURACY = 1.6e-3
DEFAULT_DATASET = "omalley2016"


@dataclass(frozen=True)
class H2Dataset:
    """One table of H₂ Hamiltonians (see the JSON file for the full metadata)."""

    name: str
    title: str
    citation: str
    basis: str
    encoding: str
    num_qubits: int
    hartree_fock_bitstring: str
    bond_lengths: np.ndarray
    terms: dict[str, np.ndarray]
    nuclear_repulsion: np.ndarray  # zeros when already included in the identity term
    metadata: dict[str, Any]

    def __repr__(self) -> str:
        return (f"H2Dataset({self.name!r}, {self.num_qubits} qubits, {self.basis}, "
                f"{len(self.bond_lengths)} bond lengths)")


@functools.lru_cache(maxsize=1)
def _raw() -> dict:
    text = resources.files("qmlcourse").joinpath("data/h2_hamiltonians.json").read_text("utf-8")
    return json.loads(text)


def datasets() -> list[str]:
    """Names of the stored H₂ data sets.

    >>> datasets()[0]
    'omalley2016'
    """
    return list(_raw()["datasets"])


@functools.lru_cache(maxsize=None)
def load_h2(dataset: str = DEFAULT_DATASET) -> H2Dataset:
    """Load one data set (cached).

    >>> load_h2()
    H2Dataset('omalley2016', 2 qubits, STO-6G, 54 bond lengths)
    """
    raw = _raw()["datasets"]
    if dataset not in raw:
        raise ValueError(f"unknown H2 data set {dataset!r}; choose one of {', '.join(raw)}")
    d = raw[dataset]
    R = np.asarray(d["bond_lengths"], dtype=float)
    terms = {k: np.asarray(v, dtype=float) for k, v in d["terms"].items()}
    nuc = (np.zeros_like(R) if d["includes_nuclear_repulsion"]
           else np.asarray(d["nuclear_repulsion"], dtype=float))
    meta = {k: v for k, v in d.items() if k not in ("bond_lengths", "terms")}
    return H2Dataset(dataset, d["title"], d["citation"], d["basis"], d["encoding"],
                     int(d["num_qubits"]), d["hartree_fock_bitstring"], R, terms, nuc, meta)


def h2_bond_lengths(dataset: str = DEFAULT_DATASET) -> np.ndarray:
    """Tabulated bond lengths in Å.

    >>> h2_bond_lengths()[[0, -1]].tolist()
    [0.2, 2.85]
    """
    return load_h2(dataset).bond_lengths.copy()


def _row(data: H2Dataset, bond_length: Any) -> int:
    try:
        r = float(bond_length)
    except (TypeError, ValueError):
        raise ValueError(f"bond_length must be a number (in angstrom), got {bond_length!r}") from None
    i = int(np.argmin(np.abs(data.bond_lengths - r)))
    if not abs(data.bond_lengths[i] - r) < 1e-6:
        hint = " (that looks like bohr, not angstrom)" if r > data.bond_lengths.max() * 1.5 else ""
        raise ValueError(
            f"no Hamiltonian at bond length {r} Å in data set {data.name!r}{hint}; the nearest "
            f"tabulated value is {data.bond_lengths[i]:g} Å (use h2_bond_lengths())")
    return i


def h2_hamiltonian(bond_length: float = 0.75, dataset: str = DEFAULT_DATASET) -> Any:
    """The H₂ Hamiltonian at a tabulated bond length (Å) as a ``SparsePauliOp``, total
    energy (electronic + nuclear repulsion) in hartree.

    >>> H = h2_hamiltonian(0.75)
    >>> sorted(H.paulis.to_labels())
    ['II', 'IZ', 'XX', 'YY', 'ZI', 'ZZ']
    """
    from qiskit.quantum_info import SparsePauliOp

    data = load_h2(dataset)
    i = _row(data, bond_length)
    n = data.num_qubits
    coeffs = {label: float(v[i]) for label, v in data.terms.items()}
    coeffs["I" * n] = coeffs.get("I" * n, 0.0) + float(data.nuclear_repulsion[i])
    return SparsePauliOp(list(coeffs), list(coeffs.values())).simplify(atol=0)


def exact_ground_energy(hamiltonian: Any) -> float:
    """Lowest eigenvalue by exact diagonalisation (dense, fine for a few qubits).

    >>> exact_ground_energy(h2_hamiltonian(0.75, "omalley2016")) < -1.14
    True
    """
    from qiskit.quantum_info import SparsePauliOp

    op = hamiltonian if isinstance(hamiltonian, SparsePauliOp) else SparsePauliOp(hamiltonian)
    if op.num_qubits > 12:
        raise ValueError(f"exact diagonalisation of {op.num_qubits} qubits is too large here")
    return float(np.linalg.eigvalsh(op.to_matrix())[0])


def exact_ground_energies(dataset: str = DEFAULT_DATASET) -> np.ndarray:
    """Exact ground energy at every tabulated bond length (the dissociation curve).

    >>> E = exact_ground_energies()
    >>> E.shape, round(float(E.min()), 4)
    ((54,), -1.1456)
    """
    return np.array([exact_ground_energy(h2_hamiltonian(r, dataset))
                     for r in h2_bond_lengths(dataset)])


def basis_state_energy(hamiltonian: Any, bitstring: str) -> float:
    """``⟨x|H|x⟩`` for a basis state given as a Qiskit bitstring (last character = qubit 0).

    >>> round(basis_state_energy(h2_hamiltonian(0.75), "01"), 4)   # Hartree–Fock
    -1.1246
    """
    from qiskit.quantum_info import SparsePauliOp

    op = hamiltonian if isinstance(hamiltonian, SparsePauliOp) else SparsePauliOp(hamiltonian)
    s = str(bitstring)
    if len(s) != op.num_qubits or set(s) - {"0", "1"}:
        raise ValueError(f"bitstring must have {op.num_qubits} characters 0/1, got {bitstring!r}")
    x = int(s, 2)
    z = op.paulis.z.astype(bool)
    xm = op.paulis.x.astype(bool)
    bits = ((x >> np.arange(op.num_qubits)) & 1).astype(bool)
    diagonal = ~xm.any(axis=1)  # only I/Z terms have a diagonal part
    signs = np.where(np.sum(z & bits, axis=1) % 2, -1.0, 1.0)
    return float(np.real(np.sum(op.coeffs[diagonal] * signs[diagonal])))


def hartree_fock_energy(bond_length: float = 0.75, dataset: str = DEFAULT_DATASET) -> float:
    """Energy of the Hartree–Fock determinant (the data set's ``hartree_fock_bitstring``).

    >>> round(hartree_fock_energy(0.75), 4)
    -1.1246
    """
    return basis_state_energy(h2_hamiltonian(bond_length, dataset),
                              load_h2(dataset).hartree_fock_bitstring)


def givens_ansatz(num_qubits: int = 2) -> Any:
    """Chemistry-inspired one-parameter ansatz: rotate the Hartree–Fock state into the doubly
    excited state, ``cos(θ/2)|HF⟩ + sin(θ/2)|excited⟩`` (a Givens rotation).

    ``num_qubits=2`` (``omalley2016`` / parity data): ``|01⟩ → |10⟩``;
    ``num_qubits=4`` (Jordan–Wigner block order): ``|0101⟩ → |1010⟩``. At ``θ = 0`` the
    circuit prepares Hartree–Fock exactly.

    >>> from qiskit.quantum_info import Statevector
    >>> qc = givens_ansatz(2)
    >>> probs = Statevector(qc.assign_parameters([np.pi / 2])).probabilities_dict()
    >>> {str(k): round(float(v), 3) for k, v in probs.items()}
    {'01': 0.5, '10': 0.5}
    """
    from qiskit import QuantumCircuit
    from qiskit.circuit import Parameter

    theta = Parameter("θ")
    if num_qubits == 2:
        qc = QuantumCircuit(2, name="givens")
        qc.x(0)              # Hartree–Fock |01>: qubit 0 occupied
        qc.ry(theta, 1)
        qc.cx(1, 0)          # qubit 1 set -> qubit 0 emptied: |10>
        return qc
    if num_qubits == 4:
        qc = QuantumCircuit(4, name="double excitation")
        qc.x([0, 2])         # Hartree–Fock |0101>
        qc.ry(theta, 1)
        qc.cx(1, 3)          # |0101> -> |1010> when qubit 1 is set
        qc.cx(1, 0)
        qc.cx(1, 2)
        return qc
    raise ValueError(f"givens_ansatz is defined for 2 or 4 qubits, got {num_qubits!r}")


@dataclass(repr=False)
class VQEResult:
    """Outcome of :func:`run_vqe`: final ``energy`` and ``params``; ``history`` holds the energy
    and ``trajectory`` the parameters at the start and after every optimiser iteration;
    ``nfev`` counts engine evaluations."""

    energy: float
    params: np.ndarray
    history: np.ndarray
    trajectory: np.ndarray
    nfev: int

    def __repr__(self) -> str:
        return (f"VQEResult(energy={self.energy:.6f}, iterations={len(self.history) - 1}, "
                f"nfev={self.nfev})")


def run_vqe(circuit: Any, hamiltonian: Any, x0: Any, *, steps: int = 200) -> VQEResult:
    """The variational quantum eigensolver: minimise ``⟨ψ(θ)|H|ψ(θ)⟩`` from ``x0`` with SciPy's
    L-BFGS-B; energy and exact gradient come from one ``engine.value_and_gradient`` call.

    >>> res = run_vqe(givens_ansatz(2), h2_hamiltonian(0.75), [0.0])
    >>> round(res.energy - exact_ground_energy(h2_hamiltonian(0.75)), 8) <= 1e-8
    True
    """
    from scipy.optimize import minimize

    from qmlwidgets import engine

    x0 = np.atleast_1d(np.asarray(x0, dtype=float))
    if x0.shape != (circuit.num_parameters,):
        raise ValueError(f"x0 needs {circuit.num_parameters} values (circuit.parameters order), "
                         f"got {x0.size}")
    calls = 0

    def fun(x: np.ndarray) -> tuple[float, np.ndarray]:
        nonlocal calls
        calls += 1
        v, g = engine.value_and_gradient(circuit, hamiltonian, x)
        return float(v), np.asarray(g, dtype=float)

    history = [fun(x0)[0]]
    trajectory = [x0.copy()]

    def record(intermediate_result: Any) -> None:
        history.append(float(intermediate_result.fun))
        trajectory.append(np.array(intermediate_result.x, dtype=float))

    r = minimize(fun, x0, jac=True, method="L-BFGS-B", callback=record,
                 options={"maxiter": int(steps), "ftol": 1e-14, "gtol": 1e-9})
    return VQEResult(float(r.fun), np.asarray(r.x, dtype=float), np.asarray(history),
                     np.asarray(trajectory), calls)
