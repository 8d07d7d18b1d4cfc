"""Interactive views (ipywidgets + plotly). Thin: state + calls to pure functions + a figure."""
import sys

# plotly's FigureWidget imports nbformat -> jsonschema, whose optional IRI format checker
# (rfc3987_syntax) compiles a grammar at import: 3-10 s before the first widget appears.
# jsonschema treats the module as optional, and nothing in the course validates IRIs.
if "rfc3987_syntax" not in sys.modules:
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # None blocks an import (documented)
