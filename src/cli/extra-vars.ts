import { readFile } from 'node:fs/promises';
import { UserError } from '../model/source.js';
import { parseYaml } from '../config/yaml.js';
import { parseKeyValueArgs } from '../config/kv.js';
import { isObject } from '../config/playbook-loader.js';

/** -e k=v, -e @file.yml, -e '{"json": 1}' (later ones win), as ansible-playbook reads them. */
export async function parseExtraVars(values: string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const v of values) {
    if (v.startsWith('@')) {
      const file = v.slice(1);
      let text: Buffer;
      try {
        text = await readFile(file);
      } catch (e) {
        throw new UserError(`-e ${v}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`, undefined, 5);
      }
      const doc = parseYaml(text, file).value;
      if (!isObject(doc)) throw new UserError(`-e ${v}: the file must hold a mapping of variables`, { file, line: 1, col: 1 }, 5);
      Object.assign(out, doc);
    } else if (/^\s*[{[]/.test(v)) {
      const doc = parseYaml(v, '-e').value;
      if (!isObject(doc)) throw new UserError(`-e: '${v}' must be a JSON/YAML mapping`, undefined, 5);
      Object.assign(out, doc);
    } else {
      try {
        Object.assign(out, parseKeyValueArgs(v));
      } catch (e) {
        throw new UserError(`-e: ${(e as Error).message}; use key=value, @file.yml or a JSON mapping`, undefined, 5);
      }
    }
  }
  return out;
}
