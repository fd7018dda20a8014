// Opening the SSH transport: authentication, host key checking, and turning every way a
// connect can fail into an UnreachableError that names host:port and says what to do.
import { readFile } from 'node:fs/promises';
import { Client, type AnyAuthMethod, type ConnectConfig } from 'ssh2';
import { verifyHostKey } from './host-key.js';
import { knownKeyTypes, readKnownHosts } from './known-hosts.js';
import { UnreachableError, type SshTarget } from './types.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** ssh2's host key algorithms, in its default order. */
const HOST_KEY_ALGOS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

/** Like OpenSSH: ask for the key types known_hosts has for this host first, so a host with an
 * RSA entry is not reported unknown just because it also has an ed25519 key. */
function hostKeyAlgorithms(known: string[]): string[] | undefined {
  if (known.length === 0) return undefined;
  const wanted = (a: string) => known.includes(a.startsWith('rsa-sha2-') ? 'ssh-rsa' : a);
  return [...HOST_KEY_ALGOS.filter(wanted), ...HOST_KEY_ALGOS.filter((a) => !wanted(a))];
}

async function authMethods(t: SshTarget): Promise<{ methods: AnyAuthMethod[]; tried: string[] }> {
  const username = t.user;
  const methods: AnyAuthMethod[] = [];
  const tried: string[] = [];
  if (t.privateKeyFile) {
    let key: Buffer;
    try {
      key = await readFile(t.privateKeyFile);
    } catch (e) {
      throw new UnreachableError(`${t.name}: cannot read private key file ${t.privateKeyFile}: ${(e as Error).message}`, 'auth');
    }
    methods.push({ type: 'publickey', username, key });
    tried.push(`key ${t.privateKeyFile}`);
  }
  const sock = t.agentSocket;
  if (sock) {
    methods.push({ type: 'agent', username, agent: sock });
    tried.push(`ssh-agent at ${sock}`);
  }
  if (t.password !== undefined) {
    const password = t.password;
    methods.push({ type: 'password', username, password });
    methods.push({ type: 'keyboard-interactive', username, prompt: (_n, _i, _l, prompts, finish) => finish(prompts.map(() => password)) });
    tried.push('password');
  }
  if (methods.length === 0) methods.push({ type: 'none', username });
  return { methods, tried };
}

/** Connects and authenticates; rejects with UnreachableError only. `hostKey` hears the key the server presented. */
export async function connectClient(t: SshTarget, hostKey?: (key: Buffer) => void): Promise<Client> {
  const where = `${t.name} (${t.user}@${t.host}:${t.port})`;
  const timeout = t.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const { methods, tried } = await authMethods(t);
  const known = t.hostKeyChecking === 'no' ? [] : knownKeyTypes(await readKnownHosts(t.knownHostsFile), t.host, t.port);
  const algos = hostKeyAlgorithms(known);
  let hostKeyProblem: string | undefined;

  const config: ConnectConfig = {
    host: t.host,
    port: t.port,
    username: t.user,
    readyTimeout: timeout,
    keepaliveInterval: 15_000,
    keepaliveCountMax: 4,
    authHandler: methods,
    ...(algos && { algorithms: { serverHostKey: algos as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] } }),
    hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
      hostKey?.(key);
      verifyHostKey(t, key).then(
        (d) => {
          if (!d.ok) hostKeyProblem = d.message;
          verify(d.ok);
        },
        (e: Error) => {
          hostKeyProblem = `cannot check the host key of ${t.host}:${t.port} against ${t.knownHostsFile}: ${e.message}`;
          verify(false);
        },
      );
    },
  };

  const client = new Client();
  return new Promise<Client>((resolve, reject) => {
    const fail = (e: Error & { code?: string; level?: string }) => {
      client.removeAllListeners('ready');
      client.end();
      reject(explain(e));
    };
    const explain = (e: Error & { code?: string; level?: string }): UnreachableError => {
      if (hostKeyProblem) return new UnreachableError(`${t.name}: ${hostKeyProblem}`, 'hostkey');
      if (e.code === 'ECONNREFUSED') return new UnreachableError(`${where}: connection refused; is sshd running and listening on port ${t.port}?`, 'refused');
      if (e.level === 'client-timeout' || e.code === 'ETIMEDOUT') {
        return new UnreachableError(`${where}: no SSH handshake within ${timeout} ms; check that the host is up and the address/port are right, or raise the connect timeout`, 'timeout');
      }
      if (e.level === 'client-authentication') {
        return new UnreachableError(`${where}: authentication failed (tried ${tried.join(', ') || 'none'}); check the user, the key and the host's authorized_keys`, 'auth');
      }
      if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return new UnreachableError(`${where}: cannot resolve host name ${t.host}`, 'other');
      return new UnreachableError(`${where}: ${e.message}`, 'other');
    };
    // ssh2 may emit more errors after the first (e.g. the socket dropping after a timeout);
    // each is followed by 'close', which the connection's owner handles.
    client.on('error', () => {});
    client.once('ready', () => {
      client.removeListener('error', fail);
      // Small writes (a frame, then sudo's password line) must not wait for a delayed ACK.
      client.setNoDelay(true);
      resolve(client);
    });
    client.once('error', fail);
    try {
      client.connect(config);
    } catch (e) {
      fail(e as Error); // e.g. an unparsable or passphrase-protected private key
    }
  });
}
