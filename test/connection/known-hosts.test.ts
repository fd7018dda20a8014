import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyHostKey } from '../../src/connection/host-key.js';
import {
  checkHostKey,
  entryMatches,
  hostString,
  keyTypeOf,
  knownHostsLine,
  knownKeyTypes,
  parseKnownHosts,
  type KnownHostEntry,
} from '../../src/connection/known-hosts.js';

let dir: string;
/** Public keys generated with ssh-keygen: "type base64" and the decoded blob. */
const keys: Record<string, { text: string; blob: Buffer }> = {};

function keygen(name: string, type: string): void {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', name, '-f', file]);
  const [t, b64] = readFileSync(`${file}.pub`, 'utf8').split(' ');
  keys[name] = { text: `${t} ${b64}`, blob: Buffer.from(b64!, 'base64') };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'oasis-kh-'));
  keygen('ed1', 'ed25519');
  keygen('ed2', 'ed25519');
  keygen('ed3', 'ed25519');
  keygen('ec1', 'ecdsa');
  keygen('rsa1', 'rsa');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const k = (name: string) => keys[name]!;

function fileText(): string {
  return [
    '# comment line', //                                   1
    '', //                                                 2
    `alpha.example.com ${k('ed1').text}`, //              3
    `beta,gamma,10.0.0.7 ${k('ed2').text} trailing comment`, // 4
    `[alpha.example.com]:2222 ${k('ed3').text}`, //       5
    `*.wild.test,!bad.wild.test ${k('ec1').text}`, //      6
    `192.168.1.? ${k('rsa1').text}`, //                    7
    '   ', //                                              8
    `@revoked revokedhost ${k('ed3').text}`, //            9
    `@cert-authority *.example.com ${k('ed2').text}`, //   10
    'brokenline-with-one-field', //                        11
    `badkey ssh-ed25519 !!!notbase64!!!`, //               12
    `mismatch ssh-rsa ${k('ed1').text.split(' ')[1]}`, //  13
    `@weird host ${k('ed1').text}`, //                     14
    `MixedCase.Example.com ${k('rsa1').text}`, //          15
  ].join('\n');
}

describe('parseKnownHosts', () => {
  test('keeps line numbers, markers and patterns; reports invalid lines', () => {
    const kh = parseKnownHosts(fileText());
    expect(kh.entries.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 9, 10, 15]);
    expect(kh.entries[1]!.patterns).toEqual(['beta', 'gamma', '10.0.0.7']);
    expect(kh.entries[1]!.key.equals(k('ed2').blob)).toBe(true);
    expect(kh.entries.find((e) => e.line === 9)!.marker).toBe('revoked');
    expect(kh.entries.find((e) => e.line === 10)!.marker).toBe('cert-authority');
    expect(kh.invalid.map((i) => i.line)).toEqual([11, 12, 13, 14]);
    expect(kh.entries[4]!.keyType).toBe('ssh-rsa');
  });

  test('CRLF line endings and tabs', () => {
    const kh = parseKnownHosts(`# x\r\nhost\t${k('ed1').text}\r\n`);
    expect(kh.entries).toHaveLength(1);
    expect(kh.entries[0]!.line).toBe(2);
    expect(entryMatches(kh.entries[0]!, 'host', 22)).toBe(true);
  });

  test('keyTypeOf reads the blob', () => {
    expect(keyTypeOf(k('ed1').blob)).toBe('ssh-ed25519');
    expect(keyTypeOf(k('ec1').blob)).toBe('ecdsa-sha2-nistp256');
    expect(keyTypeOf(k('rsa1').blob)).toBe('ssh-rsa');
    expect(keyTypeOf(Buffer.from([0, 0]))).toBe('');
  });
});

describe('host matching', () => {
  const kh = () => parseKnownHosts(fileText());
  const at = (line: number): KnownHostEntry => kh().entries.find((e) => e.line === line)!;

  test('plain names, comma lists, case-insensitive', () => {
    expect(entryMatches(at(3), 'alpha.example.com', 22)).toBe(true);
    expect(entryMatches(at(3), 'ALPHA.example.COM', 22)).toBe(true);
    expect(entryMatches(at(3), 'alpha.example.co', 22)).toBe(false);
    for (const h of ['beta', 'gamma', '10.0.0.7']) expect(entryMatches(at(4), h, 22)).toBe(true);
    expect(entryMatches(at(4), '10.0.0.70', 22)).toBe(false);
    expect(entryMatches(at(15), 'mixedcase.example.com', 22)).toBe(true);
  });

  test('[host]:port is only for that port; bare names only for port 22', () => {
    expect(hostString('h', 22)).toBe('h');
    expect(hostString('h', 2222)).toBe('[h]:2222');
    expect(entryMatches(at(5), 'alpha.example.com', 2222)).toBe(true);
    expect(entryMatches(at(5), 'alpha.example.com', 22)).toBe(false);
    expect(entryMatches(at(3), 'alpha.example.com', 2222)).toBe(false);
  });

  test('wildcards * and ?, negation vetoes', () => {
    expect(entryMatches(at(6), 'a.wild.test', 22)).toBe(true);
    expect(entryMatches(at(6), 'x.y.wild.test', 22)).toBe(true);
    expect(entryMatches(at(6), 'bad.wild.test', 22)).toBe(false);
    expect(entryMatches(at(6), 'wild.test', 22)).toBe(false);
    expect(entryMatches(at(7), '192.168.1.5', 22)).toBe(true);
    expect(entryMatches(at(7), '192.168.1.55', 22)).toBe(false);
    expect(entryMatches(at(7), '192.168.1x5', 22)).toBe(false); // '.' is literal
    const onlyNeg = parseKnownHosts(`!foo ${k('ed1').text}`).entries[0]!;
    expect(entryMatches(onlyNeg, 'bar', 22)).toBe(false);
  });

  test('hashed entries made by ssh-keygen -H match the same hosts, with the same line numbers', () => {
    const file = join(dir, 'hashed_known_hosts');
    // ssh-keygen -H refuses files with invalid lines: comment them out, keeping line numbers.
    const valid = fileText().split('\n').map((l, i) => ([11, 12, 13, 14].includes(i + 1) ? '# was invalid' : l));
    writeFileSync(file, valid.join('\n') + '\n');
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('|1|');
    expect(text).not.toContain('alpha.example.com');
    const hashed = parseKnownHosts(text);
    const find = (host: string, port: number) =>
      hashed.entries.filter((e) => !e.marker && entryMatches(e, host, port)).map((e) => e.line);
    // ssh-keygen -F tells which line OpenSSH itself matches.
    const keygenLine = (name: string) => {
      const out = execFileSync('ssh-keygen', ['-F', name, '-f', file], { encoding: 'utf8' });
      return Number(/found: line (\d+)/.exec(out)![1]);
    };
    expect(find('alpha.example.com', 22)).toEqual([keygenLine('alpha.example.com')]);
    expect(find('gamma', 22)).toEqual([keygenLine('gamma')]);
    expect(find('alpha.example.com', 2222)).toEqual([keygenLine('[alpha.example.com]:2222')]);
    expect(find('nobody', 22)).toEqual([]);
    expect(hashed.entries.every((e) => e.hashed || e.marker || e.patterns!.some((p) => /[*?!]/.test(p)))).toBe(true);
    const v = checkHostKey(hashed, 'beta', 22, k('ed2').blob);
    expect(v.status).toBe('match');
  });
});

describe('checkHostKey', () => {
  const kh = () => parseKnownHosts(fileText());

  test('match, changed (naming the line), unknown (with other types), revoked', () => {
    expect(checkHostKey(kh(), 'alpha.example.com', 22, k('ed1').blob)).toEqual({ status: 'match', line: 3 });
    expect(checkHostKey(kh(), 'alpha.example.com', 22, k('ed2').blob)).toEqual({ status: 'changed', line: 3 });
    expect(checkHostKey(kh(), 'alpha.example.com', 22, k('ec1').blob)).toEqual({ status: 'unknown', otherTypes: ['ssh-ed25519'] });
    expect(checkHostKey(kh(), 'nowhere', 22, k('ed1').blob)).toEqual({ status: 'unknown', otherTypes: [] });
    // ed3 is @revoked (line 9): refused even for a host whose own line lists it.
    expect(checkHostKey(kh(), 'alpha.example.com', 2222, k('ed3').blob)).toEqual({ status: 'revoked', line: 9 });
  });

  test('@cert-authority lines are not host keys', () => {
    expect(checkHostKey(kh(), 'zeta.example.com', 22, k('ed2').blob).status).toBe('unknown');
  });

  test('several keys for one host: any of them matches', () => {
    const text = `h ${k('ed1').text}\nh ${k('ed2').text}\nh ${k('rsa1').text}\n`;
    expect(checkHostKey(parseKnownHosts(text), 'h', 22, k('ed2').blob)).toEqual({ status: 'match', line: 2 });
    expect(knownKeyTypes(parseKnownHosts(text), 'h', 22)).toEqual(['ssh-ed25519', 'ssh-rsa']);
  });

  test('knownHostsLine round-trips through the parser and ssh-keygen -F', () => {
    const line = knownHostsLine('127.0.0.9', 2200, k('ec1').blob);
    expect(line).toBe(`[127.0.0.9]:2200 ${k('ec1').text}`);
    expect(checkHostKey(parseKnownHosts(line), '127.0.0.9', 2200, k('ec1').blob).status).toBe('match');
    const file = join(dir, 'roundtrip');
    writeFileSync(file, `${line}\n`);
    expect(execFileSync('ssh-keygen', ['-F', '[127.0.0.9]:2200', '-f', file], { encoding: 'utf8' })).toContain('found: line 1');
  });
});

describe('verifyHostKey policy', () => {
  const target = (file: string, mode: 'yes' | 'accept-new' | 'no', host = '10.1.2.3', port = 2222) => ({
    host,
    port,
    knownHostsFile: file,
    hostKeyChecking: mode,
  });

  test('yes: unknown host refused, saying how to add it', async () => {
    const file = join(dir, 'none', 'known_hosts');
    const d = await verifyHostKey(target(file, 'yes'), k('ed1').blob);
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.message).toContain('10.1.2.3:2222');
    expect(d.message).toContain(`ssh-keyscan -p 2222 10.1.2.3 >> ${file}`);
    expect(d.message).toContain('--host-key-checking accept-new');
    expect(existsSync(file)).toBe(false);
  });

  test('accept-new creates dir and file, appends, then yes accepts and a changed key is refused', async () => {
    const file = join(dir, 'new', 'sub', 'known_hosts');
    expect(await verifyHostKey(target(file, 'accept-new'), k('ed1').blob)).toEqual({ ok: true, added: true });
    expect(readFileSync(file, 'utf8')).toBe(`[10.1.2.3]:2222 ${k('ed1').text}\n`);
    expect(await verifyHostKey(target(file, 'yes'), k('ed1').blob)).toEqual({ ok: true });
    expect(await verifyHostKey(target(file, 'accept-new'), k('ed1').blob)).toEqual({ ok: true });
    const changed = await verifyHostKey(target(file, 'accept-new'), k('ed2').blob);
    expect(changed.ok).toBe(false);
    if (!changed.ok) {
      expect(changed.message).toContain(`does not match ${file}:1`);
      expect(changed.message).toContain(`ssh-keygen -R '[10.1.2.3]:2222' -f ${file}`);
    }
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(2); // unchanged
  });

  test('accept-new appends a newline to a file missing its last one', async () => {
    const file = join(dir, 'nonl');
    writeFileSync(file, `other ${k('ed2').text}`);
    await verifyHostKey(target(file, 'accept-new', 'h', 22), k('ed1').blob);
    expect(readFileSync(file, 'utf8')).toBe(`other ${k('ed2').text}\nh ${k('ed1').text}\n`);
  });

  test('accept-new from many connections at once loses no line and adds each host once', async () => {
    const file = join(dir, 'many', 'known_hosts');
    const hosts = Array.from({ length: 20 }, (_, i) => `10.9.0.${i}`);
    await Promise.all([...hosts, ...hosts].map((h) => verifyHostKey(target(file, 'accept-new', h, 22), k('ed1').blob)));
    const kh = parseKnownHosts(readFileSync(file, 'utf8'));
    expect(kh.entries).toHaveLength(20);
    for (const h of hosts) expect(checkHostKey(kh, h, 22, k('ed1').blob).status).toBe('match');
  });

  test('revoked is refused under yes and accept-new; no accepts anything', async () => {
    const file = join(dir, 'rev');
    writeFileSync(file, `# x\n@revoked * ${k('ed3').text}\n`);
    for (const mode of ['yes', 'accept-new'] as const) {
      const d = await verifyHostKey(target(file, mode), k('ed3').blob);
      expect(d.ok).toBe(false);
      if (!d.ok) expect(d.message).toContain(`@revoked in ${file}:2`);
    }
    expect(await verifyHostKey(target(file, 'no'), k('ed3').blob)).toEqual({ ok: true });
    expect(await verifyHostKey(target(join(dir, 'missing'), 'no'), k('ed3').blob)).toEqual({ ok: true });
  });
});
