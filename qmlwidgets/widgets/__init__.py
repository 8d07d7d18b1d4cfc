"""Interactive views (ipywidgets + plotly). Thin: state + calls to pure functions + a figure."""
