// The CLI users run is the bundle in dist/bin/ (src/build/bundle.ts), built by `npm test`.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';

const files = () => readdirSync(dirname(CLI)).filter((f) => f.endsWith('.js'));

describe('CLI bundle', () => {
  it('answers --version with the package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string; bin: Record<string, string> };
    expect(join(dirname(new URL('../../package.json', import.meta.url).pathname), pkg.bin['oasis-play']!)).toBe(CLI);
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('leaves ssh2 in node_modules, where it finds its native crypto binding', () => {
    // Bundled, ssh2's require of ./crypto/build/Release/sshcrypto.node would fail quietly and
    // it would fall back to slower JavaScript ciphers.
    for (const f of files()) expect(readFileSync(join(dirname(CLI), f), 'utf8'), f).not.toContain('sshcrypto');
    expect(files().some((f) => /from "ssh2"/.test(readFileSync(join(dirname(CLI), f), 'utf8')))).toBe(true);
  });

  it('leaves out ajv\'s compiler: runs use the precompiled validators, and ajv loads only when a schema has none', () => {
    for (const f of files()) expect(readFileSync(join(dirname(CLI), f), 'utf8'), f).not.toContain('node_modules/ajv/dist/core.js');
  });

  it('keeps the commands in chunks of their own: the entry holds little more than the option parser', () => {
    const entry = readFileSync(CLI, 'utf8');
    expect(entry).toContain('new Command("oasis-play")');
    expect(entry).not.toContain('function validatePlaybooks(');
    expect(files().some((f) => readFileSync(join(dirname(CLI), f), 'utf8').includes('function validatePlaybooks('))).toBe(true);
  });
});
