import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Shell } from '../shell/sh.js';
import { becomeArgv } from './become.js';
import { checkScriptSize } from './frame.js';
import { withToolOps } from './node-ops.js';
import type { Connection, ExecOptions, ExecResult } from './types.js';

/** Runs scripts with the controller's own `sh` (ansible_connection=local, delegate_to: localhost). */
export class LocalConnection implements Connection {
  /** Scripts still running: close() stops them (an interrupted run leaves nothing behind). */
  private readonly running = new Set<() => void>();
  /** Scripts started (for the Connection interface; see exec for why results carry no seq). */
  execCount = 0;

  constructor(readonly host = 'localhost') {}

  exec(script: Shell, options: ExecOptions = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const text = withToolOps(script.text);
      checkScriptSize(text);
      this.execCount++;
      // Under become, sudo resets the environment: env goes into the sudo'd wrapper instead.
      const b = options.become ? becomeArgv(script, options.become, options.env, options.stdin !== undefined) : undefined;
      const [cmd, ...args] = b ? b.argv : ['sh', '-c', text];
      const child = spawn(cmd!, args, {
        env: b ? process.env : { ...process.env, ...options.env },
        // Own process group, so a timeout can kill the whole tree, not just `sh`.
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let failed: Error | undefined;
      const fail = (e: Error) => {
        if (failed) return;
        failed = e;
        killGroup(child.pid, b !== undefined);
        reject(e);
      };
      const timer = options.timeoutMs
        ? setTimeout(() => fail(new Error(`${this.host}: script did not finish within ${options.timeoutMs} ms; it was killed`)), options.timeoutMs)
        : undefined;
      const onAbort = () => fail(new Error(`${this.host}: script aborted; it was killed`));
      const stop = () => fail(new Error(`${this.host}: connection closed; the script was killed`));
      this.running.add(stop);
      if (options.signal?.aborted) onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });

      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => {
        err.push(d);
        if (!b) return;
        // sudo -S reads the password from our pipe only after its own prompt; once the
        // wrapper says it runs, the rest of the pipe is the script's stdin.
        const seen = b.sudo.scan(d);
        if (seen.prompts > 0) {
          const answer = b.sudo.answer();
          if (answer === undefined) child.stdin.end(); // wrong or missing password: EOF, no hang
          else child.stdin.write(answer);
        }
        if (seen.ready) child.stdin.end(options.stdin ?? '');
      });
      child.on('error', fail);
      child.on('close', (code, signal) => {
        this.running.delete(stop);
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (failed) return;
        const r = {
          code: code ?? (signal ? 128 + (constants.signals[signal] ?? 15) : 1),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        };
        // No seq: local scripts may overlap, and every host on the local connection acts on this
        // one machine, so none can vouch that what it saw is still so (modules/lib/probe-memory.ts).
        resolve(b ? b.sudo.finish(r) : r);
      });
      child.stdin.on('error', () => {}); // the script may exit without reading its input
      if (!b) child.stdin.end(options.stdin ?? '');
    });
  }

  async close(): Promise<void> {
    for (const stop of [...this.running]) stop();
    this.running.clear();
  }
}

/**
 * TERM the script's process group, KILL what is left a second later. Under become the TERM
 * comes from a detached `kill`: sudo ignores signals from its parent's process group (it takes
 * them for terminal signals its command got too) but relays others to its root wrapper.
 */
function killGroup(pid: number | undefined, viaHelper: boolean): void {
  if (!pid) return;
  const kill = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch {
      /* already gone */
    }
  };
  if (viaHelper) spawn('kill', ['-TERM', '--', `-${pid}`], { detached: true, stdio: 'ignore' }).on('error', () => kill('SIGTERM')).unref();
  else kill('SIGTERM');
  setTimeout(() => kill('SIGKILL'), 1000).unref();
}
