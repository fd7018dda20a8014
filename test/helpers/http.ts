import { get } from 'node:http';

/** GET http://address/ (loopback lab addresses only); the page's <h1>, or an error text. */
export function fetchTitle(address: string): Promise<string> {
  return new Promise((resolve) => {
    // A fresh connection per request (agent: false), so nginx balances each one.
    const req = get({ host: address, port: 80, path: '/', timeout: 3000, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(/<h1>(.*)<\/h1>/.exec(body)?.[1] ?? `HTTP ${res.statusCode}`));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve(`error: ${e.message}`));
  });
}

/** The distinct answers to `count` requests. */
export async function answers(address: string, count: number): Promise<string[]> {
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) seen.add(await fetchTitle(address));
  return [...seen].sort();
}

/**
 * The distinct answers once they stop changing toward `expected`: nginx applies a reload
 * asynchronously (new workers start, old ones finish), so poll for up to `timeoutMs`.
 */
export async function settledAnswers(address: string, expected: string[], count = 18, timeoutMs = 5000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let got = await answers(address, count);
  while (JSON.stringify(got) !== JSON.stringify([...expected].sort()) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    got = await answers(address, count);
  }
  return got;
}
