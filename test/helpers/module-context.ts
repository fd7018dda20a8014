import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, isAbsolute } from 'node:path';
import { LocalConnection } from '../../src/connection/local.js';
import type { ModuleContext } from '../../src/modules/types.js';

/** A temp directory to act in. */
export function tempDir(prefix = 'oasis-mod-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A module context that runs scripts with the local `sh`, as a real target would. */
export function localModuleContext(opts: { check?: boolean; diff?: boolean; filesDir?: string; render?: (p: string) => string } = {}): ModuleContext {
  const conn = new LocalConnection();
  const resolve = (p: string) => (isAbsolute(p) || !opts.filesDir ? p : join(opts.filesDir, p));
  return {
    check: opts.check ?? false,
    diff: opts.diff ?? false,
    exec: (script, o) => conn.exec(script, o),
    readLocalFile: async (p) => readFileSync(resolve(p)),
    renderTemplate: async (p) => (opts.render ? opts.render(resolve(p)) : readFileSync(resolve(p), 'utf8')),
  };
}
