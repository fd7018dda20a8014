// Shared by the agent tests: temp homes, the registry script run with the local sh, file checks.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalConnection } from '../../src/connection/local.js';
import { metadataProblems } from '../../src/agent/schema.js';
import { serviceRegistryScript, type RegistryOp } from '../../src/agent/service-script.js';
import { raw, sh } from '../../src/shell/sh.js';

export const tempHome = (tag: string) => mkdtempSync(join(tmpdir(), `oasis-${tag}-`));

const local = new LocalConnection();

/** Runs the registry script as a node would, with HOME pointing at `home`. */
export async function registry(home: string, op: RegistryOp, name: string, info?: Record<string, unknown>, shell?: string) {
  const script = serviceRegistryScript(op, name, { info });
  // `shell` is fixed test text ('busybox sh'); the script itself is quoted as one word.
  return local.exec(shell ? sh`exec ${raw(shell)} -c ${script.text}` : script, { env: { HOME: home } });
}

/** The file parsed and schema-checked; throws with the text when it is not valid. */
export function readValid(file: string): Record<string, unknown> & { services: Record<string, { installedAt: string }> } {
  const text = readFileSync(file, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not JSON (${(e as Error).message}):\n${text}`);
  }
  const problems = metadataProblems(value);
  if (problems.length) throw new Error(`${file} does not match the schema: ${problems.join('; ')}\n${text}`);
  return value as ReturnType<typeof readValid>;
}
