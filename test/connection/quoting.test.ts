// Property: any string (minus NUL) interpolated with sh`` reaches the program as exactly that
// string, through every layer that quotes (local sh, the framed SSH shell, sudo's sh -c), and
// no injected command ever runs. Stdin bytes round-trip exactly too.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LocalConnection } from '../../src/connection/local.js';
import { connectSsh } from '../../src/connection/ssh.js';
import type { Connection, ExecOptions } from '../../src/connection/types.js';
import type { Lab } from '../../src/lab/lab.js';
import { useLab } from '../helpers/lab.js';
import { sh } from '../../src/shell/sh.js';

let lab: Lab;
let dir: string; // in /tmp, which the lab nodes share with us
const testLab = useLab(1, 3);
const canary = () => join(dir, 'canary');

/** Strings built to break out of quoting: each one would create the canary if it ran. */
function nasties(): string[] {
  const c = canary();
  const cmds = [`touch ${c}`, `>${c}`];
  return [
    '',
    ' ',
    "'",
    '"',
    "'\\''",
    '\\',
    '\\\n',
    '-n',
    '--',
    '-e \\x41',
    '*',
    '?',
    '~',
    '~root',
    '$HOME',
    '${HOME}',
    '%s%d%n',
    '\n',
    '\r\n',
    '\t',
    'a\u0000b'.replace('\u0000', ''),
    'ünïcødé 日本語 🎉 \u202e',
    '\u0085\u00a0\u2028',
    '\x1b[31m',
    '\x01\x7f\x80\xff',
    ...cmds.flatMap((x) => [
      `$(${x})`,
      `\`${x}\``,
      `; ${x}`,
      `&& ${x}`,
      `| ${x}`,
      `\n${x}\n`,
      `'; ${x}; '`,
      `"; ${x}; "`,
      `'"$(${x})"'`,
      `\\'; ${x} #`,
      `$'\\x27'; ${x}`,
      `<<EOF\n${x}\nEOF`,
    ]),
  ];
}

const noNul = (s: string) => !s.includes('\0');
const strings = () =>
  fc.oneof(
    fc.constantFrom(...nasties()),
    fc.array(fc.constantFrom(...nasties()), { maxLength: 5 }).map((a) => a.join('')),
    fc.string({ unit: 'binary', maxLength: 60 }).filter(noNul),
    fc.string({ unit: 'grapheme', maxLength: 30 }).filter(noNul),
    fc.string({ unit: fc.constantFrom(..."'\"\\$`;|&<>(){}[]*?!#~ \n\t-=%"), maxLength: 40 }),
  );

async function roundTrips(conn: Connection, runs: number, extra: ExecOptions = {}): Promise<void> {
  await fc.assert(
    fc.asyncProperty(strings(), strings(), async (s, t) => {
      const r = await conn.exec(sh`printf '%s' ${s}; printf '%s' ${[t, 'x']} >&2`, extra);
      expect(r).toMatchObject({ code: 0, stdout: s, stderr: `${t}x` });
      const e = await conn.exec(sh`printf '%s' "$V"`, { ...extra, env: { V: s } });
      expect(e.stdout).toBe(s);
    }),
    { numRuns: runs },
  );
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.boolean(), async (bytes, asText) => {
      const buf = Buffer.from(bytes);
      const r = await conn.exec(sh`od -An -v -tx1 | tr -d ' \n'`, { ...extra, stdin: asText ? buf.toString('latin1') : buf });
      const sent = asText ? Buffer.from(buf.toString('latin1'), 'utf8') : buf;
      expect(r.stdout).toBe(sent.toString('hex'));
    }),
    { numRuns: Math.ceil(runs / 3) },
  );
  await fc.assert(
    fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 200 }), async (text) => {
      expect((await conn.exec(sh`cat`, { ...extra, stdin: text })).stdout).toBe(text);
    }),
    { numRuns: Math.ceil(runs / 3) },
  );
  expect(existsSync(canary())).toBe(false);
}

beforeAll(async () => {
  lab = testLab.lab;
  dir = mkdtempSync(join(tmpdir(), 'oasis-quote-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
});

describe('quoting round-trips and nothing is injected', () => {
  test('the canary would be noticed', async () => {
    await new LocalConnection().exec(sh`touch ${canary()}`);
    expect(existsSync(canary())).toBe(true);
    rmSync(canary());
  });

  test('LocalConnection', () => roundTrips(new LocalConnection(), 300));

  test('LocalConnection with become (sudo sh -c)', () => roundTrips(new LocalConnection(), 60, { become: { user: 'root' } }));

  test('SshConnection (framed persistent shell)', async () => {
    const n = lab.nodes[0]!;
    const c = await connectSsh({ name: n.name, host: n.address, port: n.port, user: 'root', privateKeyFile: lab.clientKeyFile, knownHostsFile: lab.knownHostsFile, hostKeyChecking: 'yes' });
    await roundTrips(c, 400);
    expect(c.channelsOpened).toBe(1);
    await c.close();
  });

  test('SshConnection with become and a password (sudo -S ... sh -c in the framed shell)', async () => {
    const n = lab.nodes[0]!;
    const c = await connectSsh({ name: n.name, host: n.address, port: n.port, user: lab.become.user, privateKeyFile: lab.clientKeyFile, knownHostsFile: lab.knownHostsFile, hostKeyChecking: 'yes' });
    await roundTrips(c, 100, { become: { user: 'root', password: lab.become.password } });
    await c.close();
  });
});
