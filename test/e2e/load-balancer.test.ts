import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useLab } from '../helpers/lab.js';
import { runCli } from '../helpers/cli.js';
import { settledAnswers } from '../helpers/http.js';

const SITE = new URL('../fixtures/lb/site.yml', import.meta.url).pathname;

/** path → sha256 of every regular file under dir (the node's private files, seen from outside). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && !p.includes('/var/log/')) out.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

describe('roles nginx and load_balancer on lab nodes: upstreams follow the inventory', () => {
  const env = useLab(4, 11);
  const dir = mkdtempSync(join(tmpdir(), 'oasis-lb-'));
  const inventory = (web: string[]) => {
    const file = join(dir, `hosts-${web.length}.ini`);
    const line = (n: string) => `${n} ansible_host=${env.node(n).address}`;
    writeFileSync(
      file,
      `[web]\n${web.map(line).join('\n')}\n[lb]\n${line('node3')}\n[all:vars]\nansible_user=root\nansible_ssh_private_key_file=${env.lab.clientKeyFile}\n`,
    );
    return file;
  };
  const run = (inv: string) => runCli(['run', SITE, '-i', inv, '--known-hosts', env.lab.knownHostsFile, '--json']);
  const lbConf = () => readFileSync(join(env.node('node3').root, 'etc/nginx/sites-enabled/oasis-lb.conf'), 'utf8');

  it('lists every web node, balances over them, and a second run changes nothing', async () => {
    const first = await run(inventory(['node1', 'node2']));
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const conf = lbConf();
    expect(conf).toContain(`server ${env.node('node1').address}:80; # node1`);
    expect(conf).toContain(`server ${env.node('node2').address}:80; # node2`);
    expect(conf).not.toContain('node4');
    expect(await settledAnswers(env.node('node3').address, ['node1', 'node2'])).toEqual(['node1', 'node2']);
    const second = await run(inventory(['node1', 'node2']));
    for (const n of ['node1', 'node2', 'node3']) expect(second.summary!.hosts[n]).toMatchObject({ changed: 0, failed: 0 });
  });

  it('adding a node to the group changes exactly the load balancer config, and reloads nginx', async () => {
    const before = snapshot(env.node('node3').root);
    const res = await run(inventory(['node1', 'node2', 'node4']));
    expect(res.code).toBe(0);
    // On the balancer: the template task and the reload handler, nothing else.
    expect(res.summary!.hosts['node3']).toMatchObject({ changed: 2, failed: 0 });
    const after = snapshot(env.node('node3').root);
    const changed = [...after.keys()].filter((k) => before.get(k) !== after.get(k));
    expect(changed.filter((k) => !k.startsWith('run/'))).toEqual(['etc/nginx/sites-enabled/oasis-lb.conf']);
    expect(lbConf()).toContain(`server ${env.node('node4').address}:80; # node4`);
    expect(await settledAnswers(env.node('node3').address, ['node1', 'node2', 'node4'])).toEqual(['node1', 'node2', 'node4']);
  });
});
