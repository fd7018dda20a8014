// Node labels from a small YAML file: `labels: {zone: kitchen, disk: ssd}`. Values become strings.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseYaml, posOf } from '../config/yaml.js';
import { UserError } from '../model/source.js';

export function defaultLabelsFile(): string {
  return join(homedir(), '.oasis', 'labels.yml');
}

/** The labels in `file`; a missing file is no labels unless `required` (given on the command line). */
export async function readLabels(file: string, required: boolean): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !required) return {};
    throw new Error(`cannot read labels file ${file}: ${(e as Error).message}`);
  }
  const src = parseYaml(text, file);
  const doc = src.value;
  if (doc === null || doc === undefined) return {};
  const labels = (doc as { labels?: unknown }).labels;
  if (typeof doc !== 'object' || Array.isArray(doc) || (labels !== undefined && labels !== null && (typeof labels !== 'object' || Array.isArray(labels)))) {
    throw new UserError('expected a mapping `labels: {key: value}`', posOf(src, doc, 'labels') ?? { file, line: 1, col: 1 });
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((labels ?? {}) as Record<string, unknown>)) {
    if (v === null || typeof v === 'object') {
      throw new UserError(`label '${k}' must be a string, number or boolean, got ${v === null ? 'null' : Array.isArray(v) ? 'a list' : 'a mapping'}`, posOf(src, labels, k));
    }
    out[k] = String(v);
  }
  return out;
}
