// A model's file format (docs/model-scan.md "Properties written"): from `aibom:model:format`, then the file
// extension, then hints in the model card. Never from `modelCard.modelParameters.inputs[].format`,
// which is the format of the input DATA (e.g. "text", "image").

const EXTENSIONS: ReadonlyArray<[RegExp, string]> = [
  [/\.gguf$/i, 'gguf'],
  [/\.safetensors$/i, 'safetensors'],
  [/\.onnx$/i, 'onnx'],
  [/\.(pt|pth|bin)$/i, 'pytorch'],
  [/\.ptl$/i, 'torchscript'],
  [/\.(pkl|pickle|joblib)$/i, 'pickle'],
  [/\.(h5|hdf5|keras)$/i, 'keras'],
  [/(^|\/)saved_model\.pbtxt?$/i, 'savedmodel'],
  [/\.tflite$/i, 'tflite'],
  [/\.(mlmodel|mlpackage|mlmodelc)$/i, 'coreml'],
  [/\.ubj$/i, 'xgboost'],
  [/\.cbm$/i, 'catboost'],
  [/\.pmml$/i, 'pmml'],
  [/(^|\/)MLmodel$/, 'mlflow'],
  [/\.(engine|plan|trt)$/i, 'tensorrt'],
  [/\.rknn$/i, 'rknn'],
  [/\.(ggml|llamafile)$/i, 'gguf'],
];

/** Words in names, architectures or card properties that name a format. Order matters (first wins). */
const HINTS: ReadonlyArray<[RegExp, string]> = [
  [/\bgguf\b/i, 'gguf'],
  [/\bsafetensors\b/i, 'safetensors'],
  [/\bonnx\b/i, 'onnx'],
  [/\bopenvino\b/i, 'openvino'],
  [/\btensorrt\b/i, 'tensorrt'],
  [/\btflite\b|\blitert\b/i, 'tflite'],
  [/\bcoreml\b/i, 'coreml'],
  [/\btorchscript\b/i, 'torchscript'],
  [/\bmlx\b/i, 'mlx'],
];

/** The format implied by a file name or URL ending, if any. */
export function formatFromFileName(name: string): string | undefined {
  const clean = name.split(/[?#]/)[0] ?? name;
  for (const [re, format] of EXTENSIONS) if (re.test(clean)) return format;
  return undefined;
}

export function formatFromHints(texts: readonly string[]): string | undefined {
  for (const [re, format] of HINTS) for (const t of texts) if (re.test(t)) return format;
  return undefined;
}

export function normalizeFormat(value: string): string {
  return value.trim().toLowerCase();
}

/** True for a file name that looks like model weights (used for SPDX 2 hints and CycloneDX `file` components). */
export function isModelFileName(name: string): boolean {
  const f = formatFromFileName(name);
  return f !== undefined && f !== 'pytorch' ? true : /(^|\/)(pytorch_model|model)[^/]*\.(bin|pt|pth)$/i.test(name);
}
