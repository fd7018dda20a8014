import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockinfile, type BlockinfileArgs } from '../../src/modules/blockinfile.js';
import { blockinfile as place, type BlockOptions } from '../../src/modules/lib/blockinfile-core.js';
import { compilePyRegex } from '../../src/modules/lib/pyregex.js';
import { BACKUP_SUFFIX_RE } from '../../src/modules/lib/write-file.js';
import { localModuleContext, tempDir } from '../helpers/module-context.js';

const B = '# BEGIN ANSIBLE MANAGED BLOCK\n';
const E = '# END ANSIBLE MANAGED BLOCK\n';

type Opts = Partial<Omit<BlockOptions, 'insertRe'>>;
function placeBlock(original: string | undefined, o: Opts) {
  const ins = o.insertafter ?? o.insertbefore;
  const keyword = (o.insertafter !== undefined && ins === 'EOF') || (o.insertbefore !== undefined && ins === 'BOF');
  return place(original, {
    block: '',
    marker: '# {mark} ANSIBLE MANAGED BLOCK',
    markerBegin: 'BEGIN',
    markerEnd: 'END',
    state: 'present',
    ...o,
    insertRe: ins === undefined || keyword ? undefined : compilePyRegex(ins),
  });
}

// Expected results follow ansible.builtin.blockinfile's main().
const cases: [string, string | undefined, Opts, string, string][] = [
  ['appends at EOF by default', 'a\nb\n', { block: 'x\ny' }, `a\nb\n${B}x\ny\n${E}`, 'Block inserted'],
  ['adds the missing final newline first', 'a', { block: 'x\n' }, `a\n${B}x\n${E}`, 'Block inserted'],
  ['replaces an existing block in place', `a\n${B}old\n${E}b\n`, { block: 'new' }, `a\n${B}new\n${E}b\n`, 'Block inserted'],
  ['removes with state=absent', `a\n${B}old\n${E}b\n`, { block: 'x', state: 'absent' }, 'a\nb\n', 'Block removed'],
  ['removes with an empty block', `a\n${B}old\n${E}b\n`, { block: '' }, 'a\nb\n', 'Block removed'],
  ['insertafter: after the last matching line', 'h\n<body>\nc\n<body>\nd\n', { block: 'x', insertafter: '<body>' }, `h\n<body>\nc\n<body>\n${B}x\n${E}d\n`, 'Block inserted'],
  ['insertafter without a match: EOF', 'a\n', { block: 'x', insertafter: '^zz' }, `a\n${B}x\n${E}`, 'Block inserted'],
  ['insertbefore BOF', 'a\n', { block: 'x', insertbefore: 'BOF' }, `${B}x\n${E}a\n`, 'Block inserted'],
  ['insertbefore a regexp', 'a\nb\nc\n', { block: 'x', insertbefore: '^b' }, `a\n${B}x\n${E}b\nc\n`, 'Block inserted'],
  ['insertafter is ignored once the block exists', `${B}old\n${E}a\n`, { block: 'new', insertafter: '^a' }, `${B}new\n${E}a\n`, 'Block inserted'],
  ['custom markers', 'a\n', { block: 'x', marker: '<!-- {mark} -->', markerBegin: 'start', markerEnd: 'stop' }, 'a\n<!-- start -->\nx\n<!-- stop -->\n', 'Block inserted'],
  ['prepend and append blank lines', 'a\nb\n', { block: 'x', insertafter: '^a', prependNewline: true, appendNewline: true }, `a\n\n${B}x\n${E}\nb\n`, 'Block inserted'],
  ['multiline insertafter', 'x\nSID_LIST_LISTENER_DG =\n  (SID_LIST =\n  y\n', { block: 'z', insertafter: '(?m)SID_LIST_LISTENER_DG =\\n.*\\(SID_LIST =' }, `x\nSID_LIST_LISTENER_DG =\n  (SID_LIST =\n${B}z\n${E}  y\n`, 'Block inserted'],
  ['creating a file', undefined, { block: 'x' }, `${B}x\n${E}`, 'File created'],
  ['markers in reverse order are replaced too', `a\n${E}old\n${B}b\n`, { block: 'new' }, `a\n${B}new\n${E}b\n`, 'Block inserted'],
];

describe('blockinfile placement', () => {
  it.each(cases)('%s', (_n, original, o, expected, msg) => {
    const r = placeBlock(original, o);
    expect(r.text).toBe(expected);
    expect(r.changed).toBe(true);
    expect(r.msg).toBe(msg);
    expect(placeBlock(r.text, o).changed).toBe(false);
  });
});

let dir: string;
let f: string;
beforeEach(() => {
  dir = tempDir();
  f = join(dir, 'hosts');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const run = (args: BlockinfileArgs, o: { check?: boolean; diff?: boolean } = {}) => blockinfile.run(args, localModuleContext(o));

describe('blockinfile on a real file', () => {
  it('inserts, is idempotent, and check mode writes nothing', async () => {
    writeFileSync(f, '127.0.0.1 localhost\n');
    const args = { path: f, block: '10.0.0.10 node1\n10.0.0.11 node2\n', marker: '# {mark} lab hosts' };
    const mtime = statSync(f).mtimeMs;
    expect(await run(args, { check: true })).toMatchObject({ changed: true, msg: 'Block inserted' });
    expect(statSync(f).mtimeMs).toBe(mtime);
    const r = await run(args, { diff: true });
    const after = '127.0.0.1 localhost\n# BEGIN lab hosts\n10.0.0.10 node1\n10.0.0.11 node2\n# END lab hosts\n';
    expect(r).toMatchObject({ changed: true, diff: { before: '127.0.0.1 localhost\n', after, path: f } });
    expect(readFileSync(f, 'utf8')).toBe(after);
    expect((await run(args)).changed).toBe(false);
    expect(await run({ ...args, state: 'absent' })).toMatchObject({ changed: true, msg: 'Block removed' });
    expect(readFileSync(f, 'utf8')).toBe('127.0.0.1 localhost\n');
  });

  it('missing file: fails without create (even for state=absent), creates with it', async () => {
    const p = join(dir, 'new');
    expect(await run({ path: p, block: 'x' })).toMatchObject({ failed: true, msg: `Path ${p} does not exist !` });
    expect(await run({ path: p, block: 'x', state: 'absent' })).toMatchObject({ failed: true });
    expect(await run({ path: p, block: 'x', state: 'absent', create: true })).toMatchObject({ changed: false });
    expect(readdirSync(dir)).toEqual([]);
    expect(await run({ path: p, block: 'x', create: true })).toMatchObject({ changed: true, msg: 'File created' });
    expect(readFileSync(p, 'utf8')).toBe(`${B}x\n${E}`);
  });

  it('path is a directory', async () => {
    mkdirSync(join(dir, 'd'));
    expect(await run({ path: join(dir, 'd'), block: 'x' })).toMatchObject({ failed: true, msg: `Path ${join(dir, 'd')} is a directory !` });
  });

  it('backup', async () => {
    writeFileSync(f, 'a\n');
    const r = await run({ path: f, block: 'x', backup: true });
    expect(r.backup_file).toMatch(BACKUP_SUFFIX_RE);
    expect(readFileSync(r.backup_file as string, 'utf8')).toBe('a\n');
  });
});
