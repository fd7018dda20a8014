import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labResetNode, labStartNode, labStopNode } from '../../src/lab/lab.js';
import { useLab } from '../helpers/lab.js';
import { runCli } from '../helpers/cli.js';

const FIXTURE = new URL('../fixtures/all-modules/site.yml', import.meta.url).pathname;

describe('a playbook using every module on 4 lab nodes', () => {
  const env = useLab(4, 10);
  const run = (playbook: string, ...extra: string[]) =>
    runCli(['run', playbook, '-i', env.lab.inventoryFile, '--known-hosts', env.lab.knownHostsFile, '--json', ...extra]);
  const nodeFile = (node: string, path: string) => join(env.node(node).root, path);

  it('changes every node on the first run and nothing on the second', async () => {
    const first = await run(FIXTURE);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    for (const n of ['node1', 'node2', 'node3', 'node4']) {
      const c = first.summary!.hosts[n]!;
      expect(c['failed']).toBe(0);
      expect(c['unreachable']).toBe(0);
      expect(c['changed']).toBeGreaterThanOrEqual(12);
      // What the modules wrote, read from outside the node.
      expect(readFileSync(nodeFile(n, 'srv/app/app.conf'), 'utf8')).toBe(`name=oasis-demo\nhost=${n}\n`);
      expect(readFileSync(nodeFile(n, 'srv/app/settings.conf'), 'utf8')).toMatch(
        /^port=8080\n# BEGIN ANSIBLE MANAGED BLOCK\nworkers=\d+\narch=\w+\n# END ANSIBLE MANAGED BLOCK\n$/,
      );
      expect(readFileSync(nodeFile(n, 'srv/app/banner.txt'), 'utf8')).toBe('Welcome guest\n');
      expect(readFileSync(nodeFile(n, 'srv/app/index.html'), 'utf8')).toContain(`<h1>oasis-demo on ${n}</h1>`);
      expect(readFileSync(nodeFile(n, 'srv/app/motd.txt'), 'utf8')).toBe('WELCOME to {{ not a template in a static file }}\n');
      expect(readFileSync(nodeFile(n, 'srv/app/restarts.log'), 'utf8')).toBe('restarted\n');
    }
    const second = await run(FIXTURE);
    expect(second.code).toBe(0);
    for (const n of ['node1', 'node2', 'node3', 'node4']) {
      expect(second.summary!.hosts[n]).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
      // The handler ran once, on the first run only.
      expect(readFileSync(nodeFile(n, 'srv/app/restarts.log'), 'utf8')).toBe('restarted\n');
    }
  });

  it('--check against a fresh node reports the changes and alters nothing', async () => {
    await labResetNode(env.lab, 'node4');
    const check = await run(FIXTURE, '--check', '--diff', '-l', 'node4');
    expect(check.code).toBe(0);
    expect(check.summary!.hosts['node4']!['changed']).toBeGreaterThanOrEqual(5);
    expect(existsSync(nodeFile('node4', 'srv/app'))).toBe(false);
  });

  it('a stopped node is unreachable (exit 4) while the others finish', async () => {
    await labStopNode(env.lab, 'node3');
    try {
      const res = await run(FIXTURE);
      expect(res.code).toBe(4);
      expect(res.summary!.hosts['node3']).toMatchObject({ unreachable: 1, ok: 0 });
      for (const n of ['node1', 'node2']) expect(res.summary!.hosts[n]).toMatchObject({ failed: 0, unreachable: 0, changed: 0 });
      expect(res.summary!.hosts['node1']!['ok']).toBeGreaterThan(10);
    } finally {
      await labStartNode(env.lab, 'node3');
    }
  });

  it('become: sudo with a password, as another user, the password never shown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oasis-become-'));
    const { user, password } = env.lab.become;
    const node = env.node('node1');
    const inventory = join(dir, 'hosts.ini');
    writeFileSync(
      inventory,
      `[sudoers]\nnode1 ansible_host=${node.address} ansible_user=${user} ansible_ssh_private_key_file=${env.lab.clientKeyFile}\n` +
        `[sudoers:vars]\nansible_become_password=${password}\n`,
    );
    const pb = join(dir, 'become.yml');
    writeFileSync(
      pb,
      `- hosts: sudoers
  tasks:
    - command: id -un
      register: plain
    - command: id -un
      become: true
      register: as_root
    - command: id -un
      become: true
      become_user: nobody
      register: as_nobody
    - copy: { content: "root only\\n", dest: /srv/become-test, mode: "0600" }
      become: true
    - assert:
        that:
          - plain.stdout == '${user}'
          - as_root.stdout == 'root'
          - as_nobody.stdout == 'nobody'
`,
    );
    const res = await runCli(['run', pb, '-i', inventory, '--known-hosts', env.lab.knownHostsFile, '--json', '-vvv']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).not.toContain(password);
    expect(readFileSync(nodeFile('node1', 'srv/become-test'), 'utf8')).toBe('root only\n');
  });

  it('a failing task exits 2 and skips the rest of that host only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oasis-fail-'));
    const pb = join(dir, 'fail.yml');
    writeFileSync(
      pb,
      `- hosts: lab
  tasks:
    - name: fails on node2 only
      command: "false"
      when: inventory_hostname == 'node2'
    - name: after the failure
      copy: { content: "ran\\n", dest: /srv/after-failure }
`,
    );
    const res = await run(pb);
    expect(res.code).toBe(2);
    expect(res.summary!.hosts['node2']).toMatchObject({ failed: 1, ok: 0 });
    expect(res.summary!.hosts['node1']).toMatchObject({ failed: 0, skipped: 1, ok: 1, changed: 1 });
    expect(existsSync(nodeFile('node2', 'srv/after-failure'))).toBe(false);
    expect(readFileSync(nodeFile('node1', 'srv/after-failure'), 'utf8')).toBe('ran\n');
  });
});

describe('bad input gives a positioned error, a non-zero exit and no stack trace', () => {
  const cases: [string, string, RegExp][] = [
    ['malformed YAML', '- hosts: all\n  tasks:\n    - name: x\n      debug: {msg: "unclosed\n', /bad\.yml:\d+:\d+: YAML syntax error/],
    ['unknown module', '- hosts: all\n  tasks:\n    - name: x\n      cpy: {dest: /tmp/x}\n', /bad\.yml:4:7: unknown module 'cpy'; did you mean 'copy'\?/],
    ['unknown parameter', '- hosts: all\n  tasks:\n    - copy: {dst: /tmp/x, content: a}\n', /bad\.yml:3:\d+: .*'dst'.*did you mean 'dest'/],
    ['empty playbook', '', /bad\.yml:1:1: empty playbook/],
  ];
  for (const [what, text, expected] of cases) {
    it(what, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'oasis-bad-'));
      writeFileSync(join(dir, 'bad.yml'), text);
      const res = await runCli(['run', join(dir, 'bad.yml'), '-i', 'localhost,'], { cwd: dir });
      expect(res.code).not.toBe(0);
      expect(res.stderr).toMatch(expected);
      expect(res.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('an undefined variable fails the task naming the file and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oasis-bad-'));
    writeFileSync(join(dir, 'undef.yml'), '- hosts: localhost\n  tasks:\n    - name: uses a typo\n      debug: { msg: "{{ no_such_var }}" }\n');
    const res = await runCli(['run', join(dir, 'undef.yml'), '-i', 'localhost,', '--output', 'plain'], { cwd: dir });
    expect(res.code).toBe(2);
    expect(res.stdout).toMatch(/undef\.yml:4:\d+:.*no_such_var/);
    expect(res.stdout + res.stderr).not.toMatch(/\n\s+at /);
  });
});
