/**
 * IPv4/IPv6 CIDR arithmetic for ingress rules: how much of the public internet a set of ranges admits.
 * Ranges are closed intervals of BigInt addresses.
 */

export type Family = 'ipv4' | 'ipv6';
export type Interval = readonly [bigint, bigint];

const BITS: Record<Family, number> = { ipv4: 32, ipv6: 128 };

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) + BigInt(Number(p)), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 0) return undefined;
  const all = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return all.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n);
}

/** The interval of a CIDR (`10.0.0.0/8`, `::/0`), or `undefined` when it is not one. */
export function cidrInterval(cidr: string, family: Family): Interval | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr.trim());
  if (!m) return undefined;
  const bits = BITS[family];
  const prefix = Number(m[2]);
  if (prefix > bits) return undefined;
  const address = family === 'ipv4' ? parseIpv4(m[1]) : parseIpv6(m[1]);
  if (address === undefined) return undefined;
  const size = 1n << BigInt(bits - prefix);
  const start = (address / size) * size;
  return [start, start + size - 1n];
}

/** Sorted, merged intervals. */
export function union(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Array<[bigint, bigint]> = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1] + 1n) {
      if (e > last[1]) last[1] = e;
    } else out.push([s, e]);
  }
  return out;
}

function subtract(intervals: readonly Interval[], holes: readonly Interval[]): Interval[] {
  let current: Interval[] = union(intervals);
  for (const [hs, he] of holes) {
    const next: Interval[] = [];
    for (const [s, e] of current) {
      if (he < s || hs > e) {
        next.push([s, e]);
        continue;
      }
      if (s < hs) next.push([s, hs - 1n]);
      if (e > he) next.push([he + 1n, e]);
    }
    current = next;
  }
  return current;
}

const size = (intervals: readonly Interval[]) => intervals.reduce((n, [s, e]) => n + (e - s + 1n), 0n);

/** Address space that is not the internet: private, shared, loopback, link-local, multicast, reserved. */
const NOT_PUBLIC: Record<Family, readonly Interval[]> = {
  ipv4: ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '224.0.0.0/4', '240.0.0.0/4'].map(
    (c) => cidrInterval(c, 'ipv4')!,
  ),
  // Everything outside global unicast (2000::/3): unique local, link-local, multicast, loopback, unspecified.
  ipv6: ['::/3', '4000::/2', '8000::/1'].map((c) => cidrInterval(c, 'ipv6')!),
};

/**
 * "Open to the world": the union admits at least this much public address space. IPv4: a /8 worth
 * (16.7 million addresses, more than any one organisation's own range); IPv6: a /16 worth.
 */
export const WORLD_PREFIX: Record<Family, number> = { ipv4: 8, ipv6: 16 };

export interface Exposure {
  readonly all: boolean;
  readonly publicAddresses: bigint;
  readonly world: boolean;
}

/** How much of the internet the union of `intervals` admits. */
export function exposure(intervals: readonly Interval[], family: Family): Exposure {
  const merged = union(intervals);
  const full = (1n << BigInt(BITS[family])) - 1n;
  const all = merged.length === 1 && merged[0][0] === 0n && merged[0][1] === full;
  const publicAddresses = size(subtract(merged, NOT_PUBLIC[family]));
  const threshold = 1n << BigInt(BITS[family] - WORLD_PREFIX[family]);
  return { all, publicAddresses, world: all || publicAddresses >= threshold };
}

/** True when the interval holds some public address space. */
export function touchesPublic(interval: Interval, family: Family): boolean {
  return size(subtract([interval], NOT_PUBLIC[family])) > 0n;
}
