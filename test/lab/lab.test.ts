import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { assertRoot, labDown, labLoad, labResetNode, labStartNode, labStopNode, labUp, type Lab } from '../../src/lab/lab.js';
import { isAlive } from '../../src/lab/procs.js';
import { inNode, labSsh, useLab } from '../helpers/lab.js';

const SUBNET = 2; // no other test file uses 127.0.2.x

describe('assertRoot', () => {
  it('explains that root is needed', () => {
    const spy = vi.spyOn(process, 'getuid').mockReturnValue(1000);
    try {
      expect(() => assertRoot()).toThrow(/the lab needs root: .*run as root or with sudo/);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('lab of 3 sshd nodes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oasis-lab-test-'));
  let lab: Lab;
  const node = (i: number) => lab.nodes[i - 1]!;
  const tag = `lab-test-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    lab = await labUp(3, { dir, subnet: SUBNET });
  });
  afterAll(async () => {
    await labDown(dir); // safe when the last test already took it down
  });

  it('describes the nodes and writes inventory, known_hosts and state', async () => {
    expect(lab.nodes.map((n) => [n.name, n.address, n.port, n.hostname])).toEqual([
      ['node1', '127.0.2.1', 22, 'node1'],
      ['node2', '127.0.2.2', 22, 'node2'],
      ['node3', '127.0.2.3', 22, 'node3'],
    ]);
    const inventory = readFileSync(lab.inventoryFile, 'utf8');
    expect(inventory).toContain('[lab]\n');
    expect(inventory).toContain(`node2 ansible_host=127.0.2.2 ansible_port=22 ansible_user=root ansible_ssh_private_key_file=${lab.clientKeyFile}`);
    expect(readFileSync(lab.knownHostsFile, 'utf8')).toMatch(/^127\.0\.2\.1 ssh-ed25519 AAAA\S+\n127\.0\.2\.2 ssh-ed25519 /);
    expect(await labLoad(dir)).toEqual(lab);
    expect(lab.become.password.length).toBeGreaterThanOrEqual(12);
  });

  it('each node answers its own host name over real ssh with strict host key checking', async () => {
    const results = await Promise.all(lab.nodes.map((n) => labSsh(lab, n, 'hostname')));
    expect(results.map((r) => [r.code, r.stdout.trim()])).toEqual([
      [0, 'node1'],
      [0, 'node2'],
      [0, 'node3'],
    ]);
  });

  it('gives each node a private /srv, visible from outside under node.root', async () => {
    expect((await labSsh(lab, node(1), `echo hello > /srv/${tag}`)).code).toBe(0);
    expect(readFileSync(join(node(1).root, 'srv', tag), 'utf8')).toBe('hello\n');
    expect((await labSsh(lab, node(2), `test -e /srv/${tag}`)).code).toBe(1);
    expect(existsSync(join('/srv', tag))).toBe(false);
  });

  it('gives each node its own home directory for root', async () => {
    const r1 = await labSsh(lab, node(1), 'echo "{\\"n\\":1}" > ~/meta-data.json && cat ~/meta-data.json');
    expect(r1.stdout).toBe('{"n":1}\n');
    expect((await labSsh(lab, node(2), 'test -e ~/meta-data.json')).code).toBe(1);
    expect(existsSync(join(node(1).root, 'root/meta-data.json'))).toBe(true);
    expect((await labSsh(lab, node(1), `echo ${tag} > ~/${tag}`)).code).toBe(0);
    expect(existsSync(join('/root', tag))).toBe(false);
  });

  it('has a private /etc/nginx copy, /run and /etc/hosts with its own name', async () => {
    const r = await labSsh(lab, node(3), `touch /etc/nginx/${tag} /run/${tag}; test -d /run/sshd && getent hosts node3`);
    expect(r.stdout.trim()).toBe('127.0.2.3       node3');
    expect(existsSync(join(node(3).root, 'etc/nginx/nginx.conf'))).toBe(true);
    expect(existsSync(join('/etc/nginx', tag))).toBe(false);
    expect(existsSync(join('/run', tag))).toBe(false);
    expect((await inNode(node(3), `test -e /run/${tag} && hostname`)).stdout).toBe('node3\n');
  });

  it('lets the become user log in with the lab key and sudo with its password only', async () => {
    const pw = lab.become.password;
    const ok = await labSsh(lab, node(1), "sudo -S -p '' id -un", { user: lab.become.user, stdin: `${pw}\n` });
    expect([ok.code, ok.stdout.trim()]).toEqual([0, 'root']);
    const bad = await labSsh(lab, node(1), "sudo -S -p '' id -un", { user: lab.become.user, stdin: 'wrong\n' });
    expect(bad.code).not.toBe(0);
  });

  it('accepts a password login for the become user, not a wrong password', async () => {
    const login = (password: string) =>
      new Promise<string>((resolve, reject) => {
        const c = new Client();
        c.on('ready', () => {
          c.exec('id -un', (err, stream) => {
            if (err) return reject(err);
            let out = '';
            stream.on('data', (d: Buffer) => (out += d.toString()));
            stream.on('close', () => {
              c.end();
              resolve(out.trim());
            });
          });
        });
        c.on('error', reject);
        c.connect({ host: node(2).address, port: 22, username: lab.become.user, password, readyTimeout: 5000 });
      });
    expect(await login(lab.become.password)).toBe(lab.become.user);
    await expect(login('not-the-password')).rejects.toThrow(/authentication/i);
  });

  it('stops and starts a node with the same host key', async () => {
    const oldPid = node(2).pid;
    await labStopNode(lab, 'node2');
    expect(node(2).pid).toBe(0);
    expect(isAlive(oldPid)).toBe(false);
    expect(await tcpOpen(node(2).address)).toBe(false);
    expect((await labLoad(dir))!.nodes[1]!.pid).toBe(0);
    const r = await labSsh(lab, node(2), 'true');
    expect(r.code).toBe(255);
    await labStartNode(lab, 'node2');
    expect(isAlive(node(2).pid)).toBe(true);
    expect((await labSsh(lab, node(2), 'hostname')).stdout).toBe('node2\n'); // strict known_hosts still matches
    expect((await labLoad(dir))!.nodes[1]!.pid).toBe(node(2).pid);
  });

  it('resets a node to fresh private dirs', async () => {
    await labSsh(lab, node(3), `echo x > /srv/${tag}; echo y > ~/${tag}; echo z > /etc/nginx/conf.d/${tag}.conf`);
    await labResetNode(lab, 'node3');
    const r = await labSsh(lab, node(3), `ls /srv; ls ~/${tag} /etc/nginx/conf.d/${tag}.conf 2>/dev/null; test -f /etc/nginx/nginx.conf && hostname`);
    expect(r.stdout).toBe('node3\n');
  });

  it('labDown kills every process (including ones started in a node) and removes its files', async () => {
    const bg = await labSsh(lab, node(1), 'setsid sleep 600 </dev/null >/dev/null 2>&1 & echo $!');
    const sleeper = Number(bg.stdout.trim());
    expect(isAlive(sleeper)).toBe(true);
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { unsharePids: Record<string, number> };
    const pids = [...lab.nodes.map((n) => n.pid), ...Object.values(state.unsharePids), sleeper];
    expect(pids.every(isAlive)).toBe(true);
    const sudoersExisted = existsSync('/etc/sudoers.d/oasislab');
    await labDown(dir);
    for (const pid of pids) expect(isAlive(pid), `pid ${pid}`).toBe(false);
    expect(existsSync(dir)).toBe(false);
    expect(await tcpOpen(node(1).address)).toBe(false);
    expect(await labLoad(dir)).toBeUndefined();
    // The become user and sudoers file outlive this lab only if another lab (or the admin) has them.
    if (!existsSync('/var/lib/oasis-lab/become.json')) {
      expect(existsSync('/etc/sudoers.d/oasislab')).toBe(false);
    } else expect(sudoersExisted).toBe(true);
    await labDown(dir); // safe again
  });
});

describe('useLab helper and labUp over a running lab', () => {
  const h = useLab(2, SUBNET);

  it('brings the nodes up for the tests', async () => {
    expect((await labSsh(h.lab, h.node('node2'), 'hostname')).stdout).toBe('node2\n');
  });

  it('labUp on a dir with a running lab tears that one down first', async () => {
    const old = h.lab.nodes.map((n) => n.pid);
    const again = await labUp(1, { dir: h.lab.dir, subnet: SUBNET });
    expect(old.some(isAlive)).toBe(false);
    expect(again.nodes.map((n) => n.name)).toEqual(['node1']);
    expect((await labSsh(again, again.nodes[0]!, 'hostname')).stdout).toBe('node1\n');
    expect(await tcpOpen('127.0.2.2')).toBe(false);
  });

  it('refuses a non-empty dir that is not a lab, and a bad node count', async () => {
    const d = mkdtempSync(join(tmpdir(), 'oasis-lab-notlab-'));
    writeFileSync(join(d, 'keep.txt'), 'mine');
    await expect(labUp(1, { dir: d, subnet: SUBNET })).rejects.toThrow(/not an \(empty\) lab dir/);
    await labDown(d);
    expect(readFileSync(join(d, 'keep.txt'), 'utf8')).toBe('mine');
    await expect(labUp(0, { dir: d, subnet: SUBNET })).rejects.toThrow(/count/);
    rmSync(d, { recursive: true });
  });
});

function tcpOpen(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port: 22 });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
