import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { ansibleInventory, hasAnsible, LAYERS, ours, precedenceTree, tree } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES = ['inventory/hosts.ini', 'inventory/hosts.yml'].map((f) => join(ROOT, f));

// `ansible-inventory -i inventory/hosts.ini --graph` (ansible-core 2.14.18); hosts.yml is the same.
const EXAMPLE_GRAPH = `@all:
  |--@ungrouped:
  |  |--gateway
  |--@lan:
  |  |--@web:
  |  |  |--pi-web01
  |  |  |--pi-web02
  |  |  |--pi-web03
  |  |--@db:
  |  |  |--laptop-db
`;

describe('oasis-play inventory, in-process', () => {
  it('reads the INI and YAML examples as the same inventory', async () => {
    for (const f of EXAMPLES) expect(await ours(['-i', f, '--graph'])).toBe(EXAMPLE_GRAPH);
    const [ini, yml] = await Promise.all(EXAMPLES.map((f) => ours(['-i', f, '--list'])));
    expect(ini).toBe(yml);
    const list = JSON.parse(ini!);
    expect(list.lan).toEqual({ children: ['web', 'db'] });
    expect(list.ungrouped).toEqual({ hosts: ['gateway'] });
    // Host var 80 beats group_vars/web.yml's 8080; group_vars/web.yml beats nothing else here.
    expect(list._meta.hostvars['pi-web01']).toEqual({
      ansible_user: 'pi', http_port: 80, site_title: 'Pi cluster', ntp_server: '192.168.1.1', dns_servers: ['192.168.1.1', '1.1.1.1'],
    });
    expect(list._meta.hostvars['laptop-db'].ansible_port).toBe(2222);
    expect(await ours(['-i', EXAMPLES[0]!, '--graph', 'lan'])).toBe(`@lan:
  |--@web:
  |  |--pi-web01
  |  |--pi-web02
  |  |--pi-web03
  |--@db:
  |  |--laptop-db
`);
  });

  it('prints --host as one JSON object, keys sorted, indent 4', async () => {
    expect(await ours(['-i', EXAMPLES[0]!, '--host', 'laptop-db'])).toBe(`{
    "ansible_host": "192.168.1.30",
    "ansible_port": 2222,
    "ansible_user": "admin",
    "dns_servers": [
        "192.168.1.1",
        "1.1.1.1"
    ],
    "ntp_server": "192.168.1.1"
}
`);
  });

  it.runIf(hasAnsible())('prints what ansible-inventory prints for the examples', async () => {
    for (const f of EXAMPLES) {
      for (const args of [['--list'], ['--graph'], ['--graph', 'web'], ['--host', 'pi-web02'], ['--list', '--export']]) {
        expect(await ours(['-i', f, ...args]), `${f} ${args.join(' ')}`).toBe(ansibleInventory(['-i', f, ...args]));
      }
    }
  });
});

const built = existsSync(CLI);

describe.runIf(built)('oasis-play inventory, the built CLI', () => {
  it('prints the graph', async () => {
    const r = await runCli(['inventory', '-i', 'inventory/hosts.ini', '--graph'], { cwd: ROOT });
    expect(r).toMatchObject({ code: 0, stdout: EXAMPLE_GRAPH, stderr: '' });
  });

  it('exits 5 on bad options, 1 on a bad inventory with its position', async () => {
    expect(await runCli(['inventory', '-i', 'inventory/hosts.ini'], { cwd: ROOT })).toMatchObject({ code: 5, stderr: 'ERROR: choose one of --list, --graph [GROUP], --host NAME or --export-ini\n' });
    expect(await runCli(['inventory', '-i', 'inventory/hosts.ini', '--list', '--graph'], { cwd: ROOT })).toMatchObject({ code: 5 });
    expect(await runCli(['inventory', '-i', 'inventory/hosts.ini', '--host', 'pi-web*'], { cwd: ROOT })).toMatchObject({
      code: 5,
      stderr: "ERROR: --host takes the name of one host in the inventory; 'pi-web*' matches 3\n",
    });
    expect(await runCli(['inventory', '-i', 'inventory/hosts.ini', '--graph', 'nope'], { cwd: ROOT })).toMatchObject({ code: 5 });
    const d = tree({ 'bad.yml': 'web:\n  hosts:\n    - w1\n' });
    const r = await runCli(['inventory', '-i', 'bad.yml', '--list'], { cwd: d });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERROR: bad.yml:2:3: 'hosts' of group 'web' must be a mapping/);
  });

  it('run --list-hosts takes --limit @file and warns about unknown names', async () => {
    const d = tree({ 'play.yml': '- hosts: lan\n  tasks: []\n', 'limit.txt': 'web\n!pi-web02\nnothere\n' });
    const r = await runCli(['run', join(d, 'play.yml'), '-i', EXAMPLES[0]!, '-l', `@${join(d, 'limit.txt')}`, '--list-hosts'], { cwd: d });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('    hosts (2):\n      pi-web01\n      pi-web03\n');
    expect(r.stderr).toContain('[WARNING]: Could not match supplied host pattern, ignoring: nothere');
  });

  it('runs a playbook with every variable layer in Ansible order', async () => {
    const d = precedenceTree();
    const inv = join(d, 'inv/hosts.ini');
    writeFileSync(inv, readFileSync(inv, 'utf8').replace('[all:vars]\n', '[all:vars]\nansible_connection=local\n'));
    const msg = LAYERS.map((_, j) => `{{ v${j + 1} }}`).join(' ');
    writeFileSync(join(d, 'pb/site.yml'), `- hosts: web\n  gather_facts: false\n  tasks:\n    - debug:\n        msg: "${msg}"\n`);
    const r = await runCli(['run', join(d, 'pb/site.yml'), '-i', inv, '--output', 'plain'], { cwd: d });
    expect(r.code).toBe(0);
    const shown = (out: string) => [...out.matchAll(/ok: \[(\w+)\] => \{\n\s+"msg": "([^"]*)"/g)].map((m) => `${m[1]}: ${m[2]}`).sort();
    const expected = ['w1: ' + LAYERS.join(' '), 'w2: ' + [...LAYERS.slice(0, 9), 'pb_gv_child', 'pb_gv_child', 'pb_gv_child'].join(' ')];
    expect(shown(r.stdout)).toEqual(expected);
    if (hasAnsible()) {
      const theirs = execFileSync('ansible-playbook', ['-i', inv, join(d, 'pb/site.yml')], { cwd: d, encoding: 'utf8', env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });
      expect(shown(theirs)).toEqual(expected);
    }
  });
});
