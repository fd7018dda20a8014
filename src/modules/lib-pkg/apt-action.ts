import { lines, sh, type Shell } from '../../shell/sh.js';
import { APT_ENV } from './apt-probe.js';
import { FRAME_END, findCapture, framePreamble, parseFrames, type Capture } from './frame.js';

export interface AptAction {
  op: 'install' | 'remove' | 'autoremove';
  targets: string[];
  /** Check mode: `apt-get -s` predicts, changes nothing. */
  simulate: boolean;
  purge?: boolean;
  autoremove?: boolean;
  /** Undefined: apt's own default (no flag), as Ansible does. */
  installRecommends?: boolean;
}

/** The apt-get command line. Old config files are kept (force-confold), as Ansible's default dpkg_options do. */
export function aptGetArgv(a: AptAction): string[] {
  return [
    'apt-get',
    '-y',
    '-q',
    ...(a.simulate ? ['-s'] : []),
    '-o', 'Dpkg::Options::=--force-confdef',
    '-o', 'Dpkg::Options::=--force-confold',
    // Wait for another apt/dpkg run instead of failing at once (Ansible's lock_timeout).
    '-o', 'DPkg::Lock::Timeout=60',
    ...(a.installRecommends === undefined ? [] : ['-o', `APT::Install-Recommends=${a.installRecommends ? 'yes' : 'no'}`]),
    ...(a.purge && a.op !== 'install' ? ['--purge'] : []),
    ...(a.autoremove && a.op !== 'autoremove' ? ['--auto-remove'] : []),
    a.op,
    ...a.targets,
  ];
}

export function actionScript(a: AptAction, marker: string): Shell {
  return lines(framePreamble(marker), APT_ENV, sh`__o_cap apt ${aptGetArgv(a)}`, FRAME_END);
}

/** The capture of apt-get, or undefined when the script did not get that far. */
export function parseAction(stdout: string, marker: string): Capture | undefined {
  return findCapture(parseFrames(stdout, marker), 'apt');
}

/**
 * Whether apt-get did (or, simulating, would do) anything, from its summary line. Without one
 * (an unusual apt) anything it ran counts as a change, as Ansible counts it.
 */
export function aptChanged(stdout: string): boolean {
  // "0 upgraded, 1 newly installed, [N reinstalled, ][N downgraded, ]0 to remove and 0 not upgraded."
  const m = /^\d+ upgraded, \d+ newly installed, (?:\d+ \w+, )*\d+ to remove/m.exec(stdout);
  if (!m) return true;
  return (m[0].match(/\d+/g) ?? []).some((n) => Number(n) > 0);
}
