import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';

function workdir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'oasis-cli-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text.replaceAll('$DIR', dir));
  return dir;
}

const INVENTORY = '[web]\nweb1\nweb2\n[db]\ndb1\n[all:vars]\nansible_connection=local\n';
const SITE = `- name: first
  hosts: web
  tasks:
    - name: one
      shell: echo {{ inventory_hostname }}-one >> $DIR/log
      tags: [setup]
    - name: two
      shell: echo {{ inventory_hostname }}-two-{{ colour }} >> $DIR/log
- import_playbook: more.yml
`;
const MORE = `- name: second
  hosts: db
  tasks:
    - name: three
      shell: echo {{ inventory_hostname }}-three >> $DIR/log
`;

describe('oasis-play run options', () => {
  it('--list-hosts and --list-tasks follow the limit, tags and import_playbook', async () => {
    const dir = workdir({ 'hosts.ini': INVENTORY, 'site.yml': SITE, 'more.yml': MORE });
    const hosts = await runCli(['run', 'site.yml', '-i', 'hosts.ini', '--list-hosts', '-l', 'web1,db1'], { cwd: dir });
    expect(hosts.code).toBe(0);
    expect(hosts.stdout).toContain('play #1 (web): first');
    expect(hosts.stdout).toMatch(/hosts \(1\):\n\s+web1\n/);
    expect(hosts.stdout).toMatch(/play #2 \(db\): second[\s\S]*hosts \(1\):\n\s+db1\n/);
    const tasks = await runCli(['run', 'site.yml', '-i', 'hosts.ini', '--list-tasks', '-t', 'setup'], { cwd: dir });
    expect(tasks.stdout).toContain('one\tTAGS: [setup]');
    expect(tasks.stdout).not.toContain('two\t');
  });

  it('-e in every form, later wins; --start-at-task; -l', async () => {
    const dir = workdir({ 'hosts.ini': INVENTORY, 'site.yml': SITE, 'more.yml': MORE, 'vars.yml': 'colour: green\n' });
    const res = await runCli(['run', 'site.yml', '-i', 'hosts.ini', '-e', 'colour=red', '-e', '@vars.yml', '-e', '{"unused": [1]}', '--start-at-task', 'two', '-l', 'web1:db1'], { cwd: dir });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(readFileSync(join(dir, 'log'), 'utf8')).toBe('web1-two-green\ndb1-three\n');
  });

  it('a --known-hosts that is a directory is a bad option (exit 5) named once, before anything runs', async () => {
    const dir = workdir({ 'hosts.ini': INVENTORY, 'site.yml': SITE, 'more.yml': MORE });
    const res = await runCli(['run', 'site.yml', '-i', 'hosts.ini', '--known-hosts', dir], { cwd: dir });
    expect(res.code).toBe(5);
    expect(res.stderr).toBe(`ERROR: --known-hosts ${dir}: is a directory; give an OpenSSH known_hosts file\n`);
    expect(res.stdout).not.toContain('PLAY');
  });

  it('a --limit that leaves no host is an error (exit 1), as in ansible-playbook', async () => {
    const dir = workdir({ 'hosts.ini': INVENTORY, 'site.yml': SITE, 'more.yml': MORE });
    const res = await runCli(['run', 'site.yml', '-i', 'hosts.ini', '-l', 'no_such_group'], { cwd: dir });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('leaves us with no hosts to target');
    expect(res.stdout).not.toContain('PLAY');
    // A limit term that matches nothing is warned about once per run, as Ansible does, not once per play.
    for (const args of [['--list-hosts'], []]) {
      const partly = await runCli(['run', 'site.yml', '-i', 'hosts.ini', '-e', 'colour=red', '-l', 'web1:db1:nomatch', ...args], { cwd: dir });
      expect(partly.code).toBe(0);
      expect(partly.stderr.match(/Could not match supplied host pattern, ignoring: nomatch/g)).toHaveLength(1);
    }
    // The implicit localhost is not one of the inventory's hosts: limiting to it leaves none either.
    const local = await runCli(['run', 'site.yml', '-i', 'hosts.ini', '-l', 'localhost'], { cwd: dir });
    expect(local.code).toBe(1);
    expect(local.stderr).toContain('leaves us with no hosts to target');
  });

  it('--syntax-check reads every playbook and runs nothing; a cyclic import is an error', async () => {
    const dir = workdir({ 'hosts.ini': INVENTORY, 'site.yml': SITE, 'more.yml': MORE, 'loop.yml': '- import_playbook: loop.yml\n' });
    const ok = await runCli(['run', 'site.yml', '--syntax-check'], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('playbook: site.yml');
    const cyclic = await runCli(['run', 'loop.yml', '--syntax-check'], { cwd: dir });
    expect(cyclic.code).toBe(4);
    expect(cyclic.stderr).toMatch(/loop\.yml:1:3: import_playbook cycle: .*loop\.yml -> .*loop\.yml/);
  });

  it('bad options exit 5 with a message', async () => {
    const dir = workdir({ 'site.yml': MORE });
    for (const args of [['--forks', '0'], ['--bogus'], ['-e', '@missing.yml'], ['--host-key-checking', 'maybe']]) {
      const res = await runCli(['run', 'site.yml', '-i', 'localhost,', ...args], { cwd: dir });
      expect(res.code).toBe(5);
      expect(res.stderr.length).toBeGreaterThan(0);
      expect(res.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('Ctrl-C (SIGINT) stops the run with exit code 99', async () => {
    const dir = workdir({ 'site.yml': '- hosts: localhost\n  tasks:\n    - command: sleep 30\n' });
    const child = spawn(process.execPath, [CLI, 'run', 'site.yml', '-i', 'localhost,'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const started = Date.now();
    setTimeout(() => child.kill('SIGINT'), 1000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(99);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(stderr).toContain('interrupted');
  });
});
