// Inspections that probe ahead (src/engine/lookahead.ts, src/modules/lib/probe-memory.ts), on a
// real sshd node: a converged host costs a few scripts for many tasks, and what a task or a
// command changes is always seen by the tasks after it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConnectionPool, type ConnectionVars } from '../../src/connection/pool.js';
import type { Connection } from '../../src/connection/types.js';
import { connectSsh } from '../../src/connection/ssh.js';
import type { ExecOptions } from '../../src/connection/types.js';
import { inspect } from '../../src/modules/lib/inspect.js';
import { copy } from '../../src/modules/copy.js';
import { file } from '../../src/modules/file.js';
import { raw, type Shell } from '../../src/shell/sh.js';
import { inNode, useLab } from '../helpers/lab.js';
import { counters, runPlaybookText } from '../helpers/engine.js';

/** The real pool, keeping the connections it hands out so that a test can read their script counts. */
class CountingPool extends ConnectionPool {
  readonly handed = new Set<Connection>();
  override async get(v: ConnectionVars): Promise<Connection> {
    const c = await super.get(v);
    this.handed.add(c);
    return c;
  }
  get scripts(): number {
    return [...this.handed].reduce((n, c) => n + c.execCount, 0);
  }
}

const env = useLab(1, 44); // 127.0.44.x: no other test file uses it

async function run(yaml: string, files: Record<string, string> = {}) {
  const pool = new CountingPool({ hostKeyChecking: 'yes', knownHostsFile: env.lab.knownHostsFile, connectTimeoutMs: 5000 });
  const r = await runPlaybookText(yaml, { inventory: readFileSync(env.lab.inventoryFile, 'utf8'), connections: pool, files });
  return { ...r, scripts: pool.scripts, node: r.recap['node1'] };
}

const CONVERGE = `
- hosts: lab
  gather_facts: false
  vars: { d: /srv/ahead, flavours: [a, b, c] }
  tasks:
    - file: { path: "{{ d }}", state: directory, mode: "0755" }
    - copy: { content: "one\\n", dest: "{{ d }}/one.txt", mode: "0644" }
    - template: { src: page.hbs, dest: "{{ d }}/page.html" }
    - lineinfile: { path: "{{ d }}/settings", line: "port=80", create: true }
    - debug: { msg: "nothing on the node" }
    - file: { path: "{{ d }}/{{ item }}", state: directory }
      loop: "{{ flavours }}"
    - copy: { content: "{{ item }}\\n", dest: "{{ d }}/{{ item }}/name" }
      loop: "{{ flavours }}"
    - file: { src: "{{ d }}/one.txt", dest: "{{ d }}/link", state: link }
    - command: touch {{ d }}/init creates={{ d }}/init
    - shell: echo built > {{ d }}/built
      args: { removes: "{{ d }}/one.txt", creates: "{{ d }}/built" }
    - file: { path: "{{ d }}/junk", state: absent }
`;

describe('inspections that probe ahead, on a real sshd node', () => {
  it('a converged host answers 14 module runs with one script (plus the shell start-up), and what changed behind its back is found and fixed', async () => {
    const files = { 'templates/page.hbs': '<p>{{inventory_hostname}}</p>\n' };
    const first = await run(CONVERGE, files);
    expect(first.exitCode).toBe(0);
    expect(counters(first.node)).toBe('ok=11 changed=9 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0');
    const again = await run(CONVERGE, files);
    expect(counters(again.node)).toBe('ok=11 changed=0 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0');
    expect(again.scripts).toBe(2);
    // Something changed behind its back between runs: seen, and only that is fixed.
    await inNode(env.node('node1'), 'echo two > /srv/ahead/b/name; rm /srv/ahead/link /srv/ahead/init; chmod 700 /srv/ahead');
    const fixed = await run(CONVERGE, files);
    expect(counters(fixed.node)).toBe('ok=11 changed=4 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0');
    expect(fixed.lines.filter((l) => l.includes(':changed'))).toEqual(['node1:changed', 'node1:changed:b', 'node1:changed', 'node1:changed']);
    // The command's skip from memory reads as the script's own would.
    const skipped = again.events.find((e) => e.type === 'host_result' && e.result['stdout'] === 'skipped, since /srv/ahead/init exists');
    expect(skipped).toBeDefined();
    expect(readFileSync(join(env.node('node1').root, 'srv/ahead/b/name'), 'utf8')).toBe('b\n');
  });

  it('what a task or a command changes is seen by every task after it, whatever was probed before', async () => {
    // Each copy below finds the content the one before it left, never what an earlier
    // inspection saw: a write that is not the inspection's own (backup: true) and a command
    // both run a script, which makes everything seen before it unusable.
    const yaml = `
- hosts: lab
  gather_facts: false
  tasks:
    - file: { path: /srv/seen, state: directory }
    - copy: { content: "A\\n", dest: /srv/seen/f }
    - copy: { content: "B\\n", dest: /srv/seen/f, backup: true }
    - copy: { content: "A\\n", dest: /srv/seen/f }
    - command: sh -c 'echo C > /srv/seen/f'
    - copy: { content: "A\\n", dest: /srv/seen/f }
`;
    const first = await run(yaml);
    expect(first.lines).toEqual(['node1:changed', 'node1:changed', 'node1:changed', 'node1:changed', 'node1:changed', 'node1:changed']);
    const again = await run(yaml);
    expect(again.lines).toEqual(['node1:ok', 'node1:ok', 'node1:changed', 'node1:changed', 'node1:changed', 'node1:changed']);
    expect(readFileSync(join(env.node('node1').root, 'srv/seen/f'), 'utf8')).toBe('A\n');
  });

  it('a task that cannot be rendered ahead (a registered variable) gives no hint, and runs right', async () => {
    const yaml = `
- hosts: lab
  gather_facts: false
  tasks:
    - copy: { content: "x\\n", dest: /srv/reg-a }
      register: made
    - copy: { content: "{{ made.checksum }}\\n", dest: /srv/reg-b }
`;
    const first = await run(yaml);
    expect(first.lines).toEqual(['node1:changed', 'node1:changed']);
    const again = await run(yaml);
    expect(again.lines).toEqual(['node1:ok', 'node1:ok']);
    expect(readFileSync(join(env.node('node1').root, 'srv/reg-b'), 'utf8')).toMatch(/^[0-9a-f]{40}\n$/);
  });

  it('an inspection run in the shared shell, an eager write with it, leave nothing behind in it: no function, no variable', async () => {
    const node = env.node('node1');
    const conn = await connectSsh({ name: node.name, host: node.address, port: node.port, user: 'root', privateKeyFile: env.lab.clientKeyFile, knownHostsFile: env.lab.knownHostsFile, hostKeyChecking: 'yes' });
    try {
      const ctx = { check: false, diff: false, exec: (s: Shell, o?: ExecOptions) => conn.exec(s, o), readLocalFile: () => Promise.reject(new Error('none')), renderTemplate: () => Promise.reject(new Error('none')) };
      // The node ops' helper, which the first op starts, is the shell's own state.
      expect((await conn.exec(raw('oasis_x true; printf %s "$oasis_hp"'))).stdout).toMatch(/^[1-9]/);
      const before = (await conn.exec(raw('set'), { inShell: true })).stdout;
      const insp = await inspect(ctx, [{ path: '/etc/hostname', checksum: true, access: true }, { path: '/etc', tree: false }, { path: '/nowhere' }]);
      expect('error' in insp ? insp.error : insp.paths.map((p) => p.lstat?.type)).toEqual(['file', 'directory', undefined]);
      // A copy's write rides in its inspection (lib/eager-write.ts): its variables go too.
      expect(await copy.run({ content: 'x\n', dest: '/srv/eager-left' }, ctx)).toMatchObject({ changed: true });
      // So does a missing directory's mkdir, which the shell runs itself (no subshell).
      expect(await file.run({ path: '/srv/eager-dir/a/b', state: 'directory', mode: '0750' }, ctx)).toMatchObject({ changed: true, mode: '0750' });
      expect(await file.run({ path: '/etc/hostname/x', state: 'directory' }, ctx)).toMatchObject({ failed: true, msg: expect.stringContaining('/etc/hostname') });
      expect((await conn.exec(raw('set'), { inShell: true })).stdout).toBe(before);
      expect((await conn.exec(raw('command -v oasis_probe oasis_lstats oasis_sums || echo none'), { inShell: true })).stdout).toBe('none\n');
    } finally {
      await conn.close();
    }
  });
});

