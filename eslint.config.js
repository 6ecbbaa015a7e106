// Lint rules. The important ones: the layers (scripts/lint/layers.js: which room may import which,
// no import cycles), the sizes (scripts/lint/size.js: files ≤ 400 lines, functions ≤ 80), and the pure
// core (contracts/ and the core rooms) may not import I/O modules, read process.env or read the clock.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import layers, { ROOMS } from './scripts/lint/layers.js';
import size, { MAX_FILE_LINES, MAX_FUNCTION_LINES } from './scripts/lint/size.js';

const ioModules = [
  'fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'net', 'node:net', 'tls', 'node:tls',
  'http', 'node:http', 'https', 'node:https', 'http2', 'node:http2', 'dns', 'node:dns',
  'child_process', 'node:child_process', 'dgram', 'node:dgram', 'os', 'node:os',
  'worker_threads', 'node:worker_threads', 'cluster', 'node:cluster', 'undici', 'express',
  'prom-client', 'pino', '@kubernetes/client-node',
];
const pureCoreFiles = Object.entries(ROOMS).filter(([, r]) => r.layer !== 'edge').map(([room]) => `src/${room}/**/*.ts`);

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', '.demo/**', 'bench/results/**', 'bench/.dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read the environment only in src/config.' }],
    },
  },
  {
    // One-way layers (scripts/lint/layers.js, docs/architecture.md).
    files: ['src/**/*.ts'],
    plugins: { layers },
    rules: { 'layers/arrows': 'error', 'layers/no-cycle': 'error' },
  },
  {
    // Files and functions a reader can hold in their head (scripts/lint/size.js): a longer one says why.
    files: ['src/**/*.ts'],
    plugins: { size },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'max-lines': ['error', { max: MAX_FILE_LINES }],
      'max-lines-per-function': ['error', { max: MAX_FUNCTION_LINES, skipBlankLines: true, skipComments: true, IIFEs: true }],
      'size/reasoned-exception': 'error',
    },
  },
  {
    files: ['src/config/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts', 'bin/**/*.js', 'src/cli/run.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: pureCoreFiles,
    rules: {
      'no-restricted-imports': ['error', {
        paths: ioModules.map((name) => ({ name, message: 'The pure core does no I/O: take a port as a parameter.', allowTypeImports: true })),
      }],
      'no-restricted-properties': ['error',
        { object: 'process', property: 'env', message: 'The pure core reads no environment.' },
        { object: 'Date', property: 'now', message: 'Time is injected: take a clock parameter.' },
        { object: 'performance', property: 'now', message: 'Time is injected: take a clock parameter.' },
      ],
      'no-restricted-syntax': ['error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Time is injected: take a clock parameter.' },
        { selector: "MemberExpression[object.name='Math'][property.name='random']", message: 'The core is deterministic.' },
      ],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'The pure core does no I/O.' }, { name: 'setTimeout', message: 'The pure core has no timers.' }, { name: 'setInterval', message: 'The pure core has no timers.' }],
    },
  },
);
