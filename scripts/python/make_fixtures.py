"""Writes the model-file fixtures with the real libraries (and own_writers.py where no writer installs
here) into OUT, plus OUT/manifest.json: for each file its expected format and the facts the writer
itself knows (name, parameter count, ...), which the tests compare with what `aibom scan` reads.
Deterministic: same inputs, same bytes. Never loads a pickle it writes.

Usage: python make_fixtures.py OUT
"""
import base64
import gzip as gzip_mod
import json
import marshal
import os
import pickle
import sys
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import own_writers as own  # noqa: E402

OUT = sys.argv[1]
manifest = []


def path(rel):
    p = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def add(rel, fmt, writer, **expect):
    manifest.append({"path": rel, "format": fmt, "writer": writer, "expect": expect})


def rng():
    return np.random.default_rng(7)


# ---------------- formats ----------------

def gguf_files():
    import gguf
    p = path("formats/gguf/tiny-llama.Q8_0.gguf")
    w = gguf.GGUFWriter(p, "llama")
    w.add_name("Tiny Llama Fixture")
    w.add_license("apache-2.0")
    w.add_context_length(2048)
    w.add_block_count(2)
    w.add_file_type(7)  # MOSTLY_Q8_0
    w.add_uint32("general.quantization_version", 2)
    w.add_array("general.tags", ["fixture", "text-generation"])
    # A big tokenizer vocabulary: 60,000 strings the reader must walk by length, not keep.
    w.add_token_list([f"tok{i}".encode() for i in range(60000)])
    w.add_token_scores([0.0] * 60000)
    shapes = {"token_embd.weight": (64, 32), "blk.0.attn_q.weight": (32, 32), "output_norm.weight": (32,)}
    for name, shape in shapes.items():
        w.add_tensor(name, np.zeros(shape, dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    params = sum(int(np.prod(s)) for s in shapes.values())
    add("formats/gguf/tiny-llama.Q8_0.gguf", "gguf", "gguf " + gguf.__version__ if hasattr(gguf, "__version__") else "gguf",
        name="Tiny Llama Fixture", architecture="llama", license="Apache-2.0", parameters=params, quantization="Q8_0", contextLength=2048)


def safetensors_files():
    from safetensors.numpy import save_file
    tensors = {"model.layers.0.self_attn.q_proj.weight": np.zeros((16, 16), dtype=np.float16), "model.embed_tokens.weight": np.zeros((100, 16), dtype=np.float16)}
    save_file(tensors, path("formats/safetensors/model.safetensors"), metadata={"format": "pt"})
    add("formats/safetensors/model.safetensors", "safetensors", "safetensors", parameters=16 * 16 + 100 * 16, quantization="F16", **{"metadata.safetensors.metadata.format": "pt"})
    # Sharded, with the index file transformers writes.
    shard1 = {"a.weight": np.zeros((8, 8), dtype=np.float32)}
    shard2 = {"b.weight": np.zeros((4,), dtype=np.float32)}
    save_file(shard1, path("formats/safetensors-sharded/model-00001-of-00002.safetensors"))
    save_file(shard2, path("formats/safetensors-sharded/model-00002-of-00002.safetensors"))
    with open(path("formats/safetensors-sharded/model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": 68 * 4}, "weight_map": {"a.weight": "model-00001-of-00002.safetensors", "b.weight": "model-00002-of-00002.safetensors"}}, f)
    add("formats/safetensors-sharded/model.safetensors.index.json", "safetensors", "json", variant="sharded-index")


def onnx_files():
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    w = numpy_helper.from_array(np.ones((4, 3), dtype=np.float32), name="W")
    node = helper.make_node("MatMul", ["X", "W"], ["Y"])
    graph = helper.make_graph([node], "fixture_graph", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 4])], [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, 3])], [w])
    model = helper.make_model(graph, producer_name="aibom-fixtures", producer_version="1.0", opset_imports=[helper.make_opsetid("", 17)])
    model.model_version = 3
    helper.set_model_props(model, {"license": "MIT", "author": "fixtures"})
    onnx.save_model(model, path("formats/onnx/model.onnx"))
    add("formats/onnx/model.onnx", "onnx", "onnx " + onnx.__version__, producer="aibom-fixtures 1.0", parameters=12, license="MIT",
        **{"metadata.onnx.graph_name": "fixture_graph", "metadata.onnx.ir_version": model.ir_version})
    # External data: the initializer lives in a sibling file.
    big = numpy_helper.from_array(np.ones((64, 64), dtype=np.float32), name="W")
    graph2 = helper.make_graph([node], "external_graph", graph.input, graph.output, [big])
    m2 = helper.make_model(graph2, producer_name="aibom-fixtures", opset_imports=[helper.make_opsetid("", 17)])
    onnx.save_model(m2, path("formats/onnx-external/model.onnx"), save_as_external_data=True, all_tensors_to_one_file=True, location="model.onnx.data", size_threshold=0)
    add("formats/onnx-external/model.onnx", "onnx", "onnx " + onnx.__version__, **{"metadata.onnx.external_data": ["model.onnx.data"]})


def sklearn_files():
    import joblib
    import sklearn
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    X = rng().normal(size=(40, 4))
    y = (X[:, 0] > 0).astype(int)
    rf = RandomForestClassifier(n_estimators=3, max_depth=3, random_state=0).fit(X, y)
    lr = LogisticRegression().fit(X, y)
    with open(path("formats/sklearn/model.pkl"), "wb") as f:
        pickle.dump(lr, f, protocol=4)
    add("formats/sklearn/model.pkl", "sklearn", "scikit-learn " + sklearn.__version__, unsafe=False, **{"metadata.pickle.class": "sklearn.linear_model._logistic.LogisticRegression"})
    joblib.dump(rf, path("formats/joblib/forest.joblib"))
    add("formats/joblib/forest.joblib", "sklearn", "joblib " + joblib.__version__, unsafe=False)
    for comp in ["zlib", "gzip", "bz2", "xz", "lzma", "lz4"]:
        joblib.dump(rf, path(f"formats/joblib/forest.{comp}.joblib"), compress=(comp, 3))
        add(f"formats/joblib/forest.{comp}.joblib", "sklearn", f"joblib {joblib.__version__} compress={comp}", unsafe=False, variant=comp)
    return rf


def boosters():
    import lightgbm as lgb
    import xgboost as xgb
    X = rng().normal(size=(60, 5))
    y = (X[:, 1] > 0).astype(int)
    bst = xgb.train({"objective": "binary:logistic", "max_depth": 2}, xgb.DMatrix(X, label=y), num_boost_round=3)
    bst.save_model(path("formats/xgboost/model.json"))
    bst.save_model(path("formats/xgboost/model.ubj"))
    add("formats/xgboost/model.json", "xgboost", "xgboost " + xgb.__version__, variant="json", **{"metadata.xgboost.objective": "binary:logistic", "metadata.xgboost.num_feature": "5"})
    add("formats/xgboost/model.ubj", "xgboost", "xgboost " + xgb.__version__, variant="ubjson", **{"metadata.xgboost.objective": "binary:logistic"})
    clf = xgb.XGBClassifier(n_estimators=2, max_depth=2).fit(X, y)
    with open(path("benign/xgboost-sklearn.pkl"), "wb") as f:
        pickle.dump(clf, f)
    add("benign/xgboost-sklearn.pkl", "sklearn", "xgboost " + xgb.__version__, unsafe=False)
    ds = lgb.Dataset(X, label=y)
    booster = lgb.train({"objective": "binary", "num_leaves": 4, "verbose": -1}, ds, num_boost_round=3)
    booster.save_model(path("formats/lightgbm/model.txt"))
    add("formats/lightgbm/model.txt", "lightgbm", "lightgbm " + lgb.__version__, **{"metadata.lightgbm.objective": "binary sigmoid:1", "metadata.lightgbm.version": "v4"})
    lclf = lgb.LGBMClassifier(n_estimators=2, num_leaves=4, verbose=-1).fit(X, y)
    with open(path("benign/lightgbm-sklearn.pkl"), "wb") as f:
        pickle.dump(lclf, f)
    add("benign/lightgbm-sklearn.pkl", "sklearn", "lightgbm " + lgb.__version__, unsafe=False)


def h5_keras_files():
    import h5py
    dense = {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "units": 3}, "registered_name": None}
    cfg = own.keras_config([dense], name="fixture_model")
    own.keras_h5(path("formats/keras-h5/model.h5"), cfg, h5py, np)
    add("formats/keras-h5/model.h5", "keras", "h5py " + h5py.__version__, variant="hdf5", **{"metadata.keras.keras_version": "2.15.0", "metadata.keras.class_name": "Sequential"})
    # model.weights.h5 inside the .keras zip is a real HDF5 file too.
    import io
    bio = io.BytesIO()
    with h5py.File(bio, "w") as f:
        f.create_dataset("layers/dense/vars/0", data=np.zeros((4, 3), dtype="float32"))
    own.keras_zip(path("formats/keras/model.keras"), cfg, bio.getvalue())
    add("formats/keras/model.keras", "keras", "own writer (saving_lib layout) + h5py", **{"metadata.keras.keras_version": "3.15.1", "metadata.keras.class_name": "Sequential"})
    return cfg, bio.getvalue()


def tflite_file():
    import importlib

    import flatbuffers
    B = importlib.import_module("tflite.Buffer")
    M = importlib.import_module("tflite.Model")
    MD = importlib.import_module("tflite.Metadata")
    b = flatbuffers.Builder(1024)
    desc = b.CreateString("fixture tflite model")
    mname = b.CreateString("min_runtime_version")
    B.BufferStart(b)
    buf0 = B.BufferEnd(b)
    MD.MetadataStart(b)
    MD.MetadataAddName(b, mname)
    MD.MetadataAddBuffer(b, 0)
    md = MD.MetadataEnd(b)
    M.ModelStartBuffersVector(b, 1)
    b.PrependUOffsetTRelative(buf0)
    bufs = b.EndVector()
    M.ModelStartMetadataVector(b, 1)
    b.PrependUOffsetTRelative(md)
    mds = b.EndVector()
    M.ModelStart(b)
    M.ModelAddVersion(b, 3)
    M.ModelAddDescription(b, desc)
    M.ModelAddBuffers(b, bufs)
    M.ModelAddMetadata(b, mds)
    b.Finish(M.ModelEnd(b), file_identifier=b"TFL3")
    with open(path("formats/tflite/model.tflite"), "wb") as f:
        f.write(b.Output())
    add("formats/tflite/model.tflite", "tflite", "tflite+flatbuffers", description="fixture tflite model", **{"metadata.tflite.version": 3})


def torch_files():
    shapes = [("fc.weight", (8, 4)), ("fc.bias", (8,))]
    own.torch_zip(path("formats/pytorch/model.pt"), shapes)
    add("formats/pytorch/model.pt", "pytorch", "own writer (torch.save zip layout)", unsafe=False, parameters=40)
    own.torch_zip(path("formats/torchscript/model.pt"), shapes, torchscript=True)
    add("formats/torchscript/model.pt", "torchscript", "own writer (TorchScript layout)")
    own.torch_legacy(path("formats/pytorch-legacy/model.pth"), shapes)
    add("formats/pytorch-legacy/model.pth", "pytorch", "own writer (legacy torch.save)", variant="legacy", unsafe=False)
    # Benign: a torch state dict as a Hugging Face pytorch_model.bin.
    own.torch_zip(path("benign/pytorch_model.bin"), [("encoder.layer.0.weight", (16, 16))])
    add("benign/pytorch_model.bin", "pytorch", "own writer (torch.save zip layout)", unsafe=False)


def small_own_formats(rf):
    import joblib
    w = lambda rel, data: open(path(rel), "wb").write(data if isinstance(data, bytes) else data.encode())
    # TF SavedModel directory and frozen graph
    w("formats/savedmodel/model/saved_model.pb", own.saved_model_pb(["serve"], "2.16.1", ["serving_default"]))
    w("formats/savedmodel/model/variables/variables.index", b"\0" * 16)
    w("formats/savedmodel/model/variables/variables.data-00000-of-00001", b"\0" * 64)
    add("formats/savedmodel/model/saved_model.pb", "savedmodel", "own writer (saved_model.proto)", **{"metadata.savedmodel.tags": ["serve"], "metadata.savedmodel.tensorflow_version": "2.16.1"})
    w("formats/tf-frozen/frozen_graph.pb", own.graph_def([("input", "Placeholder"), ("conv", "Conv2D"), ("out", "Softmax")]))
    add("formats/tf-frozen/frozen_graph.pb", "tensorflow", "own writer (graph.proto)", variant="graphdef", **{"metadata.tensorflow.node_count": 3})
    # Core ML
    ml = own.coreml_mlmodel("fixture classifier", "fixtures", "MIT", "1.2", {"com.github.apple.coremltools.version": "7.0"})
    w("formats/coreml/model.mlmodel", ml)
    add("formats/coreml/model.mlmodel", "coreml", "own writer (Model.proto)", license="MIT", version="1.2", **{"metadata.coreml.specification_version": 7, "metadata.coreml.model_type": "neuralNetwork"})
    w("formats/coreml/Fixture.mlpackage/Manifest.json", json.dumps({"fileFormatVersion": "1.0.0", "itemInfoEntries": {"A": {"author": "com.apple.CoreML", "description": "CoreML Model Specification", "name": "model.mlmodel", "path": "com.apple.CoreML/model.mlmodel"}}, "rootModelIdentifier": "A"}))
    w("formats/coreml/Fixture.mlpackage/Data/com.apple.CoreML/model.mlmodel", ml)
    add("formats/coreml/Fixture.mlpackage/Manifest.json", "coreml", "own writer (mlpackage layout)", variant="mlpackage")
    # CatBoost, TensorRT, RKNN (magic + what follows)
    w("formats/catboost/model.cbm", b"CBM1" + (16).to_bytes(4, "little") + b"\x10\x00\x00\x00" + b"\0" * 12)
    add("formats/catboost/model.cbm", "catboost", "own writer (CBM1 header)")
    w("formats/tensorrt/model.plan", b"ptrt" + b"\0" * 60)
    add("formats/tensorrt/model.plan", "tensorrt", "own writer (engine magic)")
    meta = json.dumps({"description": "Ultralytics YOLO fixture", "imgsz": [640, 640], "names": {"0": "person"}}).encode()
    w("formats/tensorrt/yolo.engine", len(meta).to_bytes(4, "little") + meta + b"ftrt" + b"\0" * 60)
    add("formats/tensorrt/yolo.engine", "tensorrt", "own writer (JSON-prefixed engine)", variant="json-prefix", description="Ultralytics YOLO fixture")
    w("formats/rknn/model.rknn", b"RKNN" + b"\0" * 60)
    add("formats/rknn/model.rknn", "rknn", "own writer (RKNN magic)")
    # PMML, OpenVINO IR, NNEF, MXNet, Caffe, DL4J
    w("formats/pmml/model.pmml", '<?xml version="1.0"?>\n<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header description="fixture tree"><Application name="fixture-writer" version="1.0"/></Header><DataDictionary/><TreeModel functionName="classification" modelName="tree1"/></PMML>\n')
    add("formats/pmml/model.pmml", "pmml", "own writer (PMML 4.4)", description="fixture tree", **{"metadata.pmml.model_element": "TreeModel", "metadata.pmml.application": "fixture-writer 1.0"})
    w("formats/openvino/model.xml", '<?xml version="1.0"?>\n<net name="fixture_net" version="11">\n<layers><layer id="0" name="x" type="Parameter" version="opset1"/></layers>\n<rt_info><MO_version value="2024.1"/></rt_info></net>\n')
    w("formats/openvino/model.bin", b"\0" * 32)
    add("formats/openvino/model.xml", "openvino", "own writer (IR v11)", name="fixture_net", **{"metadata.openvino.ir_version": "11"})
    w("formats/nnef/graph.nnef", "version 1.0;\n\ngraph G( input ) -> ( output )\n{\n  input = external(shape = [1, 4]);\n  output = relu(input);\n}\n")
    w("formats/nnef/weights.dat", bytes([0x4E, 0xEF, 1, 0]) + b"\0" * 124)
    add("formats/nnef/graph.nnef", "nnef", "own writer (NNEF 1.0 text)", **{"metadata.nnef.version": "1.0"})
    add("formats/nnef/weights.dat", "nnef", "own writer (tensor .dat magic)", variant="tensor-data")
    w("formats/mxnet/model-symbol.json", json.dumps({"nodes": [{"op": "null", "name": "data", "inputs": []}, {"op": "FullyConnected", "name": "fc", "inputs": [[0, 0, 0]]}], "arg_nodes": [0], "heads": [[1, 0, 0]], "attrs": {"mxnet_version": ["int", 10901]}}))
    w("formats/mxnet/model-0000.params", (0x112).to_bytes(8, "little") + b"\0" * 24)
    add("formats/mxnet/model-symbol.json", "mxnet", "own writer (symbol JSON)", **{"metadata.mxnet.mxnet_version": 10901})
    add("formats/mxnet/model-0000.params", "mxnet", "own writer (NDArray list magic)", variant="params")
    w("formats/caffe/deploy.prototxt", 'name: "FixtureNet"\ninput: "data"\nlayer {\n  name: "conv1"\n  type: "Convolution"\n}\n')
    w("formats/caffe/model.caffemodel", own.caffemodel("FixtureNet", [("conv1", "Convolution"), ("fc", "InnerProduct")]))
    add("formats/caffe/deploy.prototxt", "caffe", "own writer (prototxt)", name="FixtureNet")
    add("formats/caffe/model.caffemodel", "caffe", "own writer (caffe.proto NetParameter)", name="FixtureNet")
    with zipfile.ZipFile(path("formats/dl4j/model.zip"), "w") as z:
        z.writestr("configuration.json", json.dumps({"backprop": True, "confs": [{"layer": {"@class": "org.deeplearning4j.nn.conf.layers.DenseLayer", "nout": 3}}]}))
        z.writestr("coefficients.bin", b"\x00\x07JAVACPP" + b"\0" * 32)
    add("formats/dl4j/model.zip", "dl4j", "own writer (ModelSerializer layout)", variant="MultiLayerNetwork")
    # Flax / Orbax
    w("formats/orbax/ckpt/orbax.checkpoint", b"")
    w("formats/orbax/ckpt/_CHECKPOINT_METADATA", json.dumps({"init_timestamp_nsecs": 1, "commit_timestamp_nsecs": 2}))
    w("formats/orbax/ckpt/default/_METADATA", json.dumps({"tree_metadata": {"('params', 'w')": {"key_metadata": [], "value_metadata": {"value_type": "jax.Array"}}}}))
    add("formats/orbax/ckpt/_CHECKPOINT_METADATA", "flax", "own writer (Orbax layout)", variant="orbax")
    w("formats/flax/model.msgpack", own.msgpack_map({"params": {"dense": {"kernel": b"\0" * 16}}}))
    add("formats/flax/model.msgpack", "flax", "own writer (msgpack)", variant="msgpack")
    # XGBoost legacy binary: "binf" + LearnerModelParam (base_score f32, num_feature u32, num_class i32, ...).
    w("formats/xgboost/model.bst", b"binf" + np.float32(0.5).tobytes() + (5).to_bytes(4, "little") + (0).to_bytes(4, "little") + b"\0" * 120)
    add("formats/xgboost/model.bst", "xgboost", "own writer (binf header)", variant="binary")
    # MLflow model directory with a real sklearn pickle
    w("formats/mlflow/model/MLmodel", "artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.sklearn\n    model_path: model.pkl\n    python_version: 3.11.7\n  sklearn:\n    pickled_model: model.pkl\n    serialization_format: cloudpickle\n    sklearn_version: 1.9.1\nmlflow_version: 2.14.0\nmodel_uuid: 0a1b2c3d\nrun_id: 1234abcd\nutc_time_created: '2026-01-01 00:00:00.000000'\n")
    joblib.dump(rf, path("formats/mlflow/model/model.pkl"))
    add("formats/mlflow/model/MLmodel", "mlflow", "own writer (MLmodel YAML)", **{"metadata.mlflow.flavors": ["python_function", "sklearn"], "metadata.mlflow.mlflow_version": "2.14.0"})
    # Triton model repository
    w("formats/triton/repo/densenet/config.pbtxt", 'name: "densenet"\nplatform: "onnxruntime_onnx"\nmax_batch_size: 8\ninput [ { name: "x" data_type: TYPE_FP32 dims: [ 4 ] } ]\n')
    with open(path("formats/onnx/model.onnx"), "rb") as src:
        w("formats/triton/repo/densenet/1/model.onnx", src.read())
    add("formats/triton/repo/densenet/config.pbtxt", "triton", "own writer (config.pbtxt)", name="densenet", **{"metadata.triton.platform": "onnxruntime_onnx"})
    # Git LFS pointer with a model extension
    w("formats/lfs/model.safetensors", "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 4400000000\n")
    add("formats/lfs/model.safetensors", "git-lfs-pointer", "own writer (LFS spec v1)", **{"metadata.lfs.size": 4400000000})
    # numpy .npy
    np.save(path("formats/numpy/weights.npy"), np.zeros((3, 4), dtype=np.float32))
    add("formats/numpy/weights.npy", "numpy", "numpy " + np.__version__, **{"metadata.numpy.shape": "(3, 4)"})


def huggingface_repo():
    from safetensors.numpy import save_file
    base = "formats/huggingface/hub/models--acme--tiny-bert/snapshots/0123456789abcdef0123456789abcdef01234567/"
    with open(path(base + "config.json"), "w") as f:
        json.dump({"model_type": "bert", "architectures": ["BertForSequenceClassification"], "torch_dtype": "float32", "hidden_size": 16}, f)
    with open(path(base + "README.md"), "w") as f:
        f.write("---\nlicense: mit\nlibrary_name: transformers\npipeline_tag: text-classification\ndatasets:\n- imdb\nbase_model: google/bert_uncased_L-2_H-128_A-2\ntags:\n- fixture\n---\n# tiny-bert\nA fixture.\n")
    save_file({"bert.embeddings.word_embeddings.weight": np.zeros((50, 16), dtype=np.float32)}, path(base + "model.safetensors"))
    with open(path(base + "tokenizer.json"), "w") as f:
        json.dump({"version": "1.0", "model": {"type": "WordPiece", "vocab": {"a": 0}}}, f)
    add(base + "model.safetensors", "safetensors", "huggingface hub layout", purl="pkg:huggingface/acme/tiny-bert@0123456789abcdef0123456789abcdef01234567", license="MIT", task="text-classification", datasets=["imdb"], architecture="BertForSequenceClassification")


# ---------------- malicious and benign pickles (peer comparison set) ----------------

def malicious():
    class Reduce:
        def __init__(self, fn, args):
            self.fn, self.args = fn, args

        def __reduce__(self):
            return (self.fn, self.args)

    import builtins
    import runpy
    import shutil
    import socket
    import subprocess
    import webbrowser

    def mal(rel, data, dangerous, how):
        with open(path("malicious/" + rel), "wb") as f:
            f.write(data)
        add("malicious/" + rel, "pickle" if not rel.endswith((".pt", ".bin", ".joblib", ".keras")) else None, how, unsafe=True, dangerous=dangerous)

    # Direct GLOBAL (protocol 0 text opcodes) and the same via protocol 2 REDUCE.
    mal("os-system-proto0.pkl", pickle.dumps(Reduce(os.system, ("echo pwned",)), protocol=0), "os.system", "GLOBAL posix.system, protocol 0")
    mal("os-system-proto2.pkl", pickle.dumps(Reduce(os.system, ("echo pwned",)), protocol=2), "os.system", "GLOBAL + REDUCE, protocol 2")
    # STACK_GLOBAL whose module and name strings come back from the memo.
    sg = b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00" + b"\x8c\x05posix\x94\x8c\x06system\x94" + b"\x8c\x05dummy\x94\x30" + b"h\x00h\x01\x93\x8c\x0aecho pwned\x85R."
    mal("stack-global-memo.pkl", sg, "os.system", "STACK_GLOBAL with memo (BINGET) operands, protocol 4")
    mal("subprocess-proto4.pkl", pickle.dumps(Reduce(subprocess.Popen, (["id"],)), protocol=4), "subprocess.Popen", "STACK_GLOBAL, protocol 4")
    mal("builtins-eval.pkl", pickle.dumps(Reduce(builtins.eval, ("1+1",)), protocol=3), "builtins.eval", "GLOBAL builtins.eval")
    mal("builtins-exec-proto5.pkl", pickle.dumps(Reduce(builtins.exec, ("import os",)), protocol=5), "builtins.exec", "protocol 5")
    # REDUCE chain: getattr(__import__('os'), 'system')('echo pwned').
    chain = (b"\x80\x02cbuiltins\ngetattr\nq\x00cbuiltins\n__import__\nq\x01X\x02\x00\x00\x00os\x85Rq\x02X\x06\x00\x00\x00system\x86Rq\x03X\x0a\x00\x00\x00echo pwned\x85R.")
    mal("reduce-chain-getattr.pkl", chain, "builtins.__import__", "REDUCE chain getattr(__import__('os'), 'system')")
    # INST opcode (protocol 0 instantiation of os.system).
    mal("inst-opcode.pkl", b"(S'echo pwned'\nios\nsystem\n.", "os.system", "INST opcode")
    # A nested pickle: pickle.loads(bytes of another malicious pickle).
    inner = pickle.dumps(Reduce(os.system, ("echo pwned",)), protocol=2)
    mal("nested-pickle.pkl", pickle.dumps(Reduce(pickle.loads, (inner,)), protocol=4), "os.system", "pickle.loads of a nested malicious pickle")
    mal("runpy.pkl", pickle.dumps(Reduce(runpy._run_code, ("print(1)", {})), protocol=2), "runpy._run_code", "runpy")
    mal("socket.pkl", pickle.dumps(Reduce(socket.create_connection, (("127.0.0.1", 9),)), protocol=2), "socket.create_connection", "socket")
    mal("webbrowser.pkl", pickle.dumps(Reduce(webbrowser.open, ("http://127.0.0.1/",)), protocol=2), "webbrowser.open", "webbrowser")
    mal("shutil-rmtree.pkl", pickle.dumps(Reduce(shutil.rmtree, ("/nonexistent",)), protocol=2), "shutil.rmtree", "shutil")
    # Payload after a benign pickle (two pickles back to back).
    mal("second-stream.pkl", pickle.dumps({"ok": 1}, protocol=2) + pickle.dumps(Reduce(os.system, ("echo pwned",)), protocol=2), "os.system", "second pickle after a benign one")
    # Inside a PyTorch zip (data.pkl holds the payload).
    payload = pickle.dumps({"weights": Reduce(os.system, ("echo pwned",))}, protocol=2)
    own.torch_zip(path("malicious/torch-zip.pt"), [("w", (2, 2))], data_pkl=payload)
    add("malicious/torch-zip.pt", "pytorch", "torch.save zip layout with a payload in data.pkl", unsafe=True, dangerous="os.system")
    own.torch_zip(path("malicious/pytorch_model.bin"), [("w", (2, 2))], data_pkl=pickle.dumps(Reduce(builtins.exec, ("import os",)), protocol=2))
    add("malicious/pytorch_model.bin", "pytorch", "HF pytorch_model.bin with exec in data.pkl", unsafe=True, dangerous="builtins.exec")
    # Inside compressed joblib streams.
    import joblib
    joblib.dump({"model": Reduce(os.system, ("echo pwned",)), "w": np.zeros(8)}, path("malicious/payload.zlib.joblib"), compress=3)
    add("malicious/payload.zlib.joblib", "joblib", "joblib compress=3 (zlib) with a payload after an array", unsafe=True, dangerous="os.system")
    joblib.dump([np.arange(16), Reduce(subprocess.call, (["id"],))], path("malicious/payload.gzip.joblib"), compress="gzip")
    add("malicious/payload.gzip.joblib", "joblib", "joblib gzip with a payload after an inline array", unsafe=True, dangerous="subprocess.call")
    joblib.dump([np.arange(16), Reduce(os.system, ("echo",))], path("malicious/payload.joblib"))
    add("malicious/payload.joblib", "joblib", "uncompressed joblib, payload after an inline array", unsafe=True, dangerous="os.system")
    # A Keras Lambda layer whose marshalled code calls os.system (never executed here).
    code = compile("lambda x: __import__('os').system('echo pwned') or x", "<lambda>", "eval")
    lam = {"module": "keras.layers", "class_name": "Lambda", "config": {"name": "lambda", "function": {"class_name": "__lambda__", "config": {"code": base64.b64encode(marshal.dumps(code.co_consts[0])).decode(), "defaults": None, "closure": None}}}, "registered_name": None}
    import io
    import h5py
    bio = io.BytesIO()
    with h5py.File(bio, "w") as f:
        f.create_dataset("layers/lambda/vars", data=np.zeros(1))
    own.keras_zip(path("malicious/lambda.keras"), own.keras_config([lam]), bio.getvalue())
    add("malicious/lambda.keras", "keras", "Keras 3 Lambda layer with marshalled os.system", unsafe=True, dangerous="keras.Lambda")
    # Keras 2 HDF5 with a Lambda layer (function stored as [base64 marshal, defaults, closure]).
    lam2 = {"class_name": "Lambda", "config": {"name": "lambda", "function": [base64.b64encode(marshal.dumps(code.co_consts[0])).decode(), None, None], "function_type": "lambda"}}
    own.keras_h5(path("malicious/lambda.h5"), {"class_name": "Sequential", "config": {"name": "seq", "layers": [lam2]}}, h5py, np)
    add("malicious/lambda.h5", "keras", "Keras 2 HDF5 Lambda layer with marshalled os.system", unsafe=True, dangerous="keras.Lambda")
    # An lzma-alone joblib over 256 KiB compressed: the payload sits after 1.25 MiB of random floats.
    joblib.dump([rng().random(160_000), Reduce(os.system, ("echo pwned",))], path("malicious/payload-big.lzma.joblib"), compress="lzma")
    add("malicious/payload-big.lzma.joblib", "joblib", "joblib lzma (> 256 KiB compressed), payload after a large array", unsafe=True, dangerous="os.system")
    # A numpy object array: np.load(allow_pickle=True) unpickles its data.
    np.save(path("malicious/object-array.npy"), np.array([1, Reduce(os.system, ("echo pwned",))], dtype=object), allow_pickle=True)
    add("malicious/object-array.npy", "numpy", "numpy object array whose pickled data calls os.system", unsafe=True, dangerous="os.system")
    # A legacy (pre-1.6) torch.save file whose object pickle carries the payload.
    own.torch_legacy(path("malicious/legacy-torch.pth"), [("w", (2, 2))], object_pkl=pickle.dumps({"state_dict": Reduce(os.system, ("echo pwned",))}, protocol=2))
    add("malicious/legacy-torch.pth", "pytorch", "legacy torch.save with a payload in the object pickle", unsafe=True, dangerous="os.system", variant="legacy")


def benign(rf):
    import joblib
    with open(path("benign/numpy-array.pkl"), "wb") as f:
        pickle.dump(np.arange(100, dtype=np.float64).reshape(10, 10), f, protocol=2)
    add("benign/numpy-array.pkl", "pickle", "numpy " + np.__version__, unsafe=False)
    with open(path("benign/numpy-dict.pkl"), "wb") as f:
        pickle.dump({"a": np.zeros(4, dtype=np.int32), "b": np.ones((2, 2)), "names": ["x", "y"]}, f, protocol=5)
    add("benign/numpy-dict.pkl", "pickle", "numpy " + np.__version__, unsafe=False)
    with open(path("benign/sklearn-forest.pkl"), "wb") as f:
        pickle.dump(rf, f, protocol=2)
    add("benign/sklearn-forest.pkl", "sklearn", "scikit-learn", unsafe=False)
    joblib.dump(rf, path("benign/sklearn-forest.lzma.joblib"), compress="lzma")
    add("benign/sklearn-forest.lzma.joblib", "sklearn", "joblib lzma", unsafe=False)
    own.torch_zip(path("benign/state_dict.pt"), [("layer1.weight", (4, 4)), ("layer1.bias", (4,))])
    add("benign/state_dict.pt", "pytorch", "own writer (torch.save zip layout)", unsafe=False)
    with gzip_mod.open(path("benign/plain.pkl.gz"), "wb") as f:
        pickle.dump({"vocab": ["a", "b"], "sizes": (1, 2)}, f)
    add("benign/plain.pkl.gz", "pickle", "gzip of a plain pickle", unsafe=False)
    # What real scikit-learn and numpy users save: pipelines, boosting (Cython losses, private
    # classes such as _BinMapper, numpy Generators and SeedSequences), networks, text features.
    import sklearn
    from sklearn.compose import ColumnTransformer
    from sklearn.decomposition import PCA
    from sklearn.ensemble import GradientBoostingClassifier, HistGradientBoostingClassifier
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    import warnings
    warnings.simplefilter("ignore")
    X = rng().normal(size=(60, 4))
    y = (X[:, 0] > 0).astype(int)
    sk = "scikit-learn " + sklearn.__version__
    joblib.dump(make_pipeline(StandardScaler(), PCA(2), LogisticRegression()).fit(X, y), path("benign/sklearn-pipeline.joblib"))
    add("benign/sklearn-pipeline.joblib", "sklearn", sk + " (joblib)", unsafe=False)
    with open(path("benign/sklearn-histgb.pkl"), "wb") as f:
        pickle.dump(HistGradientBoostingClassifier(max_iter=3, random_state=0).fit(X, y), f, protocol=5)
    add("benign/sklearn-histgb.pkl", "sklearn", sk, unsafe=False)
    joblib.dump(GradientBoostingClassifier(n_estimators=3, random_state=0).fit(X, y), path("benign/sklearn-gb.zlib.joblib"), compress=3)
    add("benign/sklearn-gb.zlib.joblib", "sklearn", sk + " (joblib zlib)", unsafe=False)
    with open(path("benign/sklearn-mlp.pkl"), "wb") as f:
        pickle.dump(MLPClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0).fit(X, y), f, protocol=4)
    add("benign/sklearn-mlp.pkl", "sklearn", sk, unsafe=False)
    text = {"tfidf": TfidfVectorizer().fit(["apple banana cherry", "banana cherry date"]), "onehot": ColumnTransformer([("oh", OneHotEncoder(), [0])]).fit(np.array([["a"], ["b"]], dtype=object))}
    with open(path("benign/sklearn-text.pkl"), "wb") as f:
        pickle.dump(text, f, protocol=4)
    add("benign/sklearn-text.pkl", "sklearn", sk, unsafe=False)
    with open(path("benign/numpy-generator.pkl"), "wb") as f:
        pickle.dump({"rng": np.random.default_rng(3), "legacy": np.random.RandomState(3), "x": np.float32(1.5), "n": np.int64(7)}, f, protocol=4)
    add("benign/numpy-generator.pkl", "pickle", "numpy " + np.__version__, unsafe=False)
    np.save(path("benign/object-array.npy"), np.array(["a", None, 1.5, ("t", 2)], dtype=object), allow_pickle=True)
    add("benign/object-array.npy", "numpy", "numpy " + np.__version__ + " object array of plain values", unsafe=False)
    # Over 256 KiB compressed (the old lzma-alone limit): a forest and its training data.
    joblib.dump({"model": rf, "X": rng().normal(size=(40_000,))}, path("benign/big-forest.lzma.joblib"), compress="lzma")
    add("benign/big-forest.lzma.joblib", "sklearn", "joblib lzma (> 256 KiB compressed)", unsafe=False)


def streams():
    """The same payload compressed by each codec joblib uses (streams/), with its SHA-256 and size in
    streams/streams.json: the decoders must give it back byte for byte. The payload mixes random
    bytes, text, long zero runs (bzip2's run-length step expands them ~50x within one block) and a
    repeat 3 MiB back (past lz4's 64 KiB reach, inside lzma's window)."""
    import bz2
    import hashlib
    import lzma
    import zlib

    import lz4.frame
    r = rng()
    head = r.bytes(512 * 1024)
    payload = head + b"the quick brown fox jumps over the lazy dog\n" * 20000 + bytes(3 * 1024 * 1024) + r.bytes(1024 * 1024) + head
    meta = {"sha256": hashlib.sha256(payload).hexdigest(), "size": len(payload), "tail16": payload[-16:].hex(), "files": {}}
    out = {
        "zlib": zlib.compress(payload, 6),
        "gzip": gzip_mod.compress(payload, 6, mtime=0),
        "bz2": bz2.compress(payload, 9),
        "xz": lzma.compress(payload, format=lzma.FORMAT_XZ, preset=3),
        "lzma": lzma.compress(payload, format=lzma.FORMAT_ALONE, preset=6),
        "lz4": lz4.frame.compress(payload),
        "lz4-independent": lz4.frame.compress(payload, block_linked=False, block_size=lz4.frame.BLOCKSIZE_MAX256KB, content_checksum=True, block_checksum=True),
    }
    # A 64 MiB dictionary and a repeat 9 MiB back: past the 8 MiB window our decoder keeps.
    far = r.bytes(1024 * 1024)
    with open(path("streams/far-repeat.lzma"), "wb") as f:
        f.write(lzma.compress(far + bytes(8 * 1024 * 1024) + far, format=lzma.FORMAT_ALONE, preset=9))
    meta["farRepeat"] = {"file": "far-repeat.lzma", "size": 10 * 1024 * 1024}
    for name, data in out.items():
        with open(path(f"streams/payload.{name}"), "wb") as f:
            f.write(data)
        meta["files"][name] = f"payload.{name}"
    # 40 MiB of zeros: bzip2's first run-length step packs them into one block whose output is 40 MiB.
    with open(path("streams/zeros-40m.bz2"), "wb") as f:
        f.write(bz2.compress(bytes(40 * 1024 * 1024), 9))
    meta["zeros"] = {"file": "zeros-40m.bz2", "size": 40 * 1024 * 1024}
    with open(path("streams/streams.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)


def main():
    os.makedirs(OUT, exist_ok=True)
    gguf_files()
    safetensors_files()
    onnx_files()
    rf = sklearn_files()
    boosters()
    h5_keras_files()
    tflite_file()
    torch_files()
    small_own_formats(rf)
    huggingface_repo()
    malicious()
    benign(rf)
    streams()
    for m in manifest:
        m["size"] = os.path.getsize(os.path.join(OUT, m["path"]))
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)


main()
