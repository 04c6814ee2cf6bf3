"""The face detectors the edge runner can use (``edge.detector``, ``--detector``); training
adds ``mtcnn`` for ``data.detector`` (Yu et al. 2018 aligned with it)."""

DETECTORS = ("blazeface", "haar")
