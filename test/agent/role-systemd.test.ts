// roles/oasis_agent's systemd branch on a lab node. The node has no systemd (nothing can run it
// as PID 1 in the test's namespaces), so /usr/bin/systemctl is replaced inside the node's mount
// namespace by test/agent/fixtures/fake-systemctl.sh, which records its calls and runs the
// unit's ExecStart; the unit file itself is checked by the real `systemd-analyze verify`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { discoverNodes } from '../../src/discovery/discover.js';
import { loadInventories } from '../../src/inventory/load.js';
import { CLI, runCli } from '../helpers/cli.js';
import { inNode, useLab } from '../helpers/lab.js';

const env = useLab(1, 41);
const FAKE_SYSTEMCTL = fileURLToPath(new URL('./fixtures/fake-systemctl.sh', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function inNode1(command: string): Promise<string> {
  const r = await inNode(env.node('node1'), command);
  if (r.code !== 0) throw new Error(`${command}: exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  const unitDir = mkdtempSync(join(tmpdir(), 'oasis-units-'));
  await inNode1(`mkdir -p /run/systemd/system && mount --bind ${unitDir} /etc/systemd/system && mount --bind ${FAKE_SYSTEMCTL} /usr/bin/systemctl`);
});

afterAll(async () => {
  await inNode(env.node('node1'), 'systemctl stop oasis-agent; umount /usr/bin/systemctl; umount /etc/systemd/system');
});

function playbook(interval: number): string {
  const file = join(mkdtempSync(join(tmpdir(), 'oasis-role-systemd-')), 'agent.yml');
  writeFileSync(
    file,
    `- hosts: all
  roles:
    - role: oasis_agent
      oasis_agent_command: "${process.execPath} ${CLI}"
      oasis_agent_interval: ${interval}
`,
  );
  return file;
}

async function agentInterval(): Promise<number | undefined> {
  const inv = (await loadInventories([env.lab.inventoryFile])).inventory;
  const [node] = await discoverNodes(inv, { knownHostsFile: env.lab.knownHostsFile, hostKeyChecking: 'yes' });
  return node?.state === 'live' && node.via === 'agent' ? node.metadata?.agent?.intervalSeconds : undefined;
}

async function waitForInterval(want: number): Promise<number | undefined> {
  let seen = await agentInterval();
  for (let i = 0; i < 50 && seen !== want; i++) {
    await sleep(200);
    seen = await agentInterval();
  }
  return seen;
}

test('with systemd: a verified unit, enabled and started once, restarted by its handler when the unit changes', async () => {
  const run = (file: string) => runCli(['run', file, '-i', env.lab.inventoryFile, '--known-hosts', env.lab.knownHostsFile, '--json']);

  const first = await run(playbook(1));
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  expect(first.summary!.hosts.node1!.changed).toBeGreaterThan(0);
  const unit = await inNode1('cat /etc/systemd/system/oasis-agent.service');
  expect(unit).toContain(`\nUser=root\nEnvironment=HOME=/root\nExecStart=${process.execPath} ${CLI} agent --interval 1\n`);
  const verify = await inNode(env.node('node1'), 'systemd-analyze verify /etc/systemd/system/oasis-agent.service');
  expect(verify).toMatchObject({ code: 0, stderr: '' });
  // The new unit also notified the restart handler, which runs at the end of the play (as in Ansible).
  expect((await inNode1('cat /run/fake-systemd/calls')).trim().split('\n')).toEqual([
    'daemon-reload',
    'is-enabled --quiet oasis-agent',
    'enable --now oasis-agent',
    'daemon-reload',
    'restart oasis-agent',
  ]);
  // The nohup fallback did not run.
  expect((await inNode(env.node('node1'), 'test -e /root/.oasis/oasis-agent.sh')).code).toBe(1);
  expect(await waitForInterval(1)).toBe(1);

  await inNode1('rm /run/fake-systemd/calls');
  const again = await run(playbook(1));
  expect(again.code).toBe(0);
  expect(again.summary!.hosts.node1).toMatchObject({ changed: 0, failed: 0 });
  expect((await inNode1('cat /run/fake-systemd/calls')).trim().split('\n')).toEqual(['daemon-reload', 'is-enabled --quiet oasis-agent', 'is-active --quiet oasis-agent']);

  await inNode1('rm /run/fake-systemd/calls');
  const changed = await run(playbook(2));
  expect(changed.code).toBe(0);
  expect(changed.summary!.hosts.node1).toMatchObject({ changed: 2, failed: 0 }); // the unit and its handler
  expect((await inNode1('cat /run/fake-systemd/calls')).trim().split('\n')).toEqual([
    'daemon-reload',
    'is-enabled --quiet oasis-agent',
    'is-active --quiet oasis-agent',
    'daemon-reload',
    'restart oasis-agent',
  ]);
  expect(await waitForInterval(2)).toBe(2);
}, 90_000);
