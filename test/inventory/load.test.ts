import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventories } from '../../src/inventory/load.js';
import { resolveHostVars } from '../../src/inventory/precedence.js';
import { groupHosts } from '../../src/inventory/groups.js';
import { ansibleInventory, hasAnsible, LAYERS, ours, precedenceTree, tree } from './helpers.js';

describe('variable precedence across inventory files, group_vars and host_vars', () => {
  const dir = precedenceTree();

  it('applies the layers in Ansible order', async () => {
    const { inventory } = await loadInventories([join(dir, 'inv/hosts.ini')], { playbookDirs: [join(dir, 'pb')] });
    const vars = resolveHostVars(inventory, 'w1');
    expect(vars).toEqual(Object.fromEntries(LAYERS.map((name, j) => [`v${j + 1}`, name])));
    // w2 has no host variables: its highest layer is the playbook's group_vars/web.json.
    expect(resolveHostVars(inventory, 'w2').v12).toBe('pb_gv_child');
  });

  it('documented corner cases, one at a time', async () => {
    const d = tree({
      'inv/hosts.ini': '[lan:children]\nweb\n[lan:vars]\nwho=parent\nfrom_file=lan\n[web]\nw1 host_says=host\n[web:vars]\nwho=child\nhost_says=group\n',
      'inv/group_vars/web.yml': 'from_file: group_vars_dir\nfrom_dirs: inventory\n',
      'pb/group_vars/web.yml': 'from_dirs: playbook\n',
    });
    const { inventory } = await loadInventories([join(d, 'inv/hosts.ini')], { playbookDirs: [join(d, 'pb')] });
    const v = resolveHostVars(inventory, 'w1');
    expect(v.who).toBe('child'); // a child group's vars beat its parent's
    expect(v.host_says).toBe('host'); // host vars beat group vars
    expect(v.from_file).toBe('group_vars_dir'); // group_vars/ beats the inventory file's group vars
    expect(v.from_dirs).toBe('playbook'); // the playbook's group_vars/ beats the inventory's
  });

  it('uses only the running playbook directory when given, none when another', async () => {
    const { inventory } = await loadInventories([join(dir, 'inv/hosts.ini')], { playbookDirs: [join(dir, 'pb')] });
    expect(resolveHostVars(inventory, 'w1', { playbookDir: join(dir, 'pb') }).v12).toBe('pb_hv');
    expect(resolveHostVars(inventory, 'w1', { playbookDir: join(dir, 'elsewhere') }).v12).toBe('inv_hv');
  });

  it.runIf(hasAnsible())('matches ansible-inventory --host, with and without --playbook-dir', async () => {
    for (const args of [
      ['-i', join(dir, 'inv/hosts.ini'), '--host', 'w1', '--playbook-dir', join(dir, 'pb')],
      ['-i', join(dir, 'inv/hosts.ini'), '--host', 'w2', '--playbook-dir', join(dir, 'pb')],
      ['-i', join(dir, 'inv/hosts.ini'), '--host', 'w1'],
      ['-i', join(dir, 'inv/hosts.ini'), '--list', '--export', '--playbook-dir', join(dir, 'pb')],
    ]) {
      expect(await ours(args), args.join(' ')).toBe(ansibleInventory(args));
    }
  });

  it('reads each source directory in source order: a later source beats a deeper group', async () => {
    const d = tree({
      'one/hosts.ini': '[web]\nw1\n[web:children]\nchild\n[child]\nw1\n[zz]\nw1\n',
      'one/group_vars/child.yml': 'x: one_child\ny: one_child\n',
      'one/group_vars/zz.yml': 'x: one_zz\n',
      'two/hosts.ini': '[web]\nw1\n',
      'two/group_vars/web.yml': 'x: two_web\n',
      'two/group_vars/all': 'y: two_all\n',
    });
    const { inventory } = await loadInventories([join(d, 'one/hosts.ini'), join(d, 'two/hosts.ini')]);
    // Recorded from ansible-inventory --host w1: x is two's web (depth 1) over one's child (depth 2).
    expect(resolveHostVars(inventory, 'w1')).toEqual({ x: 'two_web', y: 'one_child' });
  });

  it('refuses a variables file that is not a mapping, with its name; skips empty ones', async () => {
    const d = tree({ 'hosts.ini': '[web]\nw1\n', 'group_vars/web.yml': '- a\n- b\n', 'group_vars/all.yml': '# nothing yet\n' });
    await expect(loadInventories([join(d, 'hosts.ini')])).rejects.toThrow(`${join(d, 'group_vars/web.yml')}:1:1: a variables file must be a mapping of names to values, got a list`);
    const bad = tree({ 'hosts.ini': '[web]\nw1\n', 'host_vars/w1.yml': 'a: [1\n' });
    await expect(loadInventories([join(bad, 'hosts.ini')])).rejects.toThrow(/host_vars\/w1.yml:\d+:\d+: YAML syntax error/);
    const vault = tree({ 'hosts.ini': '[web]\nw1\n', 'group_vars/web': '$ANSIBLE_VAULT;1.1;AES256\n3133\n' });
    await expect(loadInventories([join(vault, 'hosts.ini')])).rejects.toThrow(/vault-encrypted files are not supported/);
  });

  it('never looks outside group_vars/host_vars for odd host names', async () => {
    const d = tree({ 'inv/hosts.ini': '[g]\n..\n', 'secret/x.yml': 'leak: 1\n', 'inv/host_vars/.yml': 'leak: 2\n' });
    const { inventory } = await loadInventories([join(d, 'inv/hosts.ini')]);
    expect(resolveHostVars(inventory, '..')).toEqual({});
  });

  it('keeps __proto__ in variables files an ordinary variable', async () => {
    const d = tree({ 'hosts.ini': '[web]\nw1\n', 'group_vars/web.yml': '__proto__: {polluted: 1}\nconstructor: 1\n' });
    const { inventory } = await loadInventories([join(d, 'hosts.ini')]);
    const vars = resolveHostVars(inventory, 'w1');
    expect(Object.getOwnPropertyDescriptor(vars, '__proto__')!.value).toEqual({ polluted: 1 });
    expect(vars.constructor).toBe(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('several sources, directories and host lists', () => {
  const d = tree({
    'src1.ini': 'h1\nh2\n[g1]\nh3\n',
    'src2.yml': 'g2:\n  hosts:\n    h1:\n  vars: {x: 2}\nall:\n  hosts:\n    h4:\n',
    'dir/01-base.yml': 'web:\n  hosts:\n    w1:\n',
    'dir/02-more': '[db]\nd1\n[web]\nw2\n',
    'dir/hosts.ini': '[x]\nx1\n',
    'dir/extra.cfg': '[y]\ny1\n',
    'dir/old.retry': 'junk',
    'dir/notes.txt': 'junk junk',
    'dir/backup~': '[z]\nz1\n',
    'dir/.hidden': '[h]\nh1\n',
    'dir/sub/03-nested.yaml': 'nested:\n  hosts:\n    n1:\n',
    'dir/04.json': '{"j": {"hosts": {"j1": {"a": 1}}}}',
    'dir/group_vars/all.yml': 'from_dir: 1\n',
    'dir/host_vars/w1.yml': 'hv: 1\n',
  });

  it('merges sources in order and decides ungrouped after the merge', async () => {
    const { inventory } = await loadInventories([join(d, 'src1.ini'), join(d, 'src2.yml')]);
    // h1 was ungrouped in src1 and joins g2 in src2; h4 is only under all.
    expect(inventory.groups.get('ungrouped')!.hosts).toEqual(['h2', 'h4']);
    expect(inventory.groups.get('all')!.children).toEqual(['ungrouped', 'g1', 'g2']);
    // As `ansible all --list-hosts` orders them: all's own hosts (h4, from all: hosts:) first.
    expect(groupHosts(inventory, 'all')).toEqual(['h4', 'h2', 'h3', 'h1']);
  });

  it('reads every file of a directory in name order, recursively, skipping what Ansible skips', async () => {
    const { inventory, warnings } = await loadInventories([join(d, 'dir')]);
    expect([...inventory.hosts.keys()]).toEqual(['w1', 'd1', 'w2', 'j1', 'n1']); // 04.json sorts before sub/
    expect(inventory.groups.get('all')!.children).toEqual(['ungrouped', 'web', 'db', 'j', 'nested']);
    expect(resolveHostVars(inventory, 'w1')).toEqual({ from_dir: 1, hv: 1 });
    expect(warnings).toEqual([
      `skipping ${join(d, 'dir/extra.cfg')}: Ansible ignores .ini and .cfg files inside an inventory directory; pass it with its own -i`,
      `skipping ${join(d, 'dir/hosts.ini')}: Ansible ignores .ini and .cfg files inside an inventory directory; pass it with its own -i`,
    ]);
  });

  it('skips a symbolic link loop and a dangling link with a warning, and reads the rest', async () => {
    const loop = tree({ 'loopdir/inv': '[web]\nh1\n' });
    symlinkSync('../loopdir', join(loop, 'loopdir/self'));
    symlinkSync('nowhere', join(loop, 'loopdir/dangling'));
    const { inventory, warnings } = await loadInventories([join(loop, 'loopdir')]);
    expect([...inventory.hosts.keys()]).toEqual(['h1']);
    expect(warnings).toEqual([
      `skipping ${join(loop, 'loopdir/dangling')}: cannot read it (ENOENT)`,
      `skipping ${join(loop, 'loopdir/self')}: a symbolic link loop (it leads back to ${realpathSync(join(loop, 'loopdir'))})`,
    ]);
  });

  it('reads a comma-separated host list when no such file exists', async () => {
    const { inventory } = await loadInventories(['a,b:2222,[::1]:22,']);
    expect(inventory.groups.get('ungrouped')!.hosts).toEqual(['a', 'b', '::1']);
    expect(inventory.hosts.get('b')!.vars).toEqual({ ansible_port: 2222 });
    expect((await loadInventories(['solo,'])).inventory.hosts.has('solo')).toBe(true);
    const file = join(d, 'odd,name');
    writeFileSync(file, '[f]\nfromfile\n');
    expect([...(await loadInventories([file])).inventory.hosts.keys()]).toEqual(['fromfile']);
  });

  it.runIf(hasAnsible())('matches ansible-inventory', async () => {
    for (const args of [
      ['-i', join(d, 'src1.ini'), '-i', join(d, 'src2.yml'), '--list'],
      ['-i', join(d, 'src2.yml'), '-i', join(d, 'src1.ini'), '--graph'],
      ['-i', join(d, 'dir'), '--list'],
      ['-i', join(d, 'dir'), '--graph'],
      ['-i', join(d, 'dir'), '-i', join(d, 'src1.ini'), '--list', '--export'],
      ['-i', 'a,b:2222,[::1]:22,', '--list'],
    ]) {
      expect(await ours(args), args.join(' ')).toBe(ansibleInventory(args));
    }
  });

  it('detects the format: YAML by extension or content, INI otherwise', async () => {
    const f = tree({
      'yaml-noext': '# YAML without extension\nweb:\n  hosts:\n    w1:\n',
      'ini-noext': 'h1\nh2 a=1\n[g]\nh3\n',
      'inv.hosts': '[g]\nh1\n',
      'ini-in.yml': '[g]\nh1 x=1\n', // not YAML: read as INI, as Ansible's ini plugin would
      'inline.json': '{"g": {"hosts": {"h1": null}}}',
      'broken-noext': 'web:\n  hosts:\n\tw1:\n',
    });
    const groupsOf = async (name: string) => [...(await loadInventories([join(f, name)])).inventory.groups.keys()];
    expect(await groupsOf('yaml-noext')).toEqual(['all', 'ungrouped', 'web']);
    expect(await groupsOf('ini-noext')).toEqual(['all', 'ungrouped', 'g']);
    expect(await groupsOf('inv.hosts')).toEqual(['all', 'ungrouped', 'g']);
    expect(await groupsOf('ini-in.yml')).toEqual(['all', 'ungrouped', 'g']);
    expect(await groupsOf('inline.json')).toEqual(['all', 'ungrouped', 'g']);
    await expect(loadInventories([join(f, 'broken-noext')])).rejects.toThrow(/broken-noext:3:\d+: YAML syntax error/);
  });
});

describe('bad inventory files', () => {
  it('reports a missing source with exit code 5', async () => {
    await expect(loadInventories(['/nonexistent/hosts.ini'])).rejects.toMatchObject({ exitCode: 5, message: expect.stringMatching(/inventory '\/nonexistent\/hosts.ini' not found/) });
  });

  it('reads an empty file as an empty inventory', async () => {
    const d = tree({ 'empty.ini': '', 'empty.yml': '' });
    for (const f of ['empty.ini', 'empty.yml']) {
      const { inventory } = await loadInventories([join(d, f)]);
      expect(inventory.hosts.size).toBe(0);
      expect([...inventory.groups.keys()]).toEqual(['all', 'ungrouped']);
    }
    expect((await loadInventories([join(d, 'empty.yml')])).warnings).toEqual([`${join(d, 'empty.yml')}: empty inventory`]);
  });

  it('refuses a binary file with its position', async () => {
    const d = tree({});
    writeFileSync(join(d, 'bin.ini'), Buffer.concat([Buffer.from('[web]\nh1\n'), Buffer.from([0, 1, 2, 0xff])]));
    writeFileSync(join(d, 'bin'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0]));
    await expect(loadInventories([join(d, 'bin.ini')])).rejects.toThrow(`${join(d, 'bin.ini')}:3:1: binary file (contains NUL bytes), expected an INI or YAML inventory`);
    await expect(loadInventories([join(d, 'bin')])).rejects.toThrow(/bin:1:1: binary file/);
  });

  it('refuses a 50 MB file quickly, without reading it', async () => {
    const d = tree({});
    mkdirSync(join(d, 'big'));
    const line = 'node1 ansible_host=10.0.0.1 some_var=value\n';
    const chunk = Buffer.from(line.repeat(Math.ceil(2 ** 20 / line.length))).subarray(0, 2 ** 20); // 1 MB
    const files = ['big.ini', 'big.yml', 'big/hosts'];
    for (const f of files) {
      const parts = Array.from({ length: 50 }, () => chunk);
      writeFileSync(join(d, f), Buffer.concat(parts));
    }
    for (const src of [join(d, 'big.ini'), join(d, 'big.yml'), join(d, 'big')]) {
      const heap = process.memoryUsage().heapUsed;
      const started = performance.now();
      await expect(loadInventories([src])).rejects.toThrow(/:1:1: inventory is 50\.0 MB; inventories over 10 MB are refused$/);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(process.memoryUsage().heapUsed - heap).toBeLessThan(20 * 1024 * 1024);
    }
  });

  it('refuses oversized text given to the parsers directly', async () => {
    const { parseIniInventory } = await import('../../src/inventory/ini.js');
    const started = performance.now();
    expect(() => parseIniInventory('h\n'.repeat(6 * 1024 * 1024), 'huge.ini')).toThrow(/^huge.ini:1:1: inventory is 12\.0 MB; inventories over 10 MB are refused$/);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
