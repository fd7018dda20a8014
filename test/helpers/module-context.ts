import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

/**
 * Wrappers for some target tools in `dir`/bin that log each start: `env` puts them first in
 * PATH, `started()` lists the tools started since the last call, in order.
 */
export function countedTools(dir: string, tools: string[]): { env: Record<string, string>; started: () => string[] } {
  const bin = join(dir, 'bin');
  const log = join(dir, 'started.log');
  mkdirSync(bin, { recursive: true });
  writeFileSync(log, '');
  for (const tool of tools) writeFileSync(join(bin, tool), `#!/bin/sh\necho ${tool} >> '${log}'\nexec /usr/bin/${tool} "$@"\n`, { mode: 0o755 });
  return {
    env: { PATH: `${bin}:/usr/bin:/bin` },
    started: () => {
      const names = readFileSync(log, 'utf8').split('\n').filter(Boolean);
      writeFileSync(log, '');
      return names;
    },
  };
}

/** The context with every script run under `env` (countedTools' PATH). */
export function withEnv(ctx: ModuleContext, env: Record<string, string>): ModuleContext {
  return { ...ctx, exec: (script, o) => ctx.exec(script, { ...o, env: { ...o?.env, ...env } }) };
}
