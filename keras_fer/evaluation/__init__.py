"""Metrics, plots and the ``evaluate`` step over a run directory."""
