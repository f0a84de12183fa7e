/**
 * Human-readable order number, unique per community and day:
 * `<community code>-<yyyymmdd>-<sequence, at least 4 digits>`, e.g. `HY-20261127-0007`.
 * The day is the community's local day (China Standard Time, UTC+8, no DST).
 */
export function formatOrderNo(communityCode: string, day: string, sequence: number): string {
  if (!/^\d{8}$/.test(day)) throw new RangeError(`day must be yyyymmdd, got ${day}`);
  if (!Number.isInteger(sequence) || sequence < 1) throw new RangeError('sequence must be >= 1');
  return `${communityCode}-${day}-${String(sequence).padStart(4, '0')}`;
}

const CST_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The yyyymmdd of an instant in China Standard Time. */
export function chinaDay(at: Date): string {
  return new Date(at.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '');
}
