// Key material for a lab: host keys per node and one client key, all made by ssh-keygen.
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Makes a fresh passphrase-less ed25519 key pair at file(.pub); returns "ssh-ed25519 AAAA..." (no comment). */
export async function generateKey(file: string, comment: string): Promise<string> {
  await Promise.all([rm(file, { force: true }), rm(`${file}.pub`, { force: true })]);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
  return readPublicKey(file);
}

export async function readPublicKey(file: string): Promise<string> {
  const [type, body] = (await readFile(`${file}.pub`, 'utf8')).trim().split(/\s+/);
  if (!type || !body) throw new Error(`malformed public key ${file}.pub`);
  return `${type} ${body}`;
}
