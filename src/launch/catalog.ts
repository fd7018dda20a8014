import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../model/source.js';
import { loadYamlFileSync, posOf } from '../config/yaml.js';
import { isObject } from '../config/playbook-loader.js';
import { didYouMean } from '../config/suggest.js';

/** A service of the catalog: `playbooks/<name>/{service.yml, install.yml, uninstall.yml}`. */
export interface ServiceManifest {
  name: string;
  description: string;
  requirements: { arch?: string[]; minFreeMemoryMb?: number; labels?: Record<string, string> };
  /** Services that may not run on the same node. */
  conflicts: string[];
  port?: number;
  /** Services re-applied after this one is placed or removed (a load balancer follows its backends). */
  refresh: string[];
  install: string;
  uninstall?: string;
}

/** The catalog shipped with oasis-play. */
export const BUILTIN_CATALOG = fileURLToPath(new URL('../../playbooks', import.meta.url));

/**
 * Services found in `dirs` (earlier dirs win): `NAME/service.yml` with install.yml/uninstall.yml
 * beside it, or the older flat names `install_NAME.yml` / `uninstall_NAME.yml`.
 */
export function loadCatalog(dirs: string[]): Map<string, ServiceManifest> {
  const out = new Map<string, ServiceManifest>();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      const legacy = /^install_(.+)\.ya?ml$/.exec(entry);
      if (legacy && !out.has(legacy[1]!)) {
        const uninstall = ['yml', 'yaml'].map((e) => join(dir, `uninstall_${legacy[1]}.${e}`)).find(existsSync);
        out.set(legacy[1]!, { name: legacy[1]!, description: '', requirements: {}, conflicts: [], refresh: [], install: path, ...(uninstall ? { uninstall } : {}) });
      } else if (statSync(path).isDirectory() && existsSync(join(path, 'service.yml')) && !out.has(entry)) {
        out.set(entry, readManifest(path, entry));
      }
    }
  }
  return out;
}

export function getService(catalog: Map<string, ServiceManifest>, name: string): ServiceManifest {
  const s = catalog.get(name);
  if (!s) throw new UserError(`unknown service '${name}'${didYouMean(name, catalog.keys())}; known: ${[...catalog.keys()].join(', ') || 'none'}`, undefined, 5);
  return s;
}

function readManifest(dir: string, dirName: string): ServiceManifest {
  const file = join(dir, 'service.yml');
  const src = loadYamlFileSync(file);
  const m = src.value;
  const at = (key?: string) => posOf(src, m, key) ?? { file, line: 1, col: 1 };
  if (!isObject(m)) throw new UserError('a service manifest is a mapping (name, description, requirements, conflicts, port, refresh)', at());
  const known = ['name', 'description', 'requirements', 'conflicts', 'port', 'refresh'];
  for (const k of Object.keys(m)) if (!known.includes(k)) throw new UserError(`unknown key '${k}' in service manifest${didYouMean(k, known)}`, at(k));
  const name = m['name'] === undefined ? dirName : String(m['name']);
  if (name !== dirName) throw new UserError(`service name '${name}' differs from its directory '${dirName}'`, at('name'));
  const req = m['requirements'] ?? {};
  if (!isObject(req)) throw new UserError('requirements must be a mapping (arch, min_free_memory_mb, labels)', at('requirements'));
  const list = (k: string): string[] => {
    const v = m[k] ?? [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new UserError(`${k} must be a list of service names`, at(k));
    return v as string[];
  };
  const install = join(dir, 'install.yml');
  if (!existsSync(install)) throw new UserError(`service '${name}' has no install.yml`, at());
  const uninstall = join(dir, 'uninstall.yml');
  const requirements: ServiceManifest['requirements'] = {};
  if (req['arch'] !== undefined) requirements.arch = (Array.isArray(req['arch']) ? req['arch'] : [req['arch']]).map(String);
  if (req['min_free_memory_mb'] !== undefined) requirements.minFreeMemoryMb = Number(req['min_free_memory_mb']);
  if (req['labels'] !== undefined) {
    if (!isObject(req['labels'])) throw new UserError('requirements.labels must be a mapping of label to value', at('requirements'));
    requirements.labels = Object.fromEntries(Object.entries(req['labels']).map(([k, v]) => [k, String(v)]));
  }
  return {
    name,
    description: String(m['description'] ?? ''),
    requirements,
    conflicts: list('conflicts'),
    ...(m['port'] !== undefined ? { port: Number(m['port']) } : {}),
    refresh: list('refresh'),
    install,
    ...(existsSync(uninstall) ? { uninstall } : {}),
  };
}
