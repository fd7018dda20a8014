/**
 * ajv's compilers, loaded on first use. Runs use the validators the build precompiled
 * (precompiled.ts); only a schema without one (run from the sources, node metadata checked by
 * discovery) needs the compiler, and loading it cost every run ~20 ms before it could connect.
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export type AjvClass = typeof import('ajv').Ajv;
export type Ajv2020Class = typeof import('ajv/dist/2020.js').Ajv2020;

export const ajvClass = (): AjvClass => (load('ajv') as typeof import('ajv')).Ajv;
export const ajv2020Class = (): Ajv2020Class => (load('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')).Ajv2020;
