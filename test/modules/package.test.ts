// The package module: detection of the target's manager and delegation to apt (local repository
// only, see apt.test.ts; the test package is purged from the machine's dpkg database afterwards).
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../src/connection/local.js';
import { apt } from '../../src/modules/apt.js';
import { pkg } from '../../src/modules/package.js';
import type { PackageArgs } from '../../src/modules/package.js';
import type { ModuleContext } from '../../src/modules/types.js';
import { localModuleContext } from '../helpers/module-context.js';
import { dpkgStatus, makeLocalRepo, purgeTestPackage, TEST_PKG, type LocalRepo } from '../fixtures/apt-repo/local-repo.js';

let repo: LocalRepo;
/** Scratch dirs made by single tests, removed in afterAll. */
const scratch: string[] = [];

function ctx(opts: { check?: boolean; env?: Record<string, string> } = {}): ModuleContext {
  const conn = new LocalConnection();
  return { ...localModuleContext(opts), exec: (script, o) => conn.exec(script, { ...o, env: opts.env ?? repo.env }) };
}
const run = (args: PackageArgs, opts: Parameters<typeof ctx>[0] = {}) => pkg.run(args, ctx(opts));

/** A PATH holding only sh and the named (dummy) tools: what another distribution looks like to the probe. */
function fakePath(...tools: string[]): Record<string, string> {
  const bin = mkdtempSync(join(tmpdir(), 'oasis-pm-'));
  scratch.push(bin);
  symlinkSync('/bin/sh', join(bin, 'sh'));
  for (const t of tools) writeFileSync(join(bin, t), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  return { PATH: bin };
}

beforeAll(async () => {
  if (dpkgStatus() !== '') purgeTestPackage();
  repo = makeLocalRepo();
  repo.add('1.0');
  expect((await apt.run({ update_cache: true }, ctx())).failed).toBeUndefined();
});
afterAll(() => {
  purgeTestPackage();
  repo.cleanup();
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

describe('package', () => {
  it('installs with apt on a Debian target, idempotently, check mode included', async () => {
    expect(await run({ name: TEST_PKG }, { check: true })).toMatchObject({ changed: true });
    expect(dpkgStatus()).toBe('');
    expect(await run({ name: TEST_PKG, state: 'present' })).toMatchObject({ changed: true });
    expect(dpkgStatus()).toBe('ii 1.0');
    expect(await run({ name: [TEST_PKG] })).toMatchObject({ changed: false });
    expect(await run({ name: TEST_PKG, state: 'absent' })).toMatchObject({ changed: true });
    expect(dpkgStatus()).toMatch(/^rc /);
    expect(await run({ name: TEST_PKG, state: 'absent' })).toMatchObject({ changed: false });
  });

  it('fails clearly for managers it does not support yet', async () => {
    expect(await run({ name: 'curl' }, { env: fakePath('apk') })).toMatchObject({ failed: true, msg: "package manager 'apk' is not supported yet (only apt is)" });
    expect(await run({ name: 'curl' }, { env: fakePath('dnf') })).toMatchObject({ failed: true, msg: "package manager 'dnf' is not supported yet (only apt is)" });
    expect(await run({ name: 'curl' }, { env: fakePath() })).toMatchObject({ failed: true, msg: expect.stringMatching(/^Could not detect which package manager to use/) });
    expect(await run({ name: 'curl', use: 'yum' })).toMatchObject({ failed: true, msg: "package manager 'yum' is not supported yet (only apt is)" });
  });
});
