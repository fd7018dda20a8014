// `nodes --watch` on lab nodes (127.0.42.1-2), one of them frozen (its sshd SIGSTOPped: TCP
// connects, SSH never answers): Ctrl-C exits 0 at once, not after the node's timeout.
import { spawn } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { useLab } from '../helpers/lab.js';

const env = useLab(2, 42);
const TIMEOUT_S = 5;

/** Starts `nodes --watch`; resolves with the time of each output chunk as it comes. */
function watch() {
  const args = [CLI, 'nodes', '--watch', '--json', '-i', env.lab.inventoryFile, '--known-hosts', env.lab.knownHostsFile, '-T', String(TIMEOUT_S)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const outputs: number[] = [];
  let stderr = '';
  child.stdout.on('data', () => outputs.push(Date.now()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; at: number }>((r) => child.once('exit', (code) => r({ code, at: Date.now() })));
  return { child, outputs, exited, stderr: () => stderr };
}

/** Runs `f` with node2's sshd stopped, resuming it whatever happens. */
async function withNode2Frozen<T>(f: () => Promise<T>): Promise<T> {
  const pid = env.node('node2').pid;
  process.kill(pid, 'SIGSTOP');
  try {
    return await f();
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Ctrl-C: exit 0, well before a silent node's timeout would have ended the round. */
async function expectPromptExit(w: ReturnType<typeof watch>, when: string): Promise<void> {
  const sent = Date.now();
  w.child.kill('SIGINT');
  const { code, at } = await w.exited;
  console.log(`exit ${at - sent} ms after SIGINT (${when})`);
  expect(code).toBe(0);
  expect(at - sent).toBeLessThan(1500);
}

describe('nodes --watch: Ctrl-C with a node that does not answer', () => {
  test('during the first round (a handshake under way): exit 0 well under a second', async () => {
    await withNode2Frozen(async () => {
      const w = watch();
      await sleep(1000);
      expect(w.outputs).toEqual([]); // the round is still waiting for node2
      await expectPromptExit(w, 'handshake under way');
      expect(w.stderr()).toBe('');
    });
  });

  test('during a later round (a kept connection whose script hangs): exit 0 well under a second', async () => {
    const w = watch();
    while (w.outputs.length === 0) await sleep(50); // first round done: both connections kept
    await withNode2Frozen(async () => {
      await sleep(3000); // the second round starts 2 s after the first, and hangs on node2
      await expectPromptExit(w, 'script under way');
    });
  });
});
