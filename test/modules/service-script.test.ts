// The systemd branch of the service module. systemd is not running on this machine (nor in the
// lab), so it cannot be exercised for real: we check the script text, and run it against a fake
// `systemctl` inside a private mount namespace whose /run has a systemd/system dir (the canary
// the module looks for), so nothing outside this test sees that directory.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { service } from '../../src/modules/service.js';
import { serviceScript } from '../../src/modules/lib-pkg/service-script.js';
import type { ServiceArgs } from '../../src/modules/lib-pkg/service-run.js';
import type { ModuleContext } from '../../src/modules/types.js';

const dir = mkdtempSync(join(tmpdir(), 'oasis-systemd-'));
const bin = join(dir, 'bin');
const state = join(dir, 'state');
mkdirSync(bin);
mkdirSync(state);

// A systemctl that keeps one unit's state in files and logs every call.
writeFileSync(
  join(bin, 'systemctl'),
  `#!/bin/sh
S=${state}
echo "$*" >> $S/calls
eval unit=\\\${$#}
case $1 in
  show)
    if [ "$unit" = missing ]; then printf 'LoadState=not-found\\nActiveState=inactive\\nSubState=dead\\nUnitFileState=\\n'; exit 0; fi
    printf 'LoadState=loaded\\nActiveState=%s\\nSubState=x\\nUnitFileState=%s\\n' "$(cat $S/active)" "$(cat $S/enabled)";;
  is-enabled) cat $S/enabled; [ "$(cat $S/enabled)" = enabled ];;
  start|restart) if [ -e $S/broken ]; then echo "Job for $unit.service failed because the control process exited with error code." >&2; exit 1; fi; echo active > $S/active;;
  stop) echo inactive > $S/active;;
  reload) ;;
  enable) echo enabled > $S/enabled;;
  disable) echo disabled > $S/enabled;;
esac
`,
);
chmodSync(join(bin, 'systemctl'), 0o755);

function ctx(check = false): ModuleContext {
  return {
    check,
    diff: false,
    async exec(script) {
      writeFileSync(join(dir, 'script.sh'), script.text);
      const r = spawnSync('unshare', ['-m', 'sh', '-c', `mount -t tmpfs oasis-run /run && mkdir -p /run/systemd/system && PATH=${bin}:$PATH exec sh ${dir}/script.sh`], { encoding: 'utf8' });
      return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
    },
    readLocalFile: async () => Buffer.alloc(0),
    renderTemplate: async () => '',
  };
}
const run = (args: ServiceArgs, check = false) => service.run(args, ctx(check));
const calls = () => readFileSync(join(state, 'calls'), 'utf8').split('\n').filter((l) => l && !l.startsWith('show ') && !l.startsWith('is-enabled '));
const set = (active: string, enabled: string) => {
  writeFileSync(join(state, 'active'), `${active}\n`);
  writeFileSync(join(state, 'enabled'), `${enabled}\n`);
  writeFileSync(join(state, 'calls'), '');
  rmSync(join(state, 'broken'), { force: true });
};

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('service script text', () => {
  it('uses systemctl only when systemd booted the machine, and the init script otherwise', () => {
    const text = serviceScript({ name: 'web', state: 'started', enabled: true, check: false }, 'M').text;
    expect(text).toContain('if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then');
    expect(text).toContain('systemctl show -p LoadState -p ActiveState -p SubState -p UnitFileState -- "$__o_n"');
    expect(text).toContain('systemctl is-enabled -- "$__o_n"');
    expect(text).toContain('__o_cap act systemctl "$1" -- "$__o_n"');
    expect(text).toContain('__o_cap enable systemctl enable -- "$__o_n"');
    expect(text).toContain('"/etc/init.d/$__o_n"');
    expect(text).toContain('update-rc.d "$__o_n" defaults');
    expect(text).toContain("__o_n=web; __o_state=started; __o_enable=yes; __o_check=0");
  });

  it('quotes the service name', () => {
    expect(serviceScript({ name: "x'; rm -rf /", state: 'stopped', check: true }, 'M').text).toContain(`__o_n='x'\\''; rm -rf /'`);
  });
});

describe('service on systemd (fake systemctl in a private mount namespace)', () => {
  beforeEach(() => set('inactive', 'disabled'));

  it('started: starts an inactive unit, then changes nothing', async () => {
    const r = await run({ name: 'web', state: 'started' });
    expect(r).toMatchObject({ changed: true, name: 'web', state: 'started', status: { init: 'systemd', running: false, ActiveState: 'inactive', LoadState: 'loaded' } });
    expect(calls()).toEqual(['start -- web']);
    expect(await run({ name: 'web', state: 'started' })).toMatchObject({ changed: false, status: { ActiveState: 'active' } });
    expect(calls()).toEqual(['start -- web']);
  });

  it('restarted/reloaded act on a running unit and start a stopped one', async () => {
    expect((await run({ name: 'web', state: 'restarted' })).changed).toBe(true);
    expect((await run({ name: 'web', state: 'restarted' })).changed).toBe(true);
    expect((await run({ name: 'web', state: 'reloaded' })).changed).toBe(true);
    expect((await run({ name: 'web', state: 'stopped' })).changed).toBe(true);
    expect((await run({ name: 'web', state: 'stopped' })).changed).toBe(false);
    expect((await run({ name: 'web', state: 'reloaded' })).changed).toBe(true);
    expect(calls()).toEqual(['start -- web', 'restart -- web', 'reload -- web', 'stop -- web', 'start -- web']);
  });

  it('enabled uses is-enabled and enable/disable, before the state', async () => {
    expect(await run({ name: 'web', enabled: true, state: 'started' })).toMatchObject({ changed: true, enabled: true, status: { enabled: false } });
    expect(calls()).toEqual(['enable -- web', 'start -- web']);
    expect(await run({ name: 'web', enabled: true })).toMatchObject({ changed: false, status: { enabled: true } });
    expect((await run({ name: 'web', enabled: false })).changed).toBe(true);
    expect(calls()).toEqual(['enable -- web', 'start -- web', 'disable -- web']);
  });

  it('check mode reports and runs nothing', async () => {
    expect(await run({ name: 'web', enabled: true, state: 'started' }, true)).toMatchObject({ changed: true, msg: 'would enable and start web' });
    expect(calls()).toEqual([]);
  });

  it('a unit systemd does not know fails; a failing start carries systemctl\'s message', async () => {
    expect(await run({ name: 'missing', state: 'started' })).toMatchObject({ failed: true, msg: 'Could not find the requested service missing: host' });
    writeFileSync(join(state, 'broken'), '');
    expect(await run({ name: 'web', state: 'started' })).toMatchObject({
      failed: true,
      rc: 1,
      msg: 'Job for web.service failed because the control process exited with error code.',
    });
  });
});
