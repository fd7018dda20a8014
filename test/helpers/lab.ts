// Helpers for test files that need real sshd nodes (see src/lab/lab.ts). Each useLab call gets its
// own dir under os.tmpdir(); give every test file its own subnet so labs never share addresses.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { labDown, labUp, type Lab, type LabNode } from '../../src/lab/lab.js';

/** Starts `count` nodes on 127.0.<subnet>.1.. before the file's tests, removes them after. */
export function useLab(count: number, subnet: number, port?: number): { readonly lab: Lab; node(name: string): LabNode } {
  let lab: Lab | undefined;
  const dir = mkdtempSync(join(tmpdir(), `oasis-lab-${subnet}-`));
  beforeAll(async () => {
    lab = await labUp(count, { dir, subnet, port });
  });
  afterAll(async () => {
    await labDown(dir);
  });
  const handle = {
    get lab(): Lab {
      if (!lab) throw new Error('the lab is not up yet (use it inside tests, not at collection time)');
      return lab;
    },
    node(name: string): LabNode {
      const n = handle.lab.nodes.find((x) => x.name === name);
      if (!n) throw new Error(`no lab node ${name}`);
      return n;
    },
  };
  return handle;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command on a node with the real OpenSSH client, strict host key checking against the lab's known_hosts. */
export function labSsh(lab: Lab, node: LabNode, command: string, opts: { user?: string; stdin?: string } = {}): Promise<RunResult> {
  return run('ssh', [...labSshOptions(lab), `${opts.user ?? 'root'}@${node.address}`, command], opts.stdin);
}

export function labSshOptions(lab: Lab): string[] {
  return [
    '-i', lab.clientKeyFile,
    '-o', `UserKnownHostsFile=${lab.knownHostsFile}`,
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes',
    '-o', 'ConnectTimeout=5',
    '-o', 'LogLevel=ERROR',
  ];
}

/** Runs a command inside a node's namespaces without SSH (nsenter into its sshd). */
export function inNode(node: LabNode, command: string): Promise<RunResult> {
  return run('nsenter', ['-t', String(node.pid), '-m', '-u', 'sh', '-c', command]);
}

function run(cmd: string, args: string[], stdin?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    if (stdin !== undefined) {
      // A command may exit without reading its stdin: the EPIPE that follows is no failure of
      // ours ('close' says how the command ended), and unhandled it failed the whole test run.
      p.stdin!.on('error', () => {});
      p.stdin!.end(stdin);
    }
  });
}
