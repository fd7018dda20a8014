// roles/oasis_agent on lab nodes (no systemd there: the nohup fallback), then discovery.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { discoverNodes } from '../../src/discovery/discover.js';
import { loadInventories } from '../../src/inventory/load.js';
import { CLI, runCli } from '../helpers/cli.js';
import { inNode, useLab } from '../helpers/lab.js';

const env = useLab(2, 43); // 127.0.43.x: no other test file uses it
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('the role starts the agent (nohup fallback), is idempotent, and discovery sees it live', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oasis-role-'));
  const playbook = join(dir, 'agent.yml');
  writeFileSync(
    playbook,
    `- hosts: all
  roles:
    - role: oasis_agent
      oasis_agent_command: "${process.execPath} ${CLI}"
      oasis_agent_interval: 1
      oasis_agent_boot: none   # the lab shares the host's crontab
      oasis_agent_labels: { zone: "lab {{ inventory_hostname }}" }
`,
  );
  const args = ['run', playbook, '-i', env.lab.inventoryFile, '--known-hosts', env.lab.knownHostsFile, '--json'];
  try {
    const first = await runCli(args);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.summary!.hosts.node1).toMatchObject({ failed: 0, unreachable: 0 });
    expect(first.summary!.hosts.node1!.changed).toBeGreaterThan(0);
    const again = await runCli(args);
    expect(again.code).toBe(0);
    expect(again.summary!.hosts.node1).toMatchObject({ changed: 0, failed: 0 });
    // The first write comes within a second or two.
    const inv = (await loadInventories([env.lab.inventoryFile])).inventory;
    let nodes = await discoverNodes(inv, { knownHostsFile: env.lab.knownHostsFile, hostKeyChecking: 'yes' });
    for (let i = 0; i < 50 && nodes.some((n) => n.via !== 'agent'); i++) {
      await sleep(200);
      nodes = await discoverNodes(inv, { knownHostsFile: env.lab.knownHostsFile, hostKeyChecking: 'yes' });
    }
    expect(nodes.map((n) => [n.name, n.state, n.via, n.labels.zone]).sort()).toEqual([
      ['node1', 'live', 'agent', 'lab node1'],
      ['node2', 'live', 'agent', 'lab node2'],
    ]);
    expect(nodes[0]!.metadata!.agent!.intervalSeconds).toBe(1);
  } finally {
    for (const n of env.lab.nodes) await inNode(n, 'HOME=/root /root/.oasis/oasis-agent.sh stop');
  }
}, 60_000);

test('the systemd unit and the labels file render (no systemd in the lab to run them)', async () => {
  const { TemplateEngine } = await import('../../src/template/engine.js');
  const { readLabels } = await import('../../src/agent/labels.js');
  const templates = fileURLToPath(new URL('../../roles/oasis_agent/templates/', import.meta.url));
  const engine = new TemplateEngine();
  const vars = { oasis_agent_user: 'pi', oasis_agent_home: '/home/pi', oasis_agent_exec: '/usr/bin/oasis-play', oasis_agent_interval: 5, oasis_agent_labels: { zone: 'kitchen', 'odd key': 'a "b"', rack: 2 } };
  const unit = engine.renderFile(join(templates, 'oasis-agent.service.hbs'), vars);
  expect(unit).toContain('\nUser=pi\nEnvironment=HOME=/home/pi\nExecStart=/usr/bin/oasis-play agent --interval 5\n');
  const dir = mkdtempSync(join(tmpdir(), 'oasis-labels-'));
  writeFileSync(join(dir, 'labels.yml'), engine.renderFile(join(templates, 'labels.yml.hbs'), vars));
  expect(await readLabels(join(dir, 'labels.yml'), true)).toEqual({ zone: 'kitchen', 'odd key': 'a "b"', rack: '2' });
  writeFileSync(join(dir, 'labels.yml'), engine.renderFile(join(templates, 'labels.yml.hbs'), { ...vars, oasis_agent_labels: {} }));
  expect(await readLabels(join(dir, 'labels.yml'), true)).toEqual({});
});
