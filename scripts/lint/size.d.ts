// Types of scripts/lint/size.js for the tests that import it.
import type { ESLint } from 'eslint';

export declare const MAX_FILE_LINES: number;
export declare const MAX_FUNCTION_LINES: number;
declare const plugin: ESLint.Plugin;
export default plugin;
