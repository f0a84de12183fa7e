/**
 * A place's coordinates as an admin pastes them from a map app: one text, latitude first
 * ("22.5195,113.9296"; a comma, a Chinese comma, a space or a semicolon between them). The
 * numbers are what Chinese map apps show (GCJ-02), the same datum the mini-program asks the phone
 * for; distances between such points are what routing needs (docs/routing.md).
 */

/** Mainland China and its islands, with margin: a point outside is most likely a typo or swapped. */
export const CHINA_BOUNDS = { minLatitude: 3, maxLatitude: 54, minLongitude: 73, maxLongitude: 136 } as const;

export type ParsedCoordinates =
  | { ok: true; latitude: number; longitude: number }
  | { ok: true; latitude: null; longitude: null }
  | { ok: false; problem: string };

/** Problems with a latitude/longitude pair (both or neither, ranges, China); empty = fine. */
export function coordinateProblems(latitude: number | null, longitude: number | null): string[] {
  if (latitude === null && longitude === null) return [];
  if (latitude === null || longitude === null) return ['纬度和经度须同时填写或同时留空'];
  if (!Number.isFinite(latitude) || latitude < -90 || latitude > 90) return ['纬度须在 -90 到 90 之间'];
  if (!Number.isFinite(longitude) || longitude < -180 || longitude > 180) return ['经度须在 -180 到 180 之间'];
  const b = CHINA_BOUNDS;
  if (latitude < b.minLatitude || latitude > b.maxLatitude || longitude < b.minLongitude || longitude > b.maxLongitude)
    return ['坐标不在中国境内，请确认先纬度后经度'];
  return [];
}

/**
 * Read pasted coordinates, latitude first. Empty text clears them (both null). A pair that
 * reads only the other way round (longitude first) is refused with a hint, never swapped
 * silently.
 */
export function parseCoordinates(text: string): ParsedCoordinates {
  const t = text.trim();
  if (t === '') return { ok: true, latitude: null, longitude: null };
  const parts = t.split(/\s*[,，;；\s]\s*/).filter(Boolean);
  const number = /^[+-]?\d{1,3}(\.\d+)?$/;
  if (parts.length !== 2 || !parts.every((p) => number.test(p)))
    return { ok: false, problem: '请粘贴“纬度,经度”，如 22.5195,113.9296' };
  const [latitude, longitude] = parts.map(Number);
  const problems = coordinateProblems(latitude, longitude);
  if (problems.length) {
    if (coordinateProblems(longitude, latitude).length === 0)
      return { ok: false, problem: '顺序反了：请先纬度后经度，如 22.5195,113.9296' };
    return { ok: false, problem: problems[0] };
  }
  return { ok: true, latitude, longitude };
}

/** The text form of stored coordinates ('' for none), latitude first, as parseCoordinates reads it. */
export function formatCoordinates(p: { latitude: number | null; longitude: number | null }): string {
  return p.latitude === null || p.longitude === null ? '' : `${p.latitude},${p.longitude}`;
}
