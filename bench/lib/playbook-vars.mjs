// Where the benchmark playbook lives and the play vars it sets (read from the playbook itself,
// so the floor script cannot drift from it).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PLAYBOOK_DIR = join(BENCH_DIR, 'playbook');
export const PLAYBOOK = join(PLAYBOOK_DIR, 'site.yml');
export const PLAYBOOK_VARS = parse(readFileSync(PLAYBOOK, 'utf8'))[0].vars;
/** The directory the playbook manages on each node (hashed to compare the tools). */
export const MANAGED_ROOT = '/srv';
