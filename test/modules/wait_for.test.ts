import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { portProbe, toEre, waitFor, waitForScript, type WaitPlan } from '../../src/modules/wait_for.js';
import type { ModuleContext } from '../../src/modules/types.js';
import { localModuleContext, tempDir } from '../helpers/module-context.js';

/** Async (the test process must keep serving its socket while the script waits). */
function shellContext(argv: string[], env?: Record<string, string>): ModuleContext {
  return {
    ...localModuleContext(),
    exec: (script) =>
      new Promise((resolve) => {
        const child = spawn(argv[0]!, [...argv.slice(1), script.text], { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d));
        child.stderr.on('data', (d: Buffer) => (stderr += d));
        child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
      }),
  };
}

const shells: [string, ModuleContext][] = [['sh', localModuleContext()]];
if (existsSync('/bin/busybox')) shells.push(['busybox sh', shellContext(['/bin/busybox', 'sh', '-c'])]);

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function listen(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as { port: number }).port };
}

/** A port nobody listens on: bind one, close it. */
async function freePort(): Promise<number> {
  const { server, port } = await listen();
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
  const t = Date.now();
  const r = await f();
  return [r, (Date.now() - t) / 1000];
};

describe.each(shells)('wait_for (%s)', (_name, ctx) => {
  it('sees a listening port at once', async () => {
    const { port } = await listen();
    const r = await waitFor.run({ port, timeout: 5 }, ctx);
    expect(r).toEqual({ changed: false, elapsed: 0, state: 'started', port, path: null, search_regex: null });
  });

  it('waits for a port that opens later, and for it to stop', async () => {
    const port = await freePort();
    const server = createServer();
    servers.push(server);
    setTimeout(() => server.listen(port, '127.0.0.1'), 1200);
    const [up, t1] = await timed(() => waitFor.run({ port, host: 'localhost', timeout: 10, sleep: 0.2 }, ctx));
    expect(up).toMatchObject({ changed: false, state: 'started' });
    expect(up.failed).toBeUndefined();
    expect(t1).toBeGreaterThanOrEqual(1);
    setTimeout(() => server.close(), 1000);
    const [down, t2] = await timed(() => waitFor.run({ port, state: 'stopped', timeout: 10, sleep: 0.2 }, ctx));
    expect(down).toMatchObject({ changed: false, state: 'stopped' });
    expect(down.failed).toBeUndefined();
    expect(t2).toBeGreaterThanOrEqual(0.8);
  });

  it('times out on a closed port within about the timeout', async () => {
    const port = await freePort();
    const [r, t] = await timed(() => waitFor.run({ port, timeout: 2 }, ctx));
    expect(r).toMatchObject({ changed: false, failed: true, msg: `Timeout when waiting for 127.0.0.1:${port}` });
    expect(r.elapsed).toBeGreaterThanOrEqual(2);
    expect(t).toBeGreaterThanOrEqual(1.9);
    expect(t).toBeLessThan(4);
    const { port: open } = await listen();
    expect(await waitFor.run({ port: open, state: 'stopped', timeout: 1, msg: 'still up' }, ctx)).toMatchObject({ failed: true, msg: 'still up' });
    expect(await waitFor.run({ port: open, state: 'absent', timeout: 1 }, ctx)).toMatchObject({ failed: true, msg: `Timeout when waiting for 127.0.0.1:${open} to stop.` });
  });

  it('waits for a path to appear, then to contain a pattern, then to go', async () => {
    const dir = tempDir();
    const f = join(dir, 'ready file');
    setTimeout(() => writeFileSync(f, 'starting\n'), 1000);
    const [r, t] = await timed(() => waitFor.run({ path: f, timeout: 10 }, ctx));
    expect(r).toMatchObject({ changed: false, state: 'started', path: f, port: null });
    expect(r.elapsed).toBeGreaterThanOrEqual(1);
    expect(t).toBeGreaterThanOrEqual(0.9);
    setTimeout(() => writeFileSync(f, 'starting\nlistening on port 8080\n'), 800);
    const m = await waitFor.run({ path: f, search_regex: 'port \\d+$', timeout: 10, sleep: 0.2 }, ctx);
    expect(m).toMatchObject({ changed: false, search_regex: 'port \\d+$' });
    expect(m.failed).toBeUndefined();
    setTimeout(() => unlinkSync(f), 800);
    const gone = await waitFor.run({ path: f, state: 'absent', timeout: 10, sleep: 0.2 }, ctx);
    expect(gone).toMatchObject({ changed: false, state: 'absent' });
  });
});

describe('wait_for details', () => {
  const ctx = localModuleContext();

  it('delays, and counts the delay inside the timeout (as Ansible)', async () => {
    const [r, t] = await timed(() => waitFor.run({ path: '/', delay: 1, timeout: 5 }, ctx));
    expect(r).toMatchObject({ changed: false, elapsed: 1 });
    expect(t).toBeGreaterThanOrEqual(1);
  });

  it('reports path timeouts like Ansible', async () => {
    const f = join(tempDir(), 'never');
    expect(await waitFor.run({ path: f, timeout: 1 }, ctx)).toMatchObject({ failed: true, msg: `Timeout when waiting for file ${f}` });
    expect(await waitFor.run({ path: '/', state: 'absent', timeout: 1 }, ctx)).toMatchObject({ failed: true, msg: 'Timeout when waiting for / to be absent.' });
    writeFileSync(f, 'nothing here\n');
    expect(await waitFor.run({ path: f, search_regex: 'ready', timeout: 1 }, ctx)).toMatchObject({ failed: true, msg: `Timeout when waiting for search string ready in ${f}` });
  });

  it('without port or path just sleeps for the timeout', async () => {
    const [r, t] = await timed(() => waitFor.run({ timeout: 1 }, ctx));
    expect(r).toMatchObject({ changed: false, elapsed: 1 });
    expect(t).toBeGreaterThanOrEqual(1);
  });

  it('rejects contradictory arguments', async () => {
    expect(await waitFor.run({ port: 1, path: '/' }, ctx)).toMatchObject({ failed: true, msg: 'port and path parameter can not both be passed to wait_for' });
    expect(await waitFor.run({ path: '/', state: 'stopped' }, ctx)).toMatchObject({ failed: true, msg: 'state=stopped should only be used for checking a port in the wait_for module' });
    expect(waitFor.supportsCheckMode!({})).toBe(true);
  });

  it('computes /proc/net/tcp address forms', () => {
    const p = portProbe('127.0.0.1');
    expect(p.kind).toBe('loop');
    expect(p.kind !== 'name' && p.addrs).toEqual(expect.arrayContaining(['00000000', '0100007F', '7F000001', '0000000000000000FFFF00000100007F']));
    const six = portProbe('::1');
    expect(six.kind !== 'name' && six.addrs).toEqual(expect.arrayContaining(['00000000000000000000000001000000', '00000000000000000000000000000001']));
    expect(portProbe('10.1.2.3')).toMatchObject({ kind: 'ip', family: 4, local: '10.1.2.3' });
    expect(portProbe('fe80::1')).toMatchObject({ kind: 'ip', family: 6, local: 'fe800000000000000000000000000001' });
    expect(portProbe('db.example.com')).toEqual({ kind: 'name' });
  });

  it('translates Python regex shorthands for grep -E', () => {
    expect(toEre('a\\d+\\s\\w[\\d]\\.')).toBe('a[0-9]+[[:space:]][[:alnum:]_][\\d]\\.');
  });

  it('does not take a listener on 127.0.0.1 for one on an own non-loopback address', async () => {
    const own = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!own || !existsSync('/proc/net/fib_trie')) return;
    const { port } = await listen();
    expect(await waitFor.run({ port, host: own.address, timeout: 1 }, ctx)).toMatchObject({ failed: true });
    expect(await waitFor.run({ port, host: own.address, state: 'stopped', timeout: 1 }, ctx)).toMatchObject({ changed: false });
  });

  const plan = (port: number): WaitPlan => ({
    what: 'port', up: true, host: '127.0.0.1', port, path: '', regex: '', timeoutMs: 3000, delay: 0, sleep: 0.2, connectTimeout: 2, probe: { kind: 'name' },
  });

  it('probes a host by connecting when it cannot read the answer from /proc', async () => {
    const hasBash = spawnSync('sh', ['-c', 'command -v bash']).status === 0;
    const hasNc = spawnSync('sh', ['-c', 'command -v nc']).status === 0;
    if (!hasBash && !hasNc) return;
    const { port } = await listen();
    const r = await ctx.exec(waitForScript(plan(port)));
    expect(r.stdout).toMatch(/^oasis-wait ok \d+\n$/);
    const closed = await freePort();
    expect((await ctx.exec(waitForScript({ ...plan(closed), timeoutMs: 1000 }))).stdout).toMatch(/^oasis-wait timeout \d+\n$/);
  });

  it('fails clearly when the target has no way to probe a remote host', async () => {
    // A PATH with only what the loop needs: no nc, no bash.
    const bin = join(tempDir(), 'bin');
    mkdirSync(bin);
    for (const tool of ['date', 'sleep']) {
      const at = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      symlinkSync(at, join(bin, tool));
    }
    const bare = shellContext(['/bin/sh', '-c'], { PATH: bin });
    const r = await waitFor.run({ port: 80, host: 'db.example.com', timeout: 5 }, bare);
    expect(r).toMatchObject({ changed: false, failed: true });
    expect(r.msg).toMatch(/cannot check db.example.com:80 from the target: .*neither nc .* nor bash/);
  });
});
