import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { template } from '../../src/modules/template.js';
import { localModuleContext, tempDir } from '../helpers/module-context.js';

let dir: string;
let files: string;
beforeEach(() => {
  dir = tempDir();
  files = tempDir('oasis-tpl-');
  writeFileSync(join(files, 'app.conf.hbs'), 'port={{port}}\n');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(files, { recursive: true, force: true });
});

/** A stand-in renderer: {{port}} → the given port. */
const ctx = (port: number, o: { check?: boolean; diff?: boolean } = {}) =>
  localModuleContext({ ...o, filesDir: files, render: (p) => readFileSync(p, 'utf8').replace('{{port}}', String(port)) });

describe('template', () => {
  it('renders on the controller and deploys like copy, idempotently', async () => {
    const dest = join(dir, 'app.conf');
    const r = await template.run({ src: 'app.conf.hbs', dest, mode: '0600' }, ctx(80));
    expect(r).toMatchObject({ changed: true, dest, src: 'app.conf.hbs', mode: '0600', size: 8 });
    expect(readFileSync(dest, 'utf8')).toBe('port=80\n');
    expect((await template.run({ src: 'app.conf.hbs', dest, mode: '0600' }, ctx(80))).changed).toBe(false);
  });

  it('check mode and diff show the rendered change without writing it', async () => {
    const dest = join(dir, 'app.conf');
    writeFileSync(dest, 'port=80\n');
    const mtime = statSync(dest).mtimeMs;
    const r = await template.run({ src: 'app.conf.hbs', dest }, ctx(8080, { check: true, diff: true }));
    expect(r).toMatchObject({ changed: true, diff: { before: 'port=80\n', after: 'port=8080\n', path: dest } });
    expect(readFileSync(dest, 'utf8')).toBe('port=80\n');
    expect(statSync(dest).mtimeMs).toBe(mtime);
  });

  it('into a directory: dest/basename(src)', async () => {
    const r = await template.run({ src: 'app.conf.hbs', dest: dir }, ctx(1));
    expect(r).toMatchObject({ changed: true, dest: join(dir, 'app.conf.hbs') });
  });

  it('a template that fails to render is reported, nothing written', async () => {
    const r = await template.run({ src: 'missing.hbs', dest: join(dir, 'x') }, ctx(1));
    expect(r).toMatchObject({ failed: true, changed: false });
    expect(r.msg).toContain('missing.hbs');
  });

  it('backup and force work as in copy', async () => {
    const dest = join(dir, 'app.conf');
    writeFileSync(dest, 'port=1\n');
    expect(await template.run({ src: 'app.conf.hbs', dest, force: false }, ctx(2))).toMatchObject({ changed: false, msg: 'file already exists' });
    const r = await template.run({ src: 'app.conf.hbs', dest, backup: true }, ctx(2));
    expect(readFileSync(r.backup_file as string, 'utf8')).toBe('port=1\n');
  });
});
