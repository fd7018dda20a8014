// roles/oasis_agent's runner script (no systemd), rendered for a home and a command whose paths
// have spaces and quotes, then checked and run with the local sh: every value stays one word.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { TemplateEngine } from '../../src/template/engine.js';

const TEMPLATE = fileURLToPath(new URL('../../roles/oasis_agent/templates/oasis-agent.sh.hbs', import.meta.url));
const sh = (args: string[], env: Record<string, string> = {}) => spawnSync('sh', args, { encoding: 'utf8', env: { ...process.env, ...env } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("a home and a command with spaces and quotes: sh -n accepts the script, $dir is the home's .oasis, the agent gets its words", async () => {
  const base = mkdtempSync(join(tmpdir(), 'oasis-runner-'));
  const home = join(base, `o'brien's "home" dir`);
  const bin = join(base, 'my bin');
  mkdirSync(join(home, '.oasis'), { recursive: true });
  mkdirSync(bin);
  // Stands in for `node /opt/oasis play/main.js`: records its arguments, then waits to be stopped.
  const fakeAgent = join(bin, "fake agent's.sh");
  writeFileSync(fakeAgent, `printf '%s\\n' "$@" > "$ARGS_FILE"\nexec sleep 30\n`);
  const script = join(home, '.oasis', 'oasis-agent.sh');
  writeFileSync(script, new TemplateEngine().renderFile(TEMPLATE, { oasis_agent_home: home, oasis_agent_exec_words: ['/bin/sh', fakeAgent], oasis_agent_interval: 5 }));
  chmodSync(script, 0o755);

  expect(sh(['-n', script])).toMatchObject({ status: 0, stderr: '' });
  const dirLine = readFileSync(script, 'utf8').split('\n').find((l) => l.startsWith('dir='))!;
  expect(sh(['-c', `${dirLine}\nprintf %s "$dir"`]).stdout).toBe(join(home, '.oasis'));

  const argsFile = join(base, 'args');
  const env = { ARGS_FILE: argsFile };
  try {
    expect(sh([script, 'start'], env)).toMatchObject({ status: 0, stdout: 'started\n' });
    for (let i = 0; i < 50 && !existsSync(argsFile); i++) await sleep(100);
    expect(readFileSync(argsFile, 'utf8')).toBe('agent\n--interval\n5\n');
    expect(existsSync(join(home, '.oasis', 'agent.pid'))).toBe(true);
    expect(sh([script, 'status'], env)).toMatchObject({ status: 0, stdout: 'running\n' });
  } finally {
    expect(sh([script, 'stop'], env)).toMatchObject({ status: 0, stdout: 'stopped\n' });
  }
  expect(sh([script, 'status'], env)).toMatchObject({ status: 3, stdout: 'stopped\n' });
});
