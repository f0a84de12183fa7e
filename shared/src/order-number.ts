/**
 * Human-readable order number, unique per community and day:
 * `<community code>-<yyyymmdd>-<sequence, at least 4 digits>`, e.g. `HY-20261127-0007`.
 * The day is the community's local day: `chinaDay` of time/china-time.ts.
 */
export function formatOrderNo(communityCode: string, day: string, sequence: number): string {
  if (!/^\d{8}$/.test(day)) throw new RangeError(`day must be yyyymmdd, got ${day}`);
  if (!Number.isInteger(sequence) || sequence < 1) throw new RangeError('sequence must be >= 1');
  return `${communityCode}-${day}-${String(sequence).padStart(4, '0')}`;
}
