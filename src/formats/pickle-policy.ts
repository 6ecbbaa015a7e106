// Which pickle globals are dangerous. A global names a callable that the unpickler imports and may
// call (GLOBAL / STACK_GLOBAL / INST / OBJ); one that executes code or reaches the OS makes loading
// the file run an attacker's code. Three outcomes: `unsafe` (critical/high), `review` (unknown: a
// human should look), `safe` (the constructors that torch, numpy, scikit-learn and friends emit).
import { SEVERITY_ORDER, type Severity } from './types.js';

export interface GlobalVerdict {
  verdict: 'unsafe' | 'review' | 'safe';
  severity: Severity;
  why: string;
}

const ALIASES: Record<string, string> = { __builtin__: 'builtins', exceptions: 'builtins', posix: 'os', nt: 'os', cPickle: 'pickle', _pickle: 'pickle', copy_reg: 'copyreg' };

/** Whole modules whose every member is dangerous (prefix match on the dotted module path). */
const UNSAFE_MODULES: ReadonlyArray<[string, Severity, string]> = [
  ['os', 'critical', 'reaches the operating system (os.system, os.popen, os.exec*, file access)'],
  ['subprocess', 'critical', 'starts processes'],
  ['_posixsubprocess', 'critical', 'starts processes'],
  ['pty', 'critical', 'spawns a shell'],
  ['runpy', 'critical', 'runs Python modules'],
  ['commands', 'critical', 'runs shell commands'],
  ['code', 'critical', 'runs Python code'],
  ['codeop', 'critical', 'compiles Python code'],
  ['ctypes', 'critical', 'calls native code'],
  ['importlib', 'critical', 'imports arbitrary modules'],
  ['marshal', 'critical', 'loads code objects'],
  ['multiprocessing', 'critical', 'starts processes'],
  ['pdb', 'critical', 'runs code in the debugger'],
  ['bdb', 'critical', 'runs code in the debugger'],
  ['timeit', 'critical', 'runs Python code'],
  ['trace', 'critical', 'runs Python code'],
  ['profile', 'critical', 'runs Python code'],
  ['cProfile', 'critical', 'runs Python code'],
  ['pydoc', 'high', 'can run a pager command'],
  ['sys', 'high', 'changes the interpreter (modules, hooks)'],
  ['socket', 'high', 'opens network connections'],
  ['ssl', 'high', 'opens network connections'],
  ['http', 'high', 'makes HTTP requests'],
  ['urllib', 'high', 'makes network requests'],
  ['urllib2', 'high', 'makes network requests'],
  ['requests', 'high', 'makes HTTP requests'],
  ['httplib', 'high', 'makes HTTP requests'],
  ['aiohttp', 'high', 'makes HTTP requests'],
  ['ftplib', 'high', 'makes network requests'],
  ['smtplib', 'high', 'sends mail'],
  ['telnetlib', 'high', 'opens network connections'],
  ['webbrowser', 'high', 'opens URLs in a browser'],
  ['shutil', 'high', 'copies, moves and deletes files'],
  ['pathlib', 'high', 'reads and writes files'],
  ['tempfile', 'high', 'creates files'],
  ['glob', 'high', 'lists files'],
  ['io', 'high', 'opens files'],
  ['pickle', 'high', 'unpickles nested data (a second, unchecked payload)'],
  ['dill', 'high', 'unpickles nested data and code'],
  ['cloudpickle', 'high', 'unpickles nested data and code'],
  ['shelve', 'high', 'unpickles nested data'],
  ['asyncio', 'high', 'starts processes and connections'],
  ['signal', 'high', 'changes signal handlers'],
  ['threading', 'high', 'starts threads running arbitrary callables'],
  ['_thread', 'high', 'starts threads running arbitrary callables'],
  ['types', 'high', 'builds functions and code objects'],
  ['operator', 'medium', 'attribute and method access gadgets (attrgetter, methodcaller)'],
  ['functools', 'medium', 'call gadgets (partial, reduce)'],
  ['itertools', 'medium', 'call gadgets'],
];

/** Single dangerous members of otherwise harmless modules. */
const UNSAFE_GLOBALS: Readonly<Record<string, [Severity, string]>> = {
  'builtins.eval': ['critical', 'evaluates Python code'],
  'builtins.exec': ['critical', 'executes Python code'],
  'builtins.execfile': ['critical', 'executes a Python file'],
  'builtins.compile': ['critical', 'compiles Python code'],
  'builtins.__import__': ['critical', 'imports arbitrary modules'],
  'builtins.breakpoint': ['critical', 'starts the debugger'],
  'builtins.getattr': ['high', 'reaches any attribute (the usual first step of a gadget chain)'],
  'builtins.setattr': ['high', 'changes any attribute'],
  'builtins.delattr': ['high', 'deletes attributes'],
  'builtins.open': ['high', 'opens files'],
  'builtins.file': ['high', 'opens files'],
  'builtins.input': ['high', 'reads the terminal'],
  'builtins.globals': ['high', 'reaches the interpreter globals'],
  'builtins.locals': ['high', 'reaches the interpreter locals'],
  'builtins.vars': ['high', 'reaches object namespaces'],
  'builtins.memoryview': ['medium', 'raw memory access'],
  'builtins.type': ['medium', 'creates classes'],
  'builtins.super': ['medium', 'attribute access gadget'],
  'builtins.apply': ['critical', 'calls any callable'],
  'numpy.testing._private.utils.runstring': ['critical', 'executes Python code (exec)'],
  'numpy.load': ['high', 'loads a nested file (possibly a pickle)'],
  'numpy.lib.npyio.load': ['high', 'loads a nested file (possibly a pickle)'],
  'torch.load': ['high', 'loads a nested file (a pickle)'],
  'torch.serialization.load': ['high', 'loads a nested file (a pickle)'],
  'torch.hub.load': ['critical', 'downloads and runs code'],
  'torch.hub.load_state_dict_from_url': ['high', 'downloads files'],
  'torch.storage._load_from_bytes': ['medium', 'loads a nested torch pickle'],
  'joblib.load': ['high', 'loads a nested pickle'],
  'keras.models.load_model': ['high', 'loads a nested model (possibly with code)'],
  'copyreg._reconstructor': ['info', 'rebuilds an object of another global (checked on its own)'],
};

/** Globals the common ML libraries emit for plain data (exact names). */
const SAFE_GLOBALS = new Set([
  'collections.OrderedDict', 'collections.defaultdict', 'collections.Counter', 'collections.deque', 'collections.namedtuple',
  'builtins.set', 'builtins.frozenset', 'builtins.dict', 'builtins.list', 'builtins.tuple', 'builtins.bytearray', 'builtins.bytes',
  'builtins.complex', 'builtins.slice', 'builtins.range', 'builtins.int', 'builtins.float', 'builtins.str', 'builtins.bool', 'builtins.object',
  'builtins.long', 'builtins.unicode', 'builtins.NoneType', 'builtins.Ellipsis', 'builtins.NotImplemented',
  '_codecs.encode', 'copyreg._reconstructor', 'copyreg.__newobj__', 'datetime.datetime', 'datetime.date', 'datetime.time', 'datetime.timedelta', 'datetime.timezone',
  'decimal.Decimal', 'fractions.Fraction', 'uuid.UUID', 'enum.Enum', 're._compile',
  'numpy.ndarray', 'numpy.dtype', 'numpy.core.multiarray._reconstruct', 'numpy._core.multiarray._reconstruct', 'numpy.core.multiarray.scalar',
  'numpy._core.multiarray.scalar', 'numpy.core.numeric._frombuffer', 'numpy._core.numeric._frombuffer', 'numpy.ma.core._mareconstruct',
  'numpy.random._pickle.__randomstate_ctor', 'numpy.random._pickle.__bit_generator_ctor', 'numpy.random._pickle.__generator_ctor',
  'numpy.random.__RandomState_ctor', 'numpy.random.mtrand._rand', 'numpy.random._mt19937.MT19937', 'numpy.random.mtrand.RandomState',
  // numpy.random.Generator state (default_rng; what HistGradientBoosting keeps): bit generators and seed sequences.
  'numpy.random._pcg64.PCG64', 'numpy.random._pcg64.PCG64DXSM', 'numpy.random._philox.Philox', 'numpy.random._sfc64.SFC64', 'numpy.random._generator.Generator',
  'numpy.random.bit_generator.SeedSequence', 'numpy.random.bit_generator.__pyx_unpickle_SeedSequence',
  'joblib.numpy_pickle.NumpyArrayWrapper', 'joblib.numpy_pickle_compat.NDArrayWrapper', 'joblib.numpy_pickle_compat.ZNDArrayWrapper',
  'torch._utils._rebuild_tensor', 'torch._utils._rebuild_tensor_v2', 'torch._utils._rebuild_tensor_v3', 'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state', 'torch._utils._rebuild_qtensor', 'torch._utils._rebuild_sparse_tensor', 'torch._utils._rebuild_device_tensor_from_numpy',
  'torch._utils._rebuild_meta_tensor_no_storage', 'torch._utils._rebuild_wrapper_subclass', 'torch._tensor._rebuild_from_type_v2', 'torch._tensor._rebuild_from_type',
  'torch.nn.parameter.Parameter', 'torch.Size', 'torch.device', 'torch.dtype', 'torch.storage.UntypedStorage', 'torch.storage.TypedStorage',
  'torch.serialization._get_layout', 'torch.layout', 'torch.memory_format',
  'scipy.sparse._csr.csr_matrix', 'scipy.sparse._csc.csc_matrix', 'scipy.sparse._coo.coo_matrix', 'scipy.sparse.csr.csr_matrix', 'scipy.sparse.csc.csc_matrix',
  'pandas.core.frame.DataFrame', 'pandas.core.series.Series', 'pandas.core.indexes.base._new_Index', 'pandas.core.internals.managers.BlockManager',
]);

/** ML libraries whose classes (CapWords names) rebuild plain estimators and boosters. */
const ML_CLASS_MODULES = ['sklearn', 'xgboost', 'lightgbm', 'catboost', 'scipy.sparse', 'scipy.stats', 'imblearn', 'category_encoders', 'statsmodels', 'torch.nn.modules', 'transformers.models', 'tokenizers'];

const TORCH_STORAGE = /^torch\.(cuda\.)?[A-Za-z0-9]*Storage$/;
/** numpy's scalar types (`numpy.float64(1.5)` pickles as a call of its type): plain numbers. */
const NUMPY_SCALAR = /^numpy\.(bool_?|(u?int|float|complex)(8|16|32|64|128|256)?|u?(byte|short|intc|intp|long|longlong)|half|single|double|longdouble|c?longdouble|csingle|cdouble|str_|bytes_|void|datetime64|timedelta64|object_)$/;
const TORCH_DTYPE = /^torch\.(float|double|half|bfloat16|int|long|short|uint8|int8|int16|int32|int64|bool|complex)\w*$/;

export function canonicalModule(module: string): string {
  const head = module.split('.')[0]!;
  const alias = ALIASES[head];
  return alias ? alias + module.slice(head.length) : module;
}

export function classifyGlobal(module: string, name: string): GlobalVerdict {
  const mod = canonicalModule(module.trim());
  const full = `${mod}.${name.trim()}`;
  const exact = UNSAFE_GLOBALS[full];
  if (exact && exact[0] !== 'info') return { verdict: exact[0] === 'medium' ? 'review' : 'unsafe', severity: exact[0], why: exact[1] };
  if (SAFE_GLOBALS.has(full) || TORCH_STORAGE.test(full) || TORCH_DTYPE.test(full) || NUMPY_SCALAR.test(full)) return { verdict: 'safe', severity: 'info', why: 'plain-data constructor' };
  for (const [prefix, severity, why] of UNSAFE_MODULES) {
    if (mod === prefix || mod.startsWith(`${prefix}.`)) return { verdict: severity === 'medium' ? 'review' : 'unsafe', severity, why };
  }
  // A class of an ML library: CapWords name (private ones too, e.g. sklearn's _BinMapper), no dunder,
  // a module the library owns.
  if (/^_?[A-Z][A-Za-z0-9_]*$/.test(name) && ML_CLASS_MODULES.some((p) => mod === p || mod.startsWith(`${p}.`))) return { verdict: 'safe', severity: 'info', why: 'ML library class' };
  if (name.includes('.') || name.startsWith('__')) return { verdict: 'review', severity: 'medium', why: 'dotted or dunder attribute path (gadget pattern)' };
  return { verdict: 'review', severity: 'medium', why: 'unknown global: not on the list of plain-data constructors' };
}

/** The worst verdict over a dotted name (protocol 4 resolves `a.b.c` attribute by attribute). */
export function judgeGlobal(module: string, name: string): GlobalVerdict {
  let worst = classifyGlobal(module, name);
  if (name.includes('.')) {
    const parts = name.split('.');
    for (let i = 1; i < parts.length; i++) {
      const v = classifyGlobal([module, ...parts.slice(0, i)].join('.'), parts.slice(i).join('.'));
      if (SEVERITY_ORDER.indexOf(v.severity) > SEVERITY_ORDER.indexOf(worst.severity)) worst = v;
    }
    for (let i = 0; i < parts.length; i++) {
      const v = classifyGlobal(parts.slice(0, i).join('.') || parts[0]!, parts[i]!);
      if (v.verdict === 'unsafe' && SEVERITY_ORDER.indexOf(v.severity) > SEVERITY_ORDER.indexOf(worst.severity)) worst = v;
    }
    if (worst.verdict === 'safe') worst = { verdict: 'review', severity: 'medium', why: 'dotted attribute path (gadget pattern)' };
  }
  return worst;
}
