"""The quantization modes of ``keras-fer export`` (``export.quant``), in one place: the
converter, the streaming converter, the config and the CLI all read this tuple."""

QUANTS = ("float32", "float16", "dynamic", "int8")
