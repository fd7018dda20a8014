import { spawn } from 'node:child_process';
import type { Shell } from '../shell/sh.js';
import type { Connection, ExecOptions, ExecResult } from './types.js';

/** Runs scripts with the controller's own `sh` (ansible_connection=local, delegate_to: localhost). */
export class LocalConnection implements Connection {
  constructor(readonly host = 'localhost') {}

  exec(script: Shell, options: ExecOptions = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const child = spawn('sh', ['-c', script.text], {
        env: { ...process.env, ...options.env },
        signal: options.signal,
        timeout: options.timeoutMs,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.on('error', reject);
      child.on('close', (code, signal) =>
        resolve({
          code: code ?? (signal ? 143 : 1),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        }),
      );
      child.stdin.on('error', () => {}); // the script may exit without reading its input
      child.stdin.end(options.stdin ?? '');
    });
  }

  async close(): Promise<void> {}
}
