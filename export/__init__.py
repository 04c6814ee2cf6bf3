"""keras_fer.export: Keras -> TFLite conversion, int8 calibration and verification.

Installed from the top-level ``export/`` folder as ``keras_fer.export``. The converter
library lands with the export issue; the package mapping is set up now so that imports
and the installed layout never change.
"""
