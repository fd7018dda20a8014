import { compareDebVersions } from './debversion.js';
import type { PkgSpec } from './apt-names.js';
import type { DpkgRow } from './apt-probe.js';

export type AptState = 'present' | 'absent' | 'latest';

/** One requested package as the target knows it. */
export interface PkgStatus {
  spec: PkgSpec;
  /** Fully installed version ("ii"), if any. */
  installed?: string;
  /** dpkg's state letter: n(ot installed), c(onfig-files), i(nstalled), or a half state (U, H, F, W, t). */
  dpkgState: string;
  /** apt knows the name (real or virtual). */
  known: boolean;
  candidate: string | null;
}

export interface Plan {
  /** The apt-get subcommand to run, if anything differs. */
  op?: 'install' | 'remove';
  /** apt-get arguments (name or name=version). */
  targets: string[];
  /** For --diff: "name version" lines before and (as predicted) after. */
  before: string[];
  after: string[];
  error?: string;
}

/** Rows of dpkg-query for one requested name: the same name, or the name with an :arch suffix. */
function rowFor(rows: DpkgRow[], name: string): DpkgRow | undefined {
  return rows.find((r) => r.pkg === name) ?? (name.includes(':') ? undefined : rows.find((r) => r.pkg.startsWith(`${name}:`)));
}

function candidateFor(cands: Map<string, string | null>, name: string): { known: boolean; candidate: string | null } {
  // apt-cache prints "name:" for the native architecture and "name:arch:" for a foreign one.
  const key = cands.has(name) ? name : name.replace(/:[^:]*$/, '');
  return cands.has(key) ? { known: true, candidate: cands.get(key) ?? null } : { known: false, candidate: null };
}

export function statusOf(specs: PkgSpec[], rows: DpkgRow[], cands: Map<string, string | null>): PkgStatus[] {
  return specs.map((spec) => {
    const row = rowFor(rows, spec.name);
    const dpkgState = row?.status[1] ?? 'n';
    return { spec, dpkgState, ...(dpkgState === 'i' && row ? { installed: row.version } : {}), ...candidateFor(cands, spec.name) };
  });
}

/**
 * What apt-get must do so every package is in `state`. Ansible's rules: present installs what is
 * missing (or at another version than name=version asks), latest also upgrades when the
 * candidate is newer, absent removes what is installed (and with purge what left config files).
 * `cacheStale` (check mode, an update pending): a name apt does not know yet may appear after
 * the update, so it is reported as a change instead of a failure.
 */
export function planApt(pkgs: PkgStatus[], state: AptState, opts: { purge?: boolean; cacheStale?: boolean } = {}): Plan {
  const plan: Plan = { targets: [], before: [], after: [] };
  const show = (p: PkgStatus) => `${p.spec.name} ${p.installed ?? (p.dpkgState === 'c' ? '(config-files)' : '(absent)')}`;
  for (const p of pkgs) {
    if (state === 'absent') {
      if (p.spec.version !== undefined && p.installed !== undefined && p.installed !== p.spec.version) continue;
      const present = p.dpkgState !== 'n' && p.dpkgState !== 'c';
      if (present || (opts.purge && p.dpkgState === 'c')) {
        plan.targets.push(p.spec.name);
        plan.before.push(show(p));
        plan.after.push(`${p.spec.name} (absent)`);
      }
      continue;
    }
    const want = p.spec.version;
    let needed: boolean;
    if (want !== undefined) needed = p.installed !== want;
    else if (p.installed === undefined) needed = true;
    else needed = state === 'latest' && p.candidate !== null && compareDebVersions(p.candidate, p.installed) > 0;
    if (!needed) continue;
    if (!p.known && !opts.cacheStale) {
      plan.error = `No package matching '${p.spec.name}' is available`;
      return plan;
    }
    plan.targets.push(p.spec.spec);
    plan.before.push(show(p));
    plan.after.push(`${p.spec.name} ${want ?? p.candidate ?? '(installed)'}`);
  }
  if (plan.targets.length > 0) plan.op = state === 'absent' ? 'remove' : 'install';
  return plan;
}
