"""Fast exact simulation of Qiskit circuits, batched over parameter values.

Pure functions (``parameter_values`` columns follow ``circuit.parameters``)::

    statevectors(circuit, parameter_values=None)            -> (*batch, 2**n) complex
    probabilities(circuit, parameter_values=None, qubits=None) -> (*batch, 2**k)
    expectation_values(circuit, observables, parameter_values=None)  # EstimatorV2 broadcasting
    gradients(circuit, observable, parameter_values, method="auto")  -> (*batch, P)
    value_and_gradient(circuit, observable, parameter_values, method="auto")
    as_observable(observable, num_qubits)                   -> SparsePauliOp (checked)

Memory: outputs are sized before they are allocated; above :func:`memory_budget` (by default
half the memory available now; :func:`set_memory_budget` or ``QMLWIDGETS_MEMORY_BUDGET``
change it) a :class:`MemoryBudgetError` (a ``ValueError``) says what to reduce.

Resets of used qubits are simulated exactly: each reset splits the state into its two
(unnormalised) outcome branches, so probabilities, expectation values and samples are those of
the mixed state (up to ``MAX_RESETS`` resets); ``statevectors`` and gradients refuse such
circuits.

Primitives: :class:`Estimator` (``BaseEstimatorV2``) and :class:`Sampler`
(``BaseSamplerV2``), drop-in replacements for Qiskit's statevector primitives.

>>> from qiskit import QuantumCircuit
>>> from qmlwidgets.engine import expectation_values
>>> qc = QuantumCircuit(1); _ = qc.x(0)
>>> float(expectation_values(qc, "Z"))
-1.0
"""
from __future__ import annotations

from ._compile import MAX_QUBITS, MAX_RESETS, CompiledCircuit, ControlFlowError, compile_circuit
from ._core import (
    expectation_values,
    gradients,
    probabilities,
    statevectors,
    value_and_gradient,
)
from ._memory import MemoryBudgetError, memory_budget, set_memory_budget
from ._observables import as_observable
from .primitives import EngineJob, Estimator, Sampler

__all__ = [
    "MAX_QUBITS",
    "MAX_RESETS",
    "ControlFlowError",
    "MemoryBudgetError",
    "CompiledCircuit",
    "EngineJob",
    "Estimator",
    "Sampler",
    "as_observable",
    "compile_circuit",
    "expectation_values",
    "gradients",
    "memory_budget",
    "probabilities",
    "set_memory_budget",
    "statevectors",
    "value_and_gradient",
]
