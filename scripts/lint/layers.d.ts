// Types of scripts/lint/layers.js for the tests that import it.
import type { ESLint } from 'eslint';

export interface Room {
  layer: 'contracts' | 'core' | 'edge';
  may: string[];
}

export declare const ROOMS: Record<string, Room>;
declare const plugin: ESLint.Plugin;
export default plugin;
