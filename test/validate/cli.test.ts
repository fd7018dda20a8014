import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { project } from './helpers.js';

const CLEAN = fileURLToPath(new URL('./fixtures/clean', import.meta.url));
const BROKEN = fileURLToPath(new URL('./fixtures/broken', import.meta.url));
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at |internal error/);

describe('oasis-play validate', () => {
  it('exits 0 on a clean project, looking at playbooks/, roles/, inventory/ and *.yml by default', async () => {
    const res = await runCli(['validate'], { cwd: CLEAN });
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/^\d+ files checked: 0 errors, 0 warnings\n$/);
    expect(Number(/^(\d+)/.exec(res.stderr)![1])).toBeGreaterThanOrEqual(8);
    expect(res.code).toBe(0);
  });

  it('exits 1 with every problem on stdout as file:line:col: message', async () => {
    const res = await runCli(['validate', 'site.yml'], { cwd: BROKEN });
    expect(res.code).toBe(1);
    const out = res.stdout.trim().split('\n');
    expect(out).toHaveLength(20);
    for (const l of out) expect(l).toMatch(/^[\w./-]+:\d+:\d+: /);
    expect(out[0]).toBe("site.yml:4:3: unknown play keyword 'gather_fact'; did you mean 'gather_facts'?");
    expect(res.stderr).toBe('1 file checked: 19 errors, 1 warning\n');
    noStack(res.stderr + res.stdout);
  });

  it('warnings do not fail; -e makes them go away; --json', async () => {
    const dir = project({ 'site.yml': '- hosts: all\n  tasks:\n    - debug: { msg: "{{ colour }}" }\n' });
    const warned = await runCli(['validate', 'site.yml'], { cwd: dir });
    expect(warned.code).toBe(0);
    expect(warned.stdout).toBe("site.yml:3:16: warning: 'colour' is not defined by the playbook, its roles or vars files: it must come from the inventory or -e\n");
    const inv = await runCli(['validate', 'site.yml', '-i', 'localhost,'], { cwd: dir });
    expect(inv.code).toBe(1);
    expect(inv.stdout).toContain("site.yml:3:16: undefined variable 'colour'");
    const given = await runCli(['validate', 'site.yml', '-i', 'localhost,', '-e', 'colour=red', '--json'], { cwd: dir });
    expect(given.code).toBe(0);
    expect(JSON.parse(given.stdout)).toEqual({ problems: [], errors: 0, files: 1 });
  });

  it('the repository itself validates', async () => {
    const res = await runCli(['validate'], { cwd: fileURLToPath(new URL('../../', import.meta.url)) });
    expect(res.stdout).toBe('');
    expect(res.code).toBe(0);
  });
});

describe('oasis-play run checks its playbooks before connecting', () => {
  it('an invalid playbook: every error, exit 4, before any connection (the host would fail otherwise)', async () => {
    const dir = project({
      'site.yml': '- hosts: all\n  tasks:\n    - cpy: { dest: /x }\n    - copy: { dest: /x, content: a, mdoe: 1 }\n    - command: /bin/true\n      notify: nobody\n',
      'hosts.ini': 'node1 ansible_host=127.0.0.1 ansible_port=1\n',
    });
    const started = Date.now();
    const res = await runCli(['run', 'site.yml', '-i', 'hosts.ini', '-T', '30'], { cwd: dir });
    expect(res.code).toBe(4);
    expect(res.stderr.trim().split('\n')).toEqual([
      "ERROR: site.yml:3:7: unknown module 'cpy'; did you mean 'copy'?",
      "ERROR: site.yml:4:37: copy: unsupported parameter 'mdoe'; did you mean 'mode'?",
      "ERROR: site.yml:6:7: task 'command' notifies 'nobody', but the play has no handler with that name or listen topic",
    ]);
    expect(res.stdout).toBe('');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('--syntax-check validates only', async () => {
    const dir = project({ 'site.yml': '- hosts: all\n  tasks:\n    - debug: { msg: hi }\n      whenn: true\n' });
    const res = await runCli(['run', 'site.yml', '--syntax-check'], { cwd: dir });
    expect(res.code).toBe(4);
    expect(res.stderr).toBe("ERROR: site.yml:4:7: unknown task keyword 'whenn'; did you mean 'when'?\n");
  });
});
