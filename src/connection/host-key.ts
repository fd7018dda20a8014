// Host key policy (SshTarget.hostKeyChecking) on top of known_hosts: decides whether to trust
// the key a server presented, records it under accept-new, and says exactly what to fix.
import type { SshTarget } from './types.js';
import {
  checkHostKey,
  fingerprint,
  hostString,
  keyTypeOf,
  knownHostsLine,
  parseKnownHosts,
  readKnownHosts,
  updateKnownHosts,
  type HostKeyVerdict,
} from './known-hosts.js';

export type HostKeyDecision = { ok: true; added?: boolean } | { ok: false; message: string };

type Target = Pick<SshTarget, 'host' | 'port' | 'knownHostsFile' | 'hostKeyChecking'>;

export async function verifyHostKey(t: Target, key: Buffer): Promise<HostKeyDecision> {
  if (t.hostKeyChecking === 'no') return { ok: true };
  const verdict = checkHostKey(await readKnownHosts(t.knownHostsFile), t.host, t.port, key);
  if (verdict.status !== 'unknown' || t.hostKeyChecking !== 'accept-new') return decide(t, key, verdict);
  // Re-checked under the file lock: another connection may just have added this host.
  let final: HostKeyVerdict = verdict;
  await updateKnownHosts(t.knownHostsFile, (text) => {
    final = checkHostKey(parseKnownHosts(text), t.host, t.port, key);
    if (final.status !== 'unknown') return undefined;
    return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${knownHostsLine(t.host, t.port, key)}\n`;
  });
  return final.status === 'unknown' ? { ok: true, added: true } : decide(t, key, final);
}

function decide(t: Target, key: Buffer, v: HostKeyVerdict): HostKeyDecision {
  const where = `${t.host}:${t.port}`;
  const file = t.knownHostsFile;
  const presented = `${keyTypeOf(key)} key ${fingerprint(key)}`;
  switch (v.status) {
    case 'match':
      return { ok: true };
    case 'revoked':
      return { ok: false, message: `host key for ${where} (${presented}) is marked @revoked in ${file}:${v.line}; refusing to connect` };
    case 'changed':
      return {
        ok: false,
        message:
          `host key for ${where} does not match ${file}:${v.line} (the host presented ${presented}): ` +
          `someone may be intercepting the connection, or the host was reinstalled. If you trust the new key, ` +
          `remove the line with: ssh-keygen -R '${hostString(t.host, t.port)}' -f ${file}`,
      };
    case 'unknown': {
      const other = v.otherTypes.length ? ` (it only has ${v.otherTypes.join(', ')} keys for this host)` : '';
      return {
        ok: false,
        message:
          `host key for ${where} is not in ${file}${other}; the host presented ${presented}. ` +
          `Add it with: ssh-keyscan -p ${t.port} ${t.host} >> ${file} (after checking the fingerprint), ` +
          `or run with --host-key-checking accept-new`,
      };
    }
  }
}
