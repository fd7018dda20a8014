// IPv4 CIDR ranges for `oasis_discover`: 192.168.1.0/28 → its host addresses.

/** Bounds a typo like /8 (16 million probes). */
export const MAX_RANGE_ADDRESSES = 4096;

function toInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

const toIp = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/**
 * The host addresses of `cidr` (a bare address is a /32). Network and broadcast addresses are
 * left out except in /31 and /32, as routers do. Throws a message naming the range.
 */
export function expandCidr(cidr: string): string[] {
  const m = /^\s*([\d.]+)(?:\/(\d{1,2}))?\s*$/.exec(cidr);
  const base = m ? toInt(m[1]!) : undefined;
  const bits = m?.[2] === undefined ? 32 : Number(m[2]);
  if (!m || base === undefined || bits > 32) throw new Error(`'${cidr}' is not an IPv4 range like 192.168.1.0/24`);
  const size = 2 ** (32 - bits);
  if (size > MAX_RANGE_ADDRESSES) throw new Error(`range ${cidr} has ${size} addresses; at most ${MAX_RANGE_ADDRESSES} (a /20) are scanned`);
  const start = Math.floor(base / size) * size;
  const out: string[] = [];
  const [first, last] = size <= 2 ? [start, start + size - 1] : [start + 1, start + size - 2];
  for (let n = first; n <= last; n++) out.push(toIp(n));
  return out;
}
