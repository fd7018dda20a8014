// The apt module's pure parts: names, versions, apt's output, planning and the command line.
import { describe, expect, it } from 'vitest';
import { compareDebVersions } from '../../src/modules/lib-pkg/debversion.js';
import { parsePkgSpecs } from '../../src/modules/lib-pkg/apt-names.js';
import { parseDpkg, parsePolicy, probeScript } from '../../src/modules/lib-pkg/apt-probe.js';
import { planApt, statusOf } from '../../src/modules/lib-pkg/apt-plan.js';
import { aptChanged, aptGetArgv } from '../../src/modules/lib-pkg/apt-action.js';

describe('compareDebVersions (dpkg --compare-versions)', () => {
  it.each([
    ['1.0', '1.1', -1],
    ['1.1', '1.0', 1],
    ['1.0', '1.0', 0],
    ['1.0~rc1', '1.0', -1],
    ['1.0', '1.0+deb12u1', -1],
    ['1:0.9', '2.0', 1],
    ['1.22.1-9', '1.22.1-10', -1],
    ['1.2a', '1.2', 1],
    ['1.02', '1.2', 0],
    ['5.2.15-2+b8', '5.2.15-2', 1],
    ['2.0-1~bpo12+1', '2.0-1', -1],
  ])('%s vs %s → %i', (a, b, want) => {
    expect(Math.sign(compareDebVersions(a, b))).toBe(want);
  });
});

describe('parsePkgSpecs', () => {
  it('takes lists and comma-separated strings, with name=version', () => {
    expect(parsePkgSpecs('nginx, curl')).toEqual([{ spec: 'nginx', name: 'nginx' }, { spec: 'curl', name: 'curl' }]);
    expect(parsePkgSpecs(['nginx=1.22.1-9', 'libc6:amd64'])).toEqual([
      { spec: 'nginx=1.22.1-9', name: 'nginx', version: '1.22.1-9' },
      { spec: 'libc6:amd64', name: 'libc6:amd64' },
    ]);
  });
  it('refuses what it cannot do, with the reason', () => {
    expect(parsePkgSpecs('ngin*')).toBe("package name patterns are not supported: 'ngin*'");
    expect(parsePkgSpecs('nginx>=1.0')).toMatch(/^invalid package spec/);
    expect(parsePkgSpecs('--force-yes')).toBe("invalid package name: '--force-yes'");
  });
});

const POLICY = `nginx:
  Installed: 1.22.1-9
  Candidate: 1.22.1-9+deb12u1
  Version table:
     1.22.1-9+deb12u1 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
 *** 1.22.1-9 100
        100 /var/lib/dpkg/status
mail-transport-agent:
  Installed: (none)
  Candidate: (none)
  Version table:
curl:
  Installed: (none)
  Candidate: 7.88.1-10
  Version table:
`;
const DPKG = 'nginx\tii \t1.22.1-9\nold-thing\trc \t2.0\n';

describe('apt output parsing and planning', () => {
  const cands = parsePolicy(POLICY);
  const rows = parseDpkg(DPKG);
  const plan = (names: string, state: 'present' | 'absent' | 'latest', opts = {}) => planApt(statusOf(parsePkgSpecs(names) as never, rows, cands), state, opts);

  it('reads candidates and dpkg states', () => {
    expect(cands).toEqual(new Map([['nginx', '1.22.1-9+deb12u1'], ['mail-transport-agent', null], ['curl', '7.88.1-10']]));
    expect(rows).toEqual([{ pkg: 'nginx', status: 'ii ', version: '1.22.1-9' }, { pkg: 'old-thing', status: 'rc ', version: '2.0' }]);
  });

  it('present installs only what is missing; latest also upgrades', () => {
    expect(plan('nginx', 'present')).toEqual({ targets: [], before: [], after: [] });
    expect(plan('nginx,curl', 'present')).toMatchObject({ op: 'install', targets: ['curl'], before: ['curl (absent)'], after: ['curl 7.88.1-10'] });
    expect(plan('nginx', 'latest')).toMatchObject({ op: 'install', targets: ['nginx'], after: ['nginx 1.22.1-9+deb12u1'] });
    expect(plan('nginx=1.22.1-9', 'present').op).toBeUndefined();
    expect(plan('nginx=1.22.1-9+deb12u1', 'present')).toMatchObject({ op: 'install', targets: ['nginx=1.22.1-9+deb12u1'] });
    // a virtual package: apt knows the name, apt-get picks the provider
    expect(plan('mail-transport-agent', 'present')).toMatchObject({ op: 'install', targets: ['mail-transport-agent'] });
  });

  it('an unknown name fails, unless check mode has an update pending', () => {
    expect(plan('nope', 'present')).toMatchObject({ error: "No package matching 'nope' is available" });
    expect(plan('nope', 'present', { cacheStale: true })).toMatchObject({ op: 'install', targets: ['nope'] });
    expect(plan('nope', 'absent').op).toBeUndefined();
  });

  it('absent removes installed packages; purge also takes leftover config files', () => {
    expect(plan('nginx,curl,old-thing', 'absent')).toMatchObject({ op: 'remove', targets: ['nginx'] });
    expect(plan('nginx,old-thing', 'absent', { purge: true })).toMatchObject({ op: 'remove', targets: ['nginx', 'old-thing'] });
  });
});

describe('apt-get command line and summary', () => {
  it('adds only the flags asked for', () => {
    const base = ['apt-get', '-y', '-q', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', '-o', 'DPkg::Lock::Timeout=60'];
    expect(aptGetArgv({ op: 'install', targets: ['a'], simulate: false })).toEqual([...base, 'install', 'a']);
    expect(aptGetArgv({ op: 'install', targets: ['a'], simulate: true, installRecommends: false, autoremove: true, purge: true })).toEqual([
      'apt-get', '-y', '-q', '-s', ...base.slice(3), '-o', 'APT::Install-Recommends=no', '--auto-remove', 'install', 'a',
    ]);
    expect(aptGetArgv({ op: 'remove', targets: ['a', 'b'], simulate: false, purge: true })).toEqual([...base, '--purge', 'remove', 'a', 'b']);
    expect(aptGetArgv({ op: 'autoremove', targets: [], simulate: false, purge: true, autoremove: true })).toEqual([...base, '--purge', 'autoremove']);
  });

  it('changed follows apt\'s summary line', () => {
    expect(aptChanged('0 upgraded, 0 newly installed, 0 to remove and 3 not upgraded.\n')).toBe(false);
    expect(aptChanged('0 upgraded, 1 newly installed, 0 to remove and 0 not upgraded.\n')).toBe(true);
    expect(aptChanged('0 upgraded, 0 newly installed, 1 reinstalled, 0 downgraded, 0 to remove and 0 not upgraded.\n')).toBe(true);
    expect(aptChanged('something else\n')).toBe(true);
  });

  it('the probe quotes names and reads the cache age from apt\'s own configuration', () => {
    const text = probeScript({ names: [{ spec: 'a', name: 'a' }, { spec: 'b+c', name: 'b+c' }], update: true, cacheValidTime: 3600, check: false }, 'M').text;
    expect(text).toContain('apt-cache policy a b+c 2>/dev/null');
    expect(text).toContain("dpkg-query -W -f='${binary:Package}\\t${db:Status-Abbrev}\\t${Version}\\n' a b+c");
    expect(text).toContain('apt-config shell __o_lists Dir::State::Lists/d __o_state Dir::State/d');
    expect(text).toContain('__o_upd=1; __o_valid=3600; __o_check=0');
  });
});
