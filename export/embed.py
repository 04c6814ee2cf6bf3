"""Embed keras-fer's metadata JSON in a .tflite flatbuffer (the ``metadata`` list, entry
``keras_fer``, pointing at a buffer holding the UTF-8 JSON). Read back by
``keras_fer.edge.read_metadata``."""

from __future__ import annotations

import json

import flatbuffers

from ..edge.metadata import METADATA_NAME, schema
from ..edge.weights_digest import weights_digest


def embed_metadata(tflite: bytes, metadata: dict) -> bytes:
    """``tflite`` with ``metadata`` (plus ``weights_sha256``, the digest of every other buffer)
    as its keras_fer entry; an entry already there is replaced."""
    fb = schema()
    model = fb.ModelT.InitFromPackedBuf(bytearray(tflite), 0)
    buffer = fb.BufferT()
    model.buffers.append(buffer)
    entry = fb.MetadataT()
    entry.name = METADATA_NAME
    entry.buffer = len(model.buffers) - 1
    model.metadata = [m for m in (model.metadata or []) if m.name not in (METADATA_NAME, METADATA_NAME.encode())] + [
        entry
    ]
    metadata = {k: v for k, v in metadata.items() if k != "weights_sha256"}
    buffer.data = list(b"{}")  # packed once to read the other buffers as a loader will
    digest = weights_digest(fb.Model.GetRootAs(_pack(model, len(tflite)), 0), entry.buffer)
    buffer.data = list(json.dumps({**metadata, "weights_sha256": digest}, sort_keys=True).encode("utf-8"))
    return _pack(model, len(tflite))


def _pack(model, size: int) -> bytes:
    builder = flatbuffers.Builder(size + 4096)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def operators(tflite: bytes) -> list[dict]:
    """Each operator: its builtin name and its input and output tensor types (for op-set checks
    and to find float islands in an integer model)."""
    fb = schema()
    names = {v: k for k, v in vars(fb.BuiltinOperator).items() if not k.startswith("_")}
    types = {v: k for k, v in vars(fb.TensorType).items() if not k.startswith("_")}
    model = fb.Model.GetRootAs(tflite, 0)
    codes = []
    for i in range(model.OperatorCodesLength()):
        code = model.OperatorCodes(i)
        builtin = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
        custom = code.CustomCode()
        codes.append(custom.decode() if custom else names.get(builtin, str(builtin)))
    ops = []
    for s in range(model.SubgraphsLength()):
        graph = model.Subgraphs(s)

        def kind(index, graph=graph):
            return types.get(graph.Tensors(index).Type(), "?") if index >= 0 else None

        for o in range(graph.OperatorsLength()):
            op = graph.Operators(o)
            ops.append(
                {
                    "op": codes[op.OpcodeIndex()],
                    "inputs": [kind(op.Inputs(i)) for i in range(op.InputsLength())],
                    "outputs": [kind(op.Outputs(i)) for i in range(op.OutputsLength())],
                }
            )
    return ops
