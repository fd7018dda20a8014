import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { PlanConnections } from '../../src/plan/connections.js';
import { raw } from '../../src/shell/sh.js';

const fixture = (p: string) => fileURLToPath(new URL(`../fixtures/${p}`, import.meta.url));
const MOCK = fileURLToPath(new URL('../../inventory/mock.yml', import.meta.url));
const DEMO = fileURLToPath(new URL('../../playbooks/demo/site.yml', import.meta.url));

/** Hosts that cannot be reached: any connection attempt would make them unreachable (exit 4). */
function workdir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'oasis-plan-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text.replaceAll('$DIR', dir));
  return dir;
}
const UNREACHABLE = '[lab]\nnode1 ansible_host=127.0.0.1 ansible_port=1\nnode2 ansible_host=127.0.0.1 ansible_port=1\n';

describe('run --plan', () => {
  it('shows rendered arguments, templates and contents of every module, connecting to nothing', async () => {
    const dir = workdir({ 'hosts.ini': UNREACHABLE });
    const started = Date.now();
    const res = await runCli(['run', fixture('all-modules/site.yml'), '-i', join(dir, 'hosts.ini'), '--plan']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    const out = res.stdout;
    expect(out).toContain('PLAN: nothing was connected to');
    expect(out).toContain('  facts: assumed');
    expect(out).toContain('  TASK [app directory] file\n      path: /srv/app\n      state: directory\n      mode: "0755"\n');
    // copy content and template, as diffs against nothing.
    expect(out).toContain('      --- /dev/null\n      +++ /srv/app/app.conf\n      @@ -0,0 +1,2 @@\n      +name=oasis-demo\n      +host=node1\n');
    expect(out).toContain('      +++ /srv/app/index.html from index.html.hbs\n');
    expect(out).toContain('      +<h1>oasis-demo on node2</h1>\n');
    expect(out).toContain('      +WELCOME to {{ not a template in a static file }}\n');
    // Loops, free-form commands, local modules evaluated, handlers notified.
    expect(out).toContain('  TASK [one file per flavour] file (item=chocolate)\n      path: /srv/app/chocolate.flavour\n');
    expect(out).toContain('      cmd: touch /srv/app/initialised\n');
    expect(out).toContain('  TASK [show what was set] debug (evaluated)\n      msg: oasis-demo on node1:8080 (hello from include_vars)\n');
    expect(out).toContain('  HANDLER [restart app] shell\n');
    // assert's conditions on a registered remote result are assumed, not judged.
    expect(out).toContain('      that: conf.stat.exists (assumed)\n      that: conf.stat.isreg (assumed)\n');
    expect(out).toMatch(/SUMMARY \*+\nnode1: 21 tasks, 1 template, 1 skipped, 1 assumed\nnode2: 21 tasks, 1 template, 1 skipped, 1 assumed\n$/);
    expect(out).not.toMatch(/unreachable|UNREACHABLE/);
  });

  it('roles against a YAML inventory with inline oasis_metadata: the load balancer lists its backends', async () => {
    const dir = workdir({
      'mock.yml': `all:
  vars: { ansible_port: 1 }
  children:
    web:
      hosts:
        node1: { ansible_host: 127.0.0.1, oasis_metadata: { schemaVersion: 1, arch: aarch64, cpu: { cores: 4 } } }
        node2: { ansible_host: 127.0.0.2 }
    lb:
      hosts:
        node3: { ansible_host: 127.0.0.3 }
`,
    });
    const res = await runCli(['run', fixture('lb/site.yml'), '-i', join(dir, 'mock.yml'), '--plan']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('      +    server 127.0.0.1:80; # node1\n      +    server 127.0.0.2:80; # node2\n');
    expect(res.stdout).toContain('  skip TASK [web root] (condition false)\n');
    expect(res.stdout).toContain('  HANDLER [reload] service\n      name: nginx\n      state: reloaded\n');
    expect(res.stdout).toMatch(/\nnode1: 7 tasks, 2 templates\nnode2: 7 tasks, 2 templates\nnode3: 5 tasks, 1 template, 3 skipped\n$/);
  });

  it('runs nothing anywhere (not even on a local host), hides no_log arguments, assumes conditions on remote results', async () => {
    const dir = workdir({
      'hosts.ini': 'here ansible_connection=local\n',
      'site.yml': `- hosts: all
  vars:
    secret: hunter2-secret
  tasks:
    - name: would leave a mark
      shell: touch $DIR/marker
    - name: would write a file
      copy: { content: "x\\n", dest: $DIR/written }
    - name: secret config
      copy: { content: "password={{ secret }}\\n", dest: /etc/app.conf }
      no_log: true
    - name: look
      stat: { path: /etc/app.conf }
      register: st
    - name: wait for it
      command: cat /etc/app.conf
      register: conf
      until: "'ready' in conf.stdout"
      retries: 5
      delay: 10
    - name: only if it exists
      debug: { msg: there }
      when: st.stat.exists
    - name: only if it does not
      debug: { msg: absent }
      when: not st.stat.exists
    - name: evaluated locally
      assert: { that: ["secret | length > 3"] }
`,
    });
    const started = Date.now();
    const res = await runCli(['run', 'site.yml', '-i', 'hosts.ini', '--plan'], { cwd: dir });
    expect(res.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000); // until/delay are not waited for
    expect(existsSync(join(dir, 'marker'))).toBe(false);
    expect(existsSync(join(dir, 'written'))).toBe(false);
    expect(res.stdout).not.toContain('hunter2-secret');
    expect(res.stdout).toContain('  TASK [secret config] copy\n      (arguments hidden: no_log)\n');
    expect(res.stdout).toContain('  TASK [only if it exists] debug (evaluated)\n      when: st.stat.exists (assumed)\n      msg: there\n');
    expect(res.stdout).toContain('  skip TASK [only if it does not] (condition false)\n      when: not st.stat.exists (assumed)\n');
    expect(res.stdout).toContain('  TASK [evaluated locally] assert (evaluated)\n      msg: All assertions passed\n');
    expect(res.stdout).toMatch(/\nhere: 7 tasks, 0 templates, 1 skipped, 2 assumed\n$/);
  });

  it.skipIf(!existsSync(MOCK))('works with the hosts of inventory/mock.yml (their facts from oasis_metadata)', async () => {
    const res = await runCli(['run', DEMO, '-i', MOCK, '--plan']);
    expect(res.code).toBe(0);
    const summary = res.stdout.split(/SUMMARY \*+\n/)[1]!.trim().split('\n');
    expect(summary.length).toBeGreaterThanOrEqual(3);
    for (const line of summary) expect(line).toMatch(/^\S+: 6 tasks, 2 templates$/);
  });
});

describe('the plan connection pool', () => {
  it('every catalog install plans cleanly: values read from remote results are marked, a role handler sees its role\'s defaults', async () => {
    for (const service of ['oasis_agent', 'nginx_webserver', 'load_balancer']) {
      const pb = fileURLToPath(new URL(`../../playbooks/${service}/install.yml`, import.meta.url));
      const res = await runCli(['run', pb, '-i', MOCK, '-l', 'pi1', '--plan']);
      expect(res.stderr, service).toBe('');
      expect(res.code, `${service}\n${res.stdout}`).toBe(0);
      expect(res.stdout).not.toContain('FAILED');
      if (service === 'oasis_agent') {
        expect(res.stdout).toContain('+User=<oasis_agent_who.stdout_lines[0] at run time>');
        expect(res.stdout).toContain('systemctl restart oasis-agent'); // the handler, with the role default oasis_agent_service
      }
    }
  });

  it('opens nothing: it answers the facts script from inventory metadata and refuses anything else', async () => {
    const pool = new PlanConnections();
    const conn = await pool.get({ name: 'node1', ansible_host: '127.0.0.1', oasis_metadata: { arch: 'armv7l', cpu: { cores: 4 } } } as never);
    const facts = await conn.exec(raw('echo "architecture=$(uname -m)"'));
    expect(facts.stdout).toContain('architecture=armv7l\n');
    expect(facts.stdout).toContain('nproc=4\n');
    await expect(conn.exec(raw('rm -rf /'))).rejects.toThrow(/plan mode: refusing to run a command on node1/);
    expect(pool.factsFor).toEqual(['node1']);
  });
});
