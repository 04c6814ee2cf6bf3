"""Datasets: the synthetic generator now; readers, preparation and pipelines join it."""
