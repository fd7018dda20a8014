// The service module on a real lab node over SSH. Lab nodes run no systemd, so this is the SysV
// path: the real /etc/init.d/nginx (the node's /run and /etc/nginx are private, so the nginx it
// starts is the node's own) and a throwaway init script for `enabled` (update-rc.d links live in
// the host's shared /etc/rc?.d; afterAll removes them). systemd cannot run here: its branch is
// covered by service-script.test.ts (script text, and a fake systemctl).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh, type SshConnection } from '../../src/connection/ssh.js';
import type { LabNode } from '../../src/lab/lab.js';
import { service } from '../../src/modules/service.js';
import type { ServiceArgs } from '../../src/modules/lib-pkg/service-run.js';
import type { ModuleContext } from '../../src/modules/types.js';
import { useLab } from '../helpers/lab.js';

const env = useLab(2, 50);

/**
 * Runs a command inside a node (like helpers' inNode, which nsenters into the node's sshd), but
 * with no stdin: writing inNode's empty stdin to a command that already exited can raise EPIPE.
 */
function inNode(node: LabNode, command: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn('nsenter', ['-t', String(node.pid), '-m', '-u', 'sh', '-c', command], { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, stdout }));
  });
}

let conn: SshConnection;

const SVC = 'oasis-test-svc';
const SVC_SCRIPT = `/etc/init.d/${SVC}`;
// "Runs" while a file in the node's private /run exists; every action is logged there too.
const SVC_TEXT = `#!/bin/sh
### BEGIN INIT INFO
# Provides:          ${SVC}
# Required-Start:
# Required-Stop:
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: oasis-play service module test
### END INIT INFO
F=/run/${SVC}.running
case "$1" in
  start)
    if [ -e /run/${SVC}.broken ]; then echo "${SVC}: cannot start: broken configuration" >&2; exit 1; fi
    touch "$F"; echo start >> /run/${SVC}.log; echo "Starting ${SVC}";;
  stop) rm -f "$F"; echo stop >> /run/${SVC}.log;;
  restart) touch "$F"; echo restart >> /run/${SVC}.log;;
  reload) echo reload >> /run/${SVC}.log;;
  status) if [ -e "$F" ]; then echo "${SVC} is running"; exit 0; fi; echo "${SVC} is not running"; exit 3;;
  *) echo "Usage: $0 {start|stop|restart|reload|status}" >&2; exit 3;;
esac
exit 0
`;

function removeTestService(): void {
  // update-rc.d remove wants the script gone or -f; -f keeps it, so remove it after.
  for (const d of ['0', '1', '2', '3', '4', '5', '6', 'S']) {
    for (const kind of ['S', 'K']) {
      for (let n = 0; n < 100; n++) rmSync(`/etc/rc${d}.d/${kind}${String(n).padStart(2, '0')}${SVC}`, { force: true });
    }
  }
  rmSync(SVC_SCRIPT, { force: true });
}

const links = (kind: 'S' | 'K') =>
  ['0', '1', '2', '3', '4', '5', '6'].filter((d) => Array.from({ length: 100 }, (_, n) => `/etc/rc${d}.d/${kind}${String(n).padStart(2, '0')}${SVC}`).some((p) => existsSync(p)));

function ctx(check = false): ModuleContext {
  return {
    check,
    diff: false,
    exec: (script, o) => conn.exec(script, o),
    readLocalFile: async () => Buffer.alloc(0),
    renderTemplate: async () => '',
  };
}
const run = (args: ServiceArgs, check = false) => service.run(args, ctx(check));

/** The node's nginx master pid from its private /run, if that process lives. */
async function nginxPid(node: LabNode): Promise<number> {
  const r = await inNode(node, 'cat /run/nginx.pid 2>/dev/null');
  const pid = Number(r.stdout.trim());
  if (!pid || !existsSync(`/proc/${pid}`)) return 0;
  return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'nginx' ? pid : 0;
}

async function svcLog(node: LabNode): Promise<string[]> {
  return (await inNode(node, `cat /run/${SVC}.log 2>/dev/null`)).stdout.split('\n').filter(Boolean);
}

beforeAll(async () => {
  const lab = env.lab;
  const node = env.node('node1');
  // The node's nginx answers on its own address only, so it cannot clash with anything else.
  rmSync(join(node.root, 'etc/nginx/sites-enabled/default'), { force: true });
  writeFileSync(join(node.root, 'etc/nginx/sites-enabled/oasis-service-test'), `server {\n  listen ${node.address}:80;\n  location / { return 200 "${node.name}\\n"; }\n}\n`);
  removeTestService();
  writeFileSync(SVC_SCRIPT, SVC_TEXT, { mode: 0o755 });
  conn = await connectSsh({
    name: node.name,
    host: node.address,
    port: node.port,
    user: 'root',
    privateKeyFile: lab.clientKeyFile,
   
    knownHostsFile: lab.knownHostsFile,
    hostKeyChecking: 'yes',
  });
});

afterAll(async () => {
  await inNode(env.node('node1'), '/etc/init.d/nginx stop >/dev/null 2>&1').catch(() => undefined);
  await conn?.close();
  removeTestService();
});

describe('service (SysV) with the real nginx init script on a lab node', () => {
  const node = () => env.node('node1');

  it('check mode reports the start but starts nothing', async () => {
    const r = await run({ name: 'nginx', state: 'started' }, true);
    expect(r).toMatchObject({ changed: true, name: 'nginx', state: 'started', status: { init: 'sysv', running: false } });
    expect(await nginxPid(node())).toBe(0);
  });

  it('started: starts it (changed), then no change', async () => {
    const r = await run({ name: 'nginx', state: 'started' });
    expect(r).toMatchObject({ changed: true, name: 'nginx', state: 'started', status: { init: 'sysv', running: false } });
    expect(r.failed).toBeUndefined();
    expect(await nginxPid(node())).toBeGreaterThan(0);
    expect(await (await fetch(`http://${node().address}/`)).text()).toBe('node1\n');
    // The other node's nginx (same binary, same init script, its own /run) was not touched.
    expect(await nginxPid(env.node('node2'))).toBe(0);
    const again = await run({ name: 'nginx', state: 'started' });
    expect(again).toMatchObject({ changed: false, status: { running: true, rc: 0 } });
  });

  it('reloaded always changes and keeps the master process; restarted replaces it', async () => {
    const pid = await nginxPid(node());
    expect(await run({ name: 'nginx', state: 'reloaded' })).toMatchObject({ changed: true, state: 'started' });
    expect(await nginxPid(node())).toBe(pid);
    expect(await run({ name: 'nginx', state: 'restarted' })).toMatchObject({ changed: true, state: 'started' });
    const after = await nginxPid(node());
    expect(after).toBeGreaterThan(0);
    expect(after).not.toBe(pid);
  });

  it('stopped: stops it (changed), then no change', async () => {
    expect(await run({ name: 'nginx', state: 'stopped' })).toMatchObject({ changed: true, state: 'stopped', status: { running: true } });
    expect(await nginxPid(node())).toBe(0);
    expect((await inNode(node(), 'test -e /run/nginx.pid')).code).not.toBe(0);
    expect(await run({ name: 'nginx', state: 'stopped' })).toMatchObject({ changed: false, state: 'stopped', status: { running: false } });
  });

  it('a service that does not exist fails clearly', async () => {
    expect(await run({ name: 'oasis-no-such-svc', state: 'started' })).toMatchObject({ failed: true, msg: 'Could not find the requested service oasis-no-such-svc: host' });
    expect(await run({ name: 'nginx' })).toMatchObject({ failed: true, msg: 'one of the following is required: state, enabled' });
  });
});

describe('service (SysV) with a throwaway init script', () => {
  const node = () => env.node('node1');

  it('enabled: creates the rc links (changed), then no change; check mode changes nothing', async () => {
    expect(links('S')).toEqual([]);
    expect(await run({ name: SVC, enabled: true }, true)).toMatchObject({ changed: true, enabled: true });
    expect(links('S')).toEqual([]);
    const r = await run({ name: SVC, enabled: true });
    expect(r).toMatchObject({ changed: true, name: SVC, enabled: true, status: { enabled: false } });
    expect(r.failed).toBeUndefined();
    expect(links('S')).toEqual(['2', '3', '4', '5']);
    expect(await run({ name: SVC, enabled: true })).toMatchObject({ changed: false, status: { enabled: true } });
  });

  it('enabled: false turns the start links into kill links, then no change', async () => {
    expect(await run({ name: SVC, enabled: false })).toMatchObject({ changed: true, enabled: false });
    expect(links('S')).toEqual([]);
    expect(links('K')).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    expect(await run({ name: SVC, enabled: false })).toMatchObject({ changed: false });
    expect(await run({ name: SVC, enabled: true })).toMatchObject({ changed: true });
    expect(links('S')).toEqual(['2', '3', '4', '5']);
  });

  it('runs exactly the actions Ansible would: start, nothing, reload, restart, stop', async () => {
    expect((await run({ name: SVC, state: 'started', enabled: true })).changed).toBe(true);
    expect((await run({ name: SVC, state: 'started' })).changed).toBe(false);
    expect((await run({ name: SVC, state: 'reloaded' })).changed).toBe(true);
    expect((await run({ name: SVC, state: 'restarted' })).changed).toBe(true);
    expect((await run({ name: SVC, state: 'stopped' })).changed).toBe(true);
    expect((await run({ name: SVC, state: 'stopped' })).changed).toBe(false);
    // reloaded on a stopped service starts it (Ansible's rule)
    expect((await run({ name: SVC, state: 'reloaded' })).changed).toBe(true);
    expect(await svcLog(node())).toEqual(['start', 'reload', 'restart', 'stop', 'start']);
    expect((await run({ name: SVC, state: 'stopped' })).changed).toBe(true);
  });

  it('a failing start fails with the init script\'s own output', async () => {
    await inNode(node(), `touch /run/${SVC}.broken`);
    const r = await run({ name: SVC, state: 'started' });
    expect(r).toMatchObject({ failed: true, changed: false, msg: `${SVC}: cannot start: broken configuration`, rc: 1 });
    await inNode(node(), `rm -f /run/${SVC}.broken`);
  });
});
