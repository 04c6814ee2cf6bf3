"""The native-log filter drops TensorFlow's and LiteRT's known chatter and nothing of ours."""

import pytest

from keras_fer.quiet import NOISE

CHATTER = [
    b"E0000 00:00:1796194569.531867   20036 meta_optimizer.cc:967] remapper failed: NOT_FOUND: Op type not registered "
    b"'' in binary running on vm.",
    b"\twhen importing GraphDef to MLIR module in GrapplerHook",
    b"I0000 00:00:1796186047.027146    2407 port.cc:153] oneDNN custom operations are on.",
    b"E0000 00:00:1796187415.406155    6484 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error",
    b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.",
]
OURS = [
    b"keras-fer: error: /tmp/x.csv: row 2: emotion '-1' is not a FER2013 code 0-6.",
    b"cnn epoch 3/20: accuracy 0.5735 loss 1.0118 val_accuracy 0.6262 val_loss 0.8193 (5 s)",
    b"E0000 00:00:1.0 1 some_kernel.cc:1] a real TensorFlow error we have not seen before",
]


@pytest.mark.parametrize("line", CHATTER)
def test_known_chatter_is_dropped(line):
    assert NOISE.search(line)


@pytest.mark.parametrize("line", OURS)
def test_our_lines_and_unknown_errors_pass(line):
    assert not NOISE.search(line)
