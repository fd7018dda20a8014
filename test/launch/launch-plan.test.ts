import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// launch --plan on an inventory with inline metadata: placement and the dependents' refresh
// are planned without any connection, and the exit code says whether the plan holds.
function catalogWithFailingRefresh(): { dir: string; inventory: string } {
  const dir = mkdtempSync(join(tmpdir(), 'oasis-launch-plan-'));
  const service = (name: string, refresh: string[], tasks: string) => {
    mkdirSync(join(dir, 'catalog', name), { recursive: true });
    writeFileSync(join(dir, 'catalog', name, 'service.yml'), `name: ${name}\nrefresh: [${refresh.join(', ')}]\n`);
    writeFileSync(join(dir, 'catalog', name, 'install.yml'), `- hosts: all\n  tasks:\n${tasks}`);
  };
  service('web', ['lb'], '    - copy: { content: "hello from {{ inventory_hostname }}\\n", dest: /srv/web/index.html }\n');
  service('lb', [], `    - fail: { msg: 'no backend answers on {{join groups.service_web ","}}' }\n`);
  const meta = (services: string[]) => `{ hostname: x, cpu: { cores: 2 }, load: { load1: 0.1, load5: 0.1, load15: 0.1 }, memory: { totalBytes: 1000000000, availableBytes: 800000000 }, services: { ${services.map((s) => `${s}: { installedAt: "2024-05-01T10:00:00Z" }`).join(', ')} } }`;
  const inventory = join(dir, 'mock.yml');
  writeFileSync(
    inventory,
    `all:\n  hosts:\n    n1:\n      ansible_host: 198.51.100.1\n      oasis_metadata: ${meta([])}\n    n2:\n      ansible_host: 198.51.100.2\n      oasis_metadata: ${meta(['lb'])}\n`,
  );
  return { dir, inventory };
}

describe('launch --plan (built CLI)', () => {
  it('a dependent whose refresh fails makes the launch fail (exit 2), and says where', async () => {
    const { dir, inventory } = catalogWithFailingRefresh();
    const res = await runCli(['launch', '1', 'web', '-i', inventory, '--catalog', join(dir, 'catalog'), '--plan']);
    expect(res.stdout + res.stderr).toContain('web: installing on n1');
    expect(res.stdout + res.stderr).toMatch(/lb: refresh FAILED on n2/);
    expect(res.stdout).toContain('no backend answers on n1');
    expect(res.code).toBe(2);
  });

  it('without --plan, a --known-hosts that is a directory is refused (exit 5) before any discovery or change', async () => {
    const { dir } = catalogWithFailingRefresh();
    // Loopback only, and nothing listens there: were the check missing, nothing could be reached anyway.
    writeFileSync(join(dir, 'hosts.ini'), 'n1 ansible_host=127.0.99.1\n');
    const res = await runCli(['launch', '1', 'web', '-i', join(dir, 'hosts.ini'), '--catalog', join(dir, 'catalog'), '--known-hosts', dir, '-T', '1']);
    expect(res.code).toBe(5);
    expect(res.stderr).toContain(`--known-hosts ${dir}: is a directory`);
    expect(res.stdout).not.toContain('installing on');
  });

  it('the built-in catalog on the mock inventory plans cleanly (exit 0) with the rendered balancer config', async () => {
    const res = await runCli(['launch', '2', 'nginx_webserver', '-i', 'inventory/mock.yml', '--plan']);
    expect(res.stderr).not.toMatch(/FAILED|ERROR/);
    expect(res.stdout + res.stderr).toMatch(/nginx_webserver: installing on \S+ \(load [\d.]+\), \S+ \(load [\d.]+\)/);
    expect(res.stdout + res.stderr).toContain('load_balancer: refreshing on');
    expect(res.code).toBe(0);
  });
});
