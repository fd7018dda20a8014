// The mock inventory: discovery without any connection, dynamic groups, the INI export, the CLI.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { discoverNodes } from '../../src/discovery/discover.js';
import { exportIni } from '../../src/discovery/export-ini.js';
import { addDynamicGroups } from '../../src/discovery/groups.js';
import { groupMembers } from '../../src/engine/host-vars.js';
import { loadInventories } from '../../src/inventory/load.js';
import { parseIniInventory } from '../../src/inventory/ini.js';
import { selectHosts } from '../../src/inventory/patterns.js';
import { CLI, runCli } from '../helpers/cli.js';

const MOCK = fileURLToPath(new URL('../../inventory/mock.yml', import.meta.url));
const load = async () => (await loadInventories([MOCK])).inventory;

describe('mock inventory', () => {
  test('evaluated inline, no connection: states, sorting, figures', async () => {
    const t0 = Date.now();
    const nodes = await discoverNodes(await load(), { hostKeyChecking: 'yes', connectTimeoutMs: 1 });
    expect(Date.now() - t0).toBeLessThan(500);
    expect(nodes.map((n) => [n.name, n.state])).toEqual([
      ['laptop1', 'live'],
      ['pi1', 'live'],
      ['pi2', 'live'],
      ['phone1', 'live'],
      ['pi3', 'live'],
      ['laptop2', 'stale'],
    ]);
    const pi1 = nodes.find((n) => n.name === 'pi1')!;
    expect(pi1).toMatchObject({ via: 'inline', arch: 'armv7l', cores: 4, temperatureC: 48.3, services: ['nginx_webserver'], address: '198.51.100.11', ageSeconds: 0 });
    expect(pi1.memory!.usedRatio).toBe(0.38);
  });

  test('each node\'s discovered state becomes its oasis_node host variable; inline metadata stays as written', async () => {
    const inv = await load();
    const nodes = await discoverNodes(inv, { hostKeyChecking: 'yes' });
    const withVars = addDynamicGroups(inv, nodes);
    const pi3 = nodes.find((n) => n.name === 'pi3')!;
    expect(withVars.hosts.get('pi3')!.vars['oasis_node']).toMatchObject({ state: 'live', score: pi3.score, services: [], labels: { zone: 'attic' } });
    expect(withVars.hosts.get('laptop2')!.vars['oasis_node']).toMatchObject({ state: 'stale' });
    expect(withVars.hosts.get('pi1')!.vars['oasis_metadata']).toEqual(inv.hosts.get('pi1')!.vars['oasis_metadata']);
    expect(inv.hosts.get('pi1')!.vars['oasis_node']).toBeUndefined();
  });

  test('dynamic groups work in host patterns; the input inventory is left alone', async () => {
    const inv = await load();
    const withGroups = addDynamicGroups(inv, await discoverNodes(inv, { hostKeyChecking: 'yes' }));
    const groups = groupMembers(withGroups);
    expect(groups.live).toEqual(['pi1', 'pi2', 'pi3', 'laptop1', 'phone1']);
    expect(groups.service_nginx_webserver).toEqual(['pi1', 'phone1']);
    expect(groups.service_load_balancer).toEqual(['pi2']);
    expect(groups.arch_aarch64).toEqual(['pi2', 'pi3', 'phone1']);
    expect(groups.label_zone_office).toEqual(['laptop1', 'laptop2']); // stale still has its labels
    expect(selectHosts(withGroups, groups, 'live:&label_zone_attic:!service_load_balancer')).toEqual(['pi3']);
    expect(selectHosts(withGroups, groups, 'pis:&live')).toEqual(['pi1', 'pi2', 'pi3']);
    expect(withGroups.hosts.get('pi1')!.groups.has('service_nginx_webserver')).toBe(true);
    expect(inv.groups.has('live')).toBe(false);
    expect(inv.hosts.get('pi1')!.groups.has('live')).toBe(false);
  });

  test('exportIni: the live nodes, their connection vars and groups, readable back', async () => {
    const inv = await load();
    const text = exportIni(inv, await discoverNodes(inv, { hostKeyChecking: 'yes' }));
    expect(text).toContain('pi1 ansible_host=198.51.100.11 ansible_user=pi\n');
    expect(text).toContain('laptop1 ansible_host=198.51.100.21 ansible_user=oasis\n');
    expect(text).not.toContain('laptop2'); // stale
    expect(text).not.toContain('oasis_metadata');
    const back = parseIniInventory(text, 'exported.ini');
    const groups = groupMembers(back);
    expect(groups.pis).toEqual(['pi1', 'pi2', 'pi3']);
    expect(groups.service_nginx_webserver).toEqual(['pi1', 'phone1']);
    expect(groups.live).toEqual(['pi1', 'pi2', 'pi3', 'laptop1', 'phone1']);
    expect(groups.laptops).toEqual(['laptop1']);
    expect(back.hosts.get('pi2')!.vars).toEqual({ ansible_host: '198.51.100.12', ansible_user: 'pi' });
  });

  test('a range host found alive joins its group and `discovered`', () => {
    const inv = parseIniInventory('[pis]\n[pis:vars]\nansible_user=pi\n', 'x.ini');
    const found = { name: '127.0.40.7', address: '127.0.40.7', port: 22, origin: { kind: 'range', group: 'pis', range: '127.0.40.0/29' }, state: 'live', via: 'proc', temperatureC: null, labels: {}, services: ['web'], score: 0.1, arch: 'x86_64' } as const;
    const out = addDynamicGroups(inv, [{ ...found, services: [...found.services], labels: {} }]);
    const groups = groupMembers(out);
    expect(groups.pis).toEqual(['127.0.40.7']);
    expect(groups.discovered).toEqual(['127.0.40.7']);
    expect(groups.service_web).toEqual(['127.0.40.7']);
    expect(exportIni(inv, [{ ...found, services: [...found.services], labels: {} }])).toContain('127.0.40.7 ansible_host=127.0.40.7 ansible_user=pi\n');
  });

  test('an invalid inline metadata names the host', async () => {
    const inv = parseIniInventory('bad oasis_metadata=\'{"load": {"load1": "high"}}\'\n', 'x.ini');
    await expect(discoverNodes(inv, { hostKeyChecking: 'yes' })).rejects.toThrow(/inventory host 'bad': oasis_metadata does not match .*\/load/);
  });
});

describe('oasis-play nodes (built CLI) on the mock', () => {
  test('table and --json', async () => {
    const table = await runCli(['nodes', '-i', MOCK]);
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^NAME\s+ADDRESS\s+STATE\s+SCORE\s+LOAD 1\/5\/15\s+MEMORY\s+TEMP\s+SERVICES\s+AGE$/);
    expect(lines[2]).toMatch(/^pi1\s+198\.51\.100\.11\s+live\s+0\.43\s+0\.20 0\.15 0\.10\s+38% of 954M\s+48\.3°C\s+nginx_webserver\s+0s$/);
    expect(table.stdout).toContain('6 nodes: 5 live, 1 stale, 0 down');
    const json = await runCli(['nodes', '-i', MOCK, '--json']);
    const nodes = JSON.parse(json.stdout) as { name: string; state: string; score: number }[];
    expect(nodes.map((n) => n.name)).toEqual(['laptop1', 'pi1', 'pi2', 'phone1', 'pi3', 'laptop2']);
    expect(nodes[0]).not.toHaveProperty('metadata');
    // ((3·0.45 + 2·0.5 + 0.4) / 8 + 4 × 0.3125) / 4 = 0.3984: from the exact memory ratio, not the rounded one shown.
    expect(nodes.find((n) => n.name === 'laptop1')).toMatchObject({ score: 0.398 });
  });

  test('--watch refreshes every 2 s and stops on Ctrl-C with exit 0', async () => {
    const child = spawn(process.execPath, [CLI, 'nodes', '-i', MOCK, '--json', '--watch'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const stamps: number[] = [];
    let buf = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        while (buf.includes('\n')) {
          JSON.parse(buf.slice(0, buf.indexOf('\n')));
          buf = buf.slice(buf.indexOf('\n') + 1);
          stamps.push(Date.now());
          if (stamps.length === 3) resolve();
        }
      });
    });
    child.kill('SIGINT');
    const code = await new Promise((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(0);
    expect(stamps[2]! - stamps[0]!).toBeGreaterThan(3500);
    expect(stamps[2]! - stamps[0]!).toBeLessThan(5500);
  });

  test('errors: no inventory, a bad scorer, a bad timeout', async () => {
    expect(await runCli(['nodes'])).toMatchObject({ code: 5, stderr: expect.stringMatching(/give an inventory with -i/) });
    expect(await runCli(['nodes', '-i', MOCK, '--scorer', 'x'])).toMatchObject({ code: 5, stderr: expect.stringMatching(/unknown scorer 'x'/) });
    expect(await runCli(['nodes', '-i', MOCK, '-T', 'soon'])).toMatchObject({ code: 5, stderr: expect.stringMatching(/--timeout must be a number/) });
  });

  test('--known-hosts naming a directory: one error naming it, exit 5, no node shown (down or not)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oasis-kh-'));
    const refused = { code: 5, stdout: '', stderr: `ERROR: --known-hosts ${dir}: is a directory; give an OpenSSH known_hosts file\n` };
    expect(await runCli(['nodes', '-i', '127.0.0.1:1,', '--known-hosts', dir])).toMatchObject(refused);
    expect(await runCli(['nodes', '-i', '127.0.0.1:1,', '--known-hosts', dir, '--watch'])).toMatchObject(refused);
    expect(await runCli(['inventory', '-i', '127.0.0.1:1,', '--export-ini', '--known-hosts', dir])).toMatchObject(refused);
    const file = join(dir, 'known_hosts');
    writeFileSync(file, '');
    expect(await runCli(['nodes', '-i', '127.0.0.1:1,', '--known-hosts', join(file, 'x'), '-T', '1'])).toMatchObject({ code: 5, stderr: expect.stringMatching(/cannot be read \(ENOTDIR\)/) });
    // A missing file is fine (no key known yet): the node is probed, and refused.
    expect(await runCli(['nodes', '-i', '127.0.0.1:1,', '--known-hosts', join(dir, 'none'), '-T', '1'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/down \(refused\)/) });
  });
});

describe('oasis-play inventory --export-ini (built CLI) on the mock', () => {
  test('an Ansible hosts file of the live nodes that ansible-inventory reads back with the same groups', async () => {
    const r = await runCli(['inventory', '-i', MOCK, '--export-ini']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const file = join(mkdtempSync(join(tmpdir(), 'oasis-export-')), 'hosts.ini');
    writeFileSync(file, r.stdout);
    const theirs = spawnSync('ansible-inventory', ['-i', file, '--list'], { encoding: 'utf8' });
    expect(theirs.status, theirs.stderr).toBe(0);
    const listed = JSON.parse(theirs.stdout) as Record<string, { hosts?: string[] }> & { _meta: { hostvars: Record<string, Record<string, unknown>> } };
    expect(Object.keys(listed._meta.hostvars).sort()).toEqual(['laptop1', 'phone1', 'pi1', 'pi2', 'pi3']); // laptop2 is stale
    expect(listed['service_nginx_webserver']!.hosts).toEqual(['pi1', 'phone1']);
    expect(listed['pis']!.hosts).toEqual(['pi1', 'pi2', 'pi3']);
    expect(listed._meta.hostvars['pi1']).toMatchObject({ ansible_host: '198.51.100.11', ansible_user: 'pi' });
  });
});

describe('dynamic groups in a plain run (built CLI) on the mock', () => {
  const PLAYBOOK = fileURLToPath(new URL('../../playbooks/nginx_webserver/install.yml', import.meta.url));

  test('--limit service_<name> and arch_<arch> discover first, from the inline metadata', async () => {
    const web = await runCli(['run', PLAYBOOK, '-i', MOCK, '-l', 'service_nginx_webserver', '--list-hosts']);
    expect(web).toMatchObject({ code: 0, stderr: '' });
    expect(web.stdout).toMatch(/hosts \(2\):\n\s+pi1\n\s+phone1\n/);
    const arm = await runCli(['run', PLAYBOOK, '-i', MOCK, '-l', 'arch_aarch64:&live', '--list-hosts']);
    expect(arm.stdout).toMatch(/hosts \(3\):\n\s+pi2\n\s+pi3\n\s+phone1\n/);
  });

  test('a dynamic group named through ~regex, a limit file or a blank-separated list discovers too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oasis-dynlimit-'));
    writeFileSync(join(dir, 'limit.txt'), 'live[-1]\n');
    const count = async (limit: string) => {
      const r = await runCli(['run', PLAYBOOK, '-i', MOCK, '-l', limit, '--list-hosts'], { cwd: dir });
      expect(r).toMatchObject({ code: 0, stderr: '' });
      return /hosts \((\d+)\)/.exec(r.stdout)?.[1];
    };
    expect(await count('~service_.*')).toBe('3'); // service_nginx_webserver (2) and service_load_balancer (1)
    expect(await count('@limit.txt')).toBe('1');
    expect(await count('laptops live')).toBe('6'); // laptop2 (stale) and the 5 live nodes
  });

  test('a role parameter naming a dynamic group makes the run discover: the balancer gets its backends', async () => {
    const lb = fileURLToPath(new URL('../../playbooks/load_balancer/install.yml', import.meta.url));
    const r = await runCli(['run', lb, '-i', MOCK, '-l', 'pi2', '--plan']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('+    server 198.51.100.11:80; # pi1\n      +    server 198.51.100.31:80; # phone1\n');
    expect(r.stdout).not.toContain('no backends yet');
  });

  test('--plan connects to nothing: a host without inline metadata is in no dynamic group', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oasis-dyn-'));
    const inv = join(dir, 'hosts.yml');
    // 192.0.2.0/24 is TEST-NET-1: a connection attempt would hang, not answer.
    writeFileSync(inv, 'all:\n  hosts:\n    real1: { ansible_host: 192.0.2.1 }\n    mock1:\n      ansible_host: 192.0.2.2\n      oasis_metadata: { services: { nginx_webserver: { installedAt: "2026-01-01T00:00:00Z" } } }\n');
    const t0 = Date.now();
    const r = await runCli(['run', PLAYBOOK, '-i', inv, '-l', 'service_nginx_webserver', '--plan']);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('HOST [mock1]');
    expect(r.stdout).not.toContain('real1');
  });
});
