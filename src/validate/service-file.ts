/** Service manifests (playbooks/<service>/service.yml), as the launch catalog reads them. */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { didYouMean } from '../config/suggest.js';
import { posOf } from '../config/yaml.js';
import { isMapping, keyPos, loadYaml, locator, type ValidateCtx } from './context.js';

export function checkService(ctx: ValidateCtx, file: string): void {
  const src = loadYaml(ctx, file);
  if (!src) return;
  const at = { file, line: 1, col: 1 };
  if (!isMapping(src.value)) return ctx.out.error(at, 'a service manifest is a mapping (name, description, requirements, conflicts, port, refresh)');
  const m = src.value;
  ctx.schemas.check('service.schema.json', undefined, m, locator(src, m, at), ctx.out, {
    unknownKey: (k, known) => `unknown key '${k}' in service manifest${didYouMean(k, known)}`,
  });
  const dir = dirname(file);
  if (typeof m['name'] === 'string' && m['name'] !== basename(dir)) ctx.out.error(keyPos(src, m, 'name', at), `service name '${m['name']}' differs from its directory '${basename(dir)}'`);
  if (!existsSync(join(dir, 'install.yml'))) ctx.out.error(at, `service '${basename(dir)}' has no install.yml`);
  // Other services of the same catalog directory: a name that is none of them is probably a typo.
  const siblings = readdirSync(dirname(dir)).filter((d) => existsSync(join(dirname(dir), d, 'service.yml')));
  for (const k of ['conflicts', 'refresh']) {
    const list = m[k];
    if (!Array.isArray(list)) continue;
    list.forEach((s, i) => {
      if (typeof s === 'string' && !siblings.includes(s)) ctx.out.warning(posOf(src, list, String(i)) ?? at, `${k}: no service '${s}' beside this one${didYouMean(s, siblings)}`);
    });
  }
}
