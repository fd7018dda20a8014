import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from './cli.js';

/** What one tool printed and left behind for the same playbook. */
export interface Side {
  code: number;
  stdout: string;
  stderr: string;
  /** `PLAY [..]`, `TASK [..]` and `RUNNING HANDLER [..]` banners, in order, without the stars. */
  banners: string[];
  /** `included: …` lines with the run's directory replaced by `$DIR` and their hosts sorted. */
  included: string[];
  /** PLAY RECAP lines, spaces collapsed. */
  recap: string[];
  dir: string;
}

export const LOCAL_HOSTS = '[g]\nh1\nh2\nh3\n[g:vars]\nansible_connection=local\nansible_python_interpreter=/usr/bin/python3\n';

function stage(name: string, yaml: string, files: Record<string, string>, inventory: string): string {
  const dir = mkdtempSync(join(tmpdir(), `oasis-parity-${name}-`));
  for (const [path, text] of Object.entries({ ...files, 'play.yml': yaml, 'hosts.ini': inventory })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text.replaceAll('$DIR', dir));
  }
  return dir;
}

function parse(code: number, stdout: string, stderr: string, dir: string): Side {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith('PLAY RECAP'));
  return {
    code,
    stdout,
    stderr,
    dir,
    banners: lines.filter((l) => /^(PLAY|TASK|RUNNING HANDLER) \[/.test(l)).map((l) => l.replace(/ \*+$/, '')),
    // Hosts in the order they finished, which differs run to run: sorted.
    included: lines
      .filter((l) => l.startsWith('included: '))
      .map((l) => l.replaceAll(dir, '$DIR').replace(/ for ([^=]+?)( =>|$)/, (_, hosts: string, rest: string) => ` for ${hosts.split(', ').sort().join(', ')}${rest}`)),
    recap: start < 0 ? [] : lines.slice(start + 1).filter((l) => l.trim()).map((l) => l.trim().replace(/\s+/g, ' ')),
  };
}

/** ansible-playbook (Debian's ansible-core; .ci installs it) with its default output. */
function runAnsible(dir: string, extra: string[], env: Record<string, string>): Side {
  const r = spawnSync('ansible-playbook', ['-i', 'hosts.ini', 'play.yml', ...extra], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env, ANSIBLE_STDOUT_CALLBACK: 'default', ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: '0', ANSIBLE_LOCAL_TEMP: join(dir, '.ansible-tmp'), ANSIBLE_HOME: join(dir, '.ansible') },
  });
  if (r.error) throw new Error(`ansible-playbook could not run (${r.error.message}); .ci/install-system-deps.sh installs ansible-core`);
  return parse(r.status ?? -1, r.stdout, r.stderr, dir);
}

/** The same playbook, files and inventory, each in its own directory, through oasis-play and ansible-playbook. */
export async function runBoth(
  yaml: string,
  /** env: each tool's environment, given the directory it runs in. */
  opts: { files?: Record<string, string>; inventory?: string; args?: string[]; env?: (dir: string) => { ours: Record<string, string>; theirs: Record<string, string> } } = {},
): Promise<{ ours: Side; theirs: Side }> {
  const files = opts.files ?? {};
  const inventory = opts.inventory ?? LOCAL_HOSTS;
  const args = opts.args ?? [];
  const oursDir = stage('ours', yaml, files, inventory);
  const theirsDir = stage('theirs', yaml, files, inventory);
  const r = await runCli(['run', 'play.yml', '-i', 'hosts.ini', '--output', 'plain', ...args], { cwd: oursDir, env: opts.env?.(oursDir).ours });
  return { ours: parse(r.code, r.stdout, r.stderr, oursDir), theirs: runAnsible(theirsDir, args, opts.env?.(theirsDir).theirs ?? {}) };
}
