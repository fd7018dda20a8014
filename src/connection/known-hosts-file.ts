// A --known-hosts that cannot be read (a directory, no permission) would fail every node's
// handshake on its own (every node down, or an internal EISDIR): refuse it once, before any connection.
import { access, constants, stat } from 'node:fs/promises';
import { UserError } from '../model/source.js';

/** Throws a UserError (exit 5) unless `file` is missing (no keys known yet) or a readable file. */
export async function checkKnownHostsFile(file: string | undefined): Promise<void> {
  if (file === undefined) return;
  const refuse = (why: string) => new UserError(`--known-hosts ${file}: ${why}; give an OpenSSH known_hosts file`, undefined, 5);
  let info;
  try {
    info = await stat(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    throw refuse(`cannot be read (${code ?? (e as Error).message})`);
  }
  if (info.isDirectory()) throw refuse('is a directory');
  if (!info.isFile()) throw refuse('is not a regular file');
  await access(file, constants.R_OK).catch((e: NodeJS.ErrnoException) => {
    throw refuse(`cannot be read (${e.code ?? e.message})`);
  });
}
