// How oasis-play logs in, as the inventory says, against real sshd lab nodes (127.0.14.x:22 and 127.0.15.1:2222).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLab } from '../helpers/lab.js';
import { runCli } from '../helpers/cli.js';

const main = useLab(2, 14);
const highPort = useLab(1, 15, 2222);
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'oasis-conn-'));
});

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const nodeFile = (node: string, path: string) => join(main.node(node).root, path);

/** A run with no ssh-agent unless `agent` names one, so only what the inventory gives can log in. */
function run(playbook: string, inventory: string, opts: { knownHosts?: string; agent?: string; extra?: string[] } = {}) {
  return runCli(['run', playbook, '-i', inventory, '--known-hosts', opts.knownHosts ?? main.lab.knownHostsFile, '--json', ...(opts.extra ?? [])], {
    env: { SSH_AUTH_SOCK: opts.agent ?? '' },
  });
}

const WHOAMI = `- hosts: all
  tasks:
    - command: id -un
      register: who
    - copy: { content: "{{ who.stdout }}\\n", dest: /srv/who }
`;

describe('logging in', () => {
  it('with a password (ansible_password), becoming root from inventory variables; the passwords never shown', async () => {
    const { user, password } = main.lab.become;
    const inv = write('password.ini', `node1 ansible_host=${main.node('node1').address} ansible_user=${user} ansible_password=${password} ansible_become=true ansible_become_password=${password}\n`);
    const res = await run(write('whoami.yml', WHOAMI), inv, { extra: ['-vvv'] });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(readFileSync(nodeFile('node1', 'srv/who'), 'utf8')).toBe('root\n');
    expect(res.stdout).not.toContain(password);
  });

  it('a wrong password leaves the host unreachable (exit 4) with the reason', async () => {
    const { user } = main.lab.become;
    const inv = write('badpw.ini', `node1 ansible_host=${main.node('node1').address} ansible_user=${user} ansible_password=wrong-password\n`);
    const res = await run(write('whoami.yml', WHOAMI), inv);
    expect(res.code).toBe(4);
    expect(res.summary!.hosts['node1']!['unreachable']).toBe(1);
    expect(res.stdout).toMatch(/auth/i);
  });

  describe('through ssh-agent', () => {
    let agent: ChildProcess;
    let sock: string;
    beforeAll(async () => {
      sock = join(dir, 'agent.sock');
      agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
      for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
      const added = spawnSync('ssh-add', [main.lab.clientKeyFile], { env: { ...process.env, SSH_AUTH_SOCK: sock }, encoding: 'utf8' });
      expect(added.status, added.stderr).toBe(0);
    });
    afterAll(() => {
      agent?.kill();
    });

    it('logs in with the agent key when the inventory names no key file, and not without the agent', async () => {
      const inv = write('agent.ini', main.lab.nodes.map((n) => `${n.name} ansible_host=${n.address} ansible_user=root\n`).join(''));
      const withAgent = await run(write('whoami.yml', WHOAMI), inv, { agent: sock });
      expect(withAgent.stderr).toBe('');
      expect(withAgent.code).toBe(0);
      for (const n of ['node1', 'node2']) expect(readFileSync(nodeFile(n, 'srv/who'), 'utf8')).toBe('root\n');
      const without = await run(write('whoami.yml', WHOAMI), inv);
      expect(without.code).toBe(4);
    });
  });
});

describe('a node on port 2222', () => {
  it('is reached through ansible_port and checked against its [host]:port known_hosts entry', async () => {
    const lab = highPort.lab;
    const res = await run(write('whoami.yml', WHOAMI), lab.inventoryFile, { knownHosts: lab.knownHostsFile });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(readFileSync(join(highPort.node('node1').root, 'srv/who'), 'utf8')).toBe('root\n');
  });

  it('is refused when known_hosts has its key only for port 22', async () => {
    const lab = highPort.lab;
    const portless = write('portless_known_hosts', readFileSync(lab.knownHostsFile, 'utf8').replace(/^\[([\d.]+)\]:2222/m, '$1'));
    const res = await run(write('whoami.yml', WHOAMI), lab.inventoryFile, { knownHosts: portless });
    expect(res.code).toBe(4);
    expect(res.stdout).toMatch(/host key/i);
  });
});

describe('delegate_to an inventory host', () => {
  it("runs the task over that host's connection, with the task host's variables", async () => {
    const pb = write(
      'delegate.yml',
      `- hosts: node1
  tasks:
    - copy: { content: "from {{ inventory_hostname }}\\n", dest: /srv/delegated }
      delegate_to: node2
`,
    );
    const res = await run(pb, main.lab.inventoryFile);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(readFileSync(nodeFile('node2', 'srv/delegated'), 'utf8')).toBe('from node1\n');
    expect(existsSync(nodeFile('node1', 'srv/delegated'))).toBe(false);
  });
});
