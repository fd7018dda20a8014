// The apt module against the real apt-get/dpkg of this machine, with apt pointed (APT_CONFIG) at
// a local file: repository only: no test here reaches any network address. The test package is
// really installed into the machine's dpkg database and purged again in afterAll.
import { chmodSync, existsSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../src/connection/local.js';
import { apt } from '../../src/modules/apt.js';
import type { ModuleContext } from '../../src/modules/types.js';
import type { AptArgs } from '../../src/modules/lib-pkg/apt-run.js';
import { localModuleContext } from '../helpers/module-context.js';
import { runPlaybookText } from '../helpers/engine.js';
import { dpkgStatus, makeLocalRepo, mtimeSeconds, purgeTestPackage, TEST_CONFFILE, TEST_PKG, type LocalRepo } from '../fixtures/apt-repo/local-repo.js';

let repo: LocalRepo;
/** Scratch dirs made by single tests, removed in afterAll. */
const scratch: string[] = [];

/** A local module context whose scripts see the repository's APT_CONFIG (as a task's `environment` would give them). */
function ctx(opts: { check?: boolean; diff?: boolean; env?: Record<string, string> } = {}): ModuleContext {
  const conn = new LocalConnection();
  const env = opts.env ?? repo.env;
  return { ...localModuleContext(opts), exec: (script, o) => conn.exec(script, { ...o, env }) };
}
const run = (args: AptArgs, opts: Parameters<typeof ctx>[0] = {}) => apt.run(args, ctx(opts));

beforeAll(() => {
  if (dpkgStatus() !== '') purgeTestPackage(); // a previous run that died half-way
  repo = makeLocalRepo();
  repo.add('1.0');
});
afterAll(() => {
  purgeTestPackage();
  repo.cleanup();
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

describe('apt: cache', () => {
  it('update_cache updates the (private) lists and says so', async () => {
    const before = Math.floor(Date.now() / 1000);
    const r = await run({ update_cache: true });
    expect(r).toMatchObject({ changed: true, cache_updated: true });
    expect(r.failed).toBeUndefined();
    expect(r.cache_update_time).toBeGreaterThanOrEqual(before);
  });

  it('cache_valid_time skips the update while the cache is fresh', async () => {
    const t = mtimeSeconds(repo.listsDir);
    const r = await run({ update_cache: true, cache_valid_time: 3600 });
    expect(r).toMatchObject({ changed: false, cache_updated: false, cache_update_time: t });
  });

  it('an old cache is updated; check mode only reports that it would be', async () => {
    const old = Date.now() / 1000 - 7200;
    utimesSync(repo.listsDir, old, old);
    const check = await run({ update_cache: true, cache_valid_time: 3600 }, { check: true });
    expect(check).toMatchObject({ changed: true, cache_updated: false });
    expect(mtimeSeconds(repo.listsDir)).toBe(Math.floor(old));
    const r = await run({ update_cache: true, cache_valid_time: 3600 });
    expect(r).toMatchObject({ changed: true, cache_updated: true });
    expect(mtimeSeconds(repo.listsDir)).toBeGreaterThan(old + 3600);
  });

  it('a failing update fails with apt\'s error text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oasis-apt-bad-'));
    scratch.push(dir);
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'sources.list'), `deb [trusted=yes] file:${dir}/missing ./\n`);
    writeFileSync(join(dir, 'apt.conf'), `Dir::Etc::SourceList "${dir}/sources.list";\nDir::Etc::SourceParts "${dir}/none";\nDir::State "${repo.root}/state/";\nDir::Cache "${repo.root}/cache/";\nDir::Log "${dir}/";\n`);
    const r = await run({ update_cache: true }, { env: { APT_CONFIG: join(dir, 'apt.conf') } });
    expect(r.failed).toBe(true);
    expect(r.msg).toMatch(/^Failed to update apt cache: /);
    expect(String(r.msg)).toMatch(/missing/);
    // put the good lists back for the tests below
    expect((await run({ update_cache: true })).failed).toBeUndefined();
  });
});

describe('apt: packages', () => {
  it('an unknown package fails clearly', async () => {
    const r = await run({ name: 'oasis-no-such-pkg' });
    expect(r).toMatchObject({ changed: false, failed: true, msg: "No package matching 'oasis-no-such-pkg' is available" });
  });

  it('check mode predicts the install with apt-get -s and installs nothing', async () => {
    const r = await run({ name: TEST_PKG }, { check: true, diff: true });
    expect(r).toMatchObject({ changed: true });
    expect(r.failed).toBeUndefined();
    expect(r.stdout).toMatch(/^Inst oasis-test-pkg \(1\.0/m);
    expect(r.diff).toEqual({ before: `${TEST_PKG} (absent)\n`, after: `${TEST_PKG} 1.0\n` });
    expect(dpkgStatus()).toBe('');
  });

  it('installs (changed), then changes nothing', async () => {
    const r = await run({ name: TEST_PKG, state: 'present' });
    expect(r).toMatchObject({ changed: true, cache_updated: false });
    expect(r.stdout).toContain('Setting up oasis-test-pkg (1.0)');
    expect(dpkgStatus()).toBe('ii 1.0');
    expect(await run({ name: [TEST_PKG] })).toEqual({ changed: false, cache_updated: false, cache_update_time: expect.any(Number) });
  });

  it('a failing apt-get fails with its own error text', async () => {
    const r = await run({ name: `${TEST_PKG}=9.9` });
    expect(r).toMatchObject({ changed: false, failed: true, rc: 100, msg: `'apt-get install ${TEST_PKG}=9.9' failed: E: Version '9.9' for '${TEST_PKG}' was not found` });
    expect(dpkgStatus()).toBe('ii 1.0');
  });

  it('latest upgrades 1.0 → 1.1 once the cache knows 1.1, then is idempotent', async () => {
    expect((await run({ name: TEST_PKG, state: 'latest' })).changed).toBe(false);
    repo.add('1.1');
    const r = await run({ name: TEST_PKG, state: 'latest', update_cache: true });
    expect(r).toMatchObject({ changed: true, cache_updated: true });
    expect(dpkgStatus()).toBe('ii 1.1');
    expect((await run({ name: TEST_PKG, state: 'latest' })).changed).toBe(false);
    expect((await run({ name: `${TEST_PKG}=1.1` })).changed).toBe(false);
  });

  it('absent removes (config files stay), purge then removes those, both idempotent', async () => {
    const check = await run({ name: TEST_PKG, state: 'absent' }, { check: true });
    expect(check.changed).toBe(true);
    expect(dpkgStatus()).toBe('ii 1.1');
    const r = await run({ name: TEST_PKG, state: 'absent' });
    expect(r.changed).toBe(true);
    expect(dpkgStatus()).toBe('rc 1.1');
    expect(existsSync(TEST_CONFFILE)).toBe(true);
    expect((await run({ name: TEST_PKG, state: 'absent' })).changed).toBe(false);
    expect((await run({ name: TEST_PKG, state: 'absent', purge: true })).changed).toBe(true);
    expect(dpkgStatus()).toBe('');
    expect(existsSync(TEST_CONFFILE)).toBe(false);
    expect((await run({ name: TEST_PKG, state: 'absent', purge: true })).changed).toBe(false);
  });

  it('autoremove in check mode simulates (nothing is marked automatic in the private apt state)', async () => {
    const r = await run({ autoremove: true }, { check: true });
    expect(r).toMatchObject({ changed: false });
    expect(r.failed).toBeUndefined();
    expect(r.stdout).toMatch(/0 upgraded, 0 newly installed, 0 to remove/);
  });

  it('runs through the engine with APT_CONFIG from the task environment', async () => {
    const play = (state: string) => `- hosts: h1
  gather_facts: false
  tasks:
    - apt:
        name: ${TEST_PKG}
        state: ${state}
        purge: true
      environment:
        APT_CONFIG: ${repo.env['APT_CONFIG']}
`;
    const inventory = '[local]\nh1\n[local:vars]\nansible_connection=local\n';
    expect((await runPlaybookText(play('present'), { inventory })).lines).toEqual(['h1:changed']);
    expect(dpkgStatus()).toBe('ii 1.1');
    expect((await runPlaybookText(play('present'), { inventory })).lines).toEqual(['h1:ok']);
    expect((await runPlaybookText(play('absent'), { inventory })).lines).toEqual(['h1:changed']);
    expect(dpkgStatus()).toBe('');
  });
});

describe('apt: arguments and targets without apt', () => {
  it('refuses bad names and empty calls before touching the target', async () => {
    expect(await run({ name: 'oasis-*' })).toMatchObject({ failed: true, msg: "package name patterns are not supported: 'oasis-*'" });
    expect(await run({ name: '-oops' })).toMatchObject({ failed: true, msg: "invalid package name: '-oops'" });
    expect(await run({})).toMatchObject({ failed: true, msg: 'one of the following is required: name, update_cache, autoremove' });
  });

  it('says which package manager a non-Debian target has', async () => {
    // A PATH with only sh and an `apk`: what an Alpine target looks like to the probe.
    const bin = mkdtempSync(join(tmpdir(), 'oasis-apk-'));
    scratch.push(bin);
    symlinkSync('/bin/sh', join(bin, 'sh'));
    writeFileSync(join(bin, 'apk'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const r = await run({ name: 'curl' }, { env: { PATH: bin } });
    expect(r).toMatchObject({ failed: true, msg: 'apt-get was not found on the target: the apt module needs a Debian-style system (this one uses apk)' });
  });
});
