"""Byte-exact writers of our own, for formats whose real writer cannot be installed here (torch,
tensorflow, keras, coremltools, catboost, TensorRT, RKNN, ...). Each follows the format's published
layout (docs/formats-and-metadata.md cites the sources) and uses the real container libraries where they exist
(pickle, zipfile, h5py, protobuf wire encoding, flatbuffers). Documented in docs/model-formats.md."""
import io
import json
import pickle
import struct
import sys
import types
import zipfile
from collections import OrderedDict

# ---- protobuf wire encoding (protobuf.dev/programming-guides/encoding) ----

def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def pb_varint(field, value):
    return varint(field << 3) + varint(value)


def pb_bytes(field, data):
    if isinstance(data, str):
        data = data.encode()
    return varint((field << 3) | 2) + varint(len(data)) + data


# ---- torch.save look-alikes (torch/serialization.py) without torch ----

def _fake_module(name, **members):
    mod = sys.modules.get(name) or types.ModuleType(name)
    for k, v in members.items():
        if isinstance(v, type):
            v.__module__ = name
            v.__qualname__ = k
        else:
            v.__module__ = name
            v.__qualname__ = k
        setattr(mod, k, v)
    sys.modules[name] = mod
    return mod


def _rebuild_tensor_v2(*args):  # never called: only its name is pickled
    raise RuntimeError("placeholder")


class FloatStorage:  # named torch.FloatStorage in the pickle, as torch writes it
    pass


class _TorchNames:
    """Registers `torch` and `torch._utils` stand-ins only while pickling, so that pickle writes the
    same GLOBAL names torch.save does; other libraries never see them."""

    def __enter__(self):
        self.saved = {k: sys.modules.get(k) for k in ("torch", "torch._utils")}
        for k in self.saved:
            sys.modules.pop(k, None)
        _fake_module("torch", FloatStorage=FloatStorage)
        _fake_module("torch._utils", _rebuild_tensor_v2=_rebuild_tensor_v2)

    def __exit__(self, *exc):
        for k, v in self.saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v


class _Tensor:
    def __init__(self, key, shape):
        self.key = key
        self.shape = shape

    def __reduce__(self):
        stride = []
        acc = 1
        for d in reversed(self.shape):
            stride.insert(0, acc)
            acc *= d
        numel = acc
        return (_rebuild_tensor_v2, (_StorageRef(self.key, numel), 0, tuple(self.shape), tuple(stride), False, OrderedDict()))


class _StorageRef:
    def __init__(self, key, numel):
        self.key = key
        self.numel = numel


class _TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, _StorageRef):
            return ("storage", FloatStorage, obj.key, "cpu", obj.numel)
        return None


def torch_state_dict(shapes):
    return OrderedDict((name, _Tensor(str(i), shape)) for i, (name, shape) in enumerate(shapes))


def torch_pickle(obj):
    buf = io.BytesIO()
    with _TorchNames():
        _TorchPickler(buf, protocol=2).dump(obj)
    return buf.getvalue()


def _numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def torch_zip(path, shapes, data_pkl=None, torchscript=False):
    """torch.save's zip layout (_save: archive/data.pkl, archive/data/<key>, byteorder, version)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", data_pkl if data_pkl is not None else torch_pickle(torch_state_dict(shapes)))
        z.writestr("archive/byteorder", "little")
        for i, (_, shape) in enumerate(shapes):
            z.writestr(f"archive/data/{i}", b"\0" * (4 * _numel(shape)))
        if torchscript:
            z.writestr("archive/constants.pkl", pickle.dumps((), protocol=2))
            z.writestr("archive/code/__torch__/model.py", "class Model(Module):\n  def forward(self, x):\n    return x\n")
            z.writestr("archive/extra/producer_info.json", json.dumps({"producer": "fixture"}))
        z.writestr("archive/version", "3\n")
        z.writestr("archive/.data/serialization_id", "0123456789")


def torch_legacy(path, shapes, object_pkl=None):
    """Pre-1.6 torch.save: pickles of MAGIC_NUMBER, PROTOCOL_VERSION, sys_info, the object, the storage keys, then storages."""
    with open(path, "wb") as f:
        f.write(pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2))
        f.write(pickle.dumps(1001, protocol=2))
        f.write(pickle.dumps({"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 4}}, protocol=2))
        f.write(object_pkl if object_pkl is not None else torch_pickle(torch_state_dict(shapes)))
        f.write(pickle.dumps([str(i) for i in range(len(shapes))], protocol=2))
        for _, shape in shapes:
            f.write(struct.pack("<q", _numel(shape)))
            f.write(b"\0" * (4 * _numel(shape)))


# ---- Keras (keras/src/saving/saving_lib.py; legacy_h5_format.py) ----

def keras_config(layers, name="sequential"):
    return {"module": "keras", "class_name": "Sequential", "config": {"name": name, "layers": layers}, "registered_name": None}


def keras_zip(path, config, weights_h5_bytes):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr("metadata.json", json.dumps({"keras_version": "3.15.1", "date_saved": "2026-01-01@00:00:00"}))
        z.writestr("config.json", json.dumps(config))
        z.writestr("model.weights.h5", weights_h5_bytes)


def keras_h5(path, config, h5py, np):
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(config)
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = np.array([b"dense"])
        g.create_dataset("dense/kernel", data=np.zeros((4, 3), dtype="float32"))


# ---- TensorFlow SavedModel / frozen GraphDef (tensorflow core/protobuf/saved_model.proto, graph.proto) ----

def node_def(name, op):
    return pb_bytes(1, name) + pb_bytes(2, op)


def graph_def(nodes, producer=1994):
    return b"".join(pb_bytes(1, node_def(n, o)) for n, o in nodes) + pb_bytes(4, pb_varint(1, producer))


def saved_model_pb(tags, tf_version, signatures):
    meta_info = pb_bytes(1, "") + b"".join(pb_bytes(4, t) for t in tags) + pb_bytes(5, tf_version)
    sigs = b"".join(pb_bytes(5, pb_bytes(1, s) + pb_bytes(2, pb_bytes(3, "tensorflow/serving/predict"))) for s in signatures)
    meta_graph = pb_bytes(1, meta_info) + pb_bytes(2, graph_def([("x", "Placeholder"), ("y", "MatMul")])) + sigs
    return pb_varint(1, 1) + pb_bytes(2, meta_graph)


# ---- Core ML (coremltools mlmodel/format/Model.proto) ----

def coreml_mlmodel(short, author, license_, version, user):
    metadata = pb_bytes(1, short) + pb_bytes(2, version) + pb_bytes(3, author) + pb_bytes(4, license_)
    metadata += b"".join(pb_bytes(100, pb_bytes(1, k) + pb_bytes(2, v)) for k, v in user.items())
    description = pb_bytes(1, pb_bytes(1, "input")) + pb_bytes(10, pb_bytes(1, "output")) + pb_bytes(100, metadata)
    return pb_varint(1, 7) + pb_bytes(2, description) + pb_bytes(500, pb_bytes(1, pb_bytes(1, "layer0")))


# ---- Caffe (BVLC/caffe src/caffe/proto/caffe.proto NetParameter) ----

def caffemodel(name, layers):
    return pb_bytes(1, name) + b"".join(pb_bytes(100, pb_bytes(1, n) + pb_bytes(2, t) + pb_bytes(7, pb_bytes(5, b"\0" * 16))) for n, t in layers)


# ---- msgpack (msgpack spec: fixmap, fixstr, bin8) for a legacy Flax checkpoint ----

def msgpack_map(d):
    out = bytearray([0x80 | len(d)])
    for k, v in d.items():
        kb = k.encode()
        out += bytes([0xA0 | len(kb)]) + kb
        if isinstance(v, dict):
            out += msgpack_map(v)
        else:
            out += bytes([0xC4, len(v)]) + v
    return bytes(out)
