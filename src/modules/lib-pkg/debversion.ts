/**
 * Debian version comparison (deb-version(7), dpkg's verrevcmp), so `state: latest` can tell an
 * upgrade from a candidate that is older than what is installed without another round trip.
 */

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isAlpha = (c: string) => /^[A-Za-z]$/.test(c);

/** Sort weight of one non-digit character: '~' before the end, letters before the rest. */
function order(c: string | undefined): number {
  if (c === undefined || isDigit(c)) return 0;
  if (c === '~') return -1;
  if (isAlpha(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const d = order(a[i]) - order(b[j]);
      if (d !== 0) return d;
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    let firstDiff = 0;
    while (isDigit(a[i]) && isDigit(b[j])) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a[i])) return 1;
    if (isDigit(b[j])) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

function split(v: string): { epoch: number; upstream: string; revision: string } {
  const colon = v.indexOf(':');
  const epoch = colon >= 0 ? Number(v.slice(0, colon)) || 0 : 0;
  const rest = colon >= 0 ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf('-');
  return dash >= 0 ? { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) } : { epoch, upstream: rest, revision: '' };
}

/** <0, 0 or >0 as `a` is older than, equal to or newer than `b` (dpkg --compare-versions). */
export function compareDebVersions(a: string, b: string): number {
  const x = split(a.trim());
  const y = split(b.trim());
  if (x.epoch !== y.epoch) return x.epoch - y.epoch;
  const u = verrevcmp(x.upstream, y.upstream);
  if (u !== 0) return u;
  return verrevcmp(x.revision, y.revision);
}
