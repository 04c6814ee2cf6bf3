"""The face detectors the edge runner can use (``edge.detector``, ``--detector``), and those
``data prepare`` aligns with (``data.detector``; training adds ``mtcnn``: Yu et al. 2018
aligned with it)."""

DETECTORS = ("auto", "blazeface", "blazeface_full", "haar")
DATA_DETECTORS = ("blazeface", "haar")
