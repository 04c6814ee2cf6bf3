"""keras_fer.export: Keras -> TFLite conversion, int8 calibration and verification.

Installed from the top-level ``export/`` folder as ``keras_fer.export``: ``exporter.export_run``
converts, verifies and reports a run; the other modules each own one step of it.
"""
