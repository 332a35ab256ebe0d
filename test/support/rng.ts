import { createHash } from 'node:crypto';

// An independent implementation of pa-rng-1 from its documented definition (src/models/sql/macros/rng.sql).
function md5Prefix64(text: string): bigint {
  return BigInt(`0x${createHash('md5').update(text).digest('hex').slice(0, 16)}`);
}
function lowbias32(input: bigint): bigint {
  const mask = 0xffffffffn;
  let x = input & mask;
  x ^= x >> 16n;
  x = (x * 0x7feb352dn) & mask;
  x ^= x >> 15n;
  x = (x * 0x846ca68bn) & mask;
  x ^= x >> 16n;
  return x;
}

/** The draw in [0, 1) of an employee in a year's stream under a seed. */
export function expectedDraw(employeeId: string, seed: number, year: number, stream: string): number {
  const key = md5Prefix64(employeeId);
  const salt = md5Prefix64(`${seed}|${year}|${stream}`);
  const inner = lowbias32((key >> 32n) ^ (salt >> 32n));
  const outer = lowbias32(inner ^ (key & 0xffffffffn) ^ (salt & 0xffffffffn));
  return Number(outer) / 2 ** 32;
}
