const EARTH_RADIUS_KM = 6371.0088;

const rad = (deg: number) => (deg * Math.PI) / 180;

/**
 * Great-circle distance in km between two WGS-84 points (haversine); null when either point
 * is not fully known. Accurate to well under 1% at the few-km scale routing grades on.
 */
export function distanceKm(
  a: { latitude: number | null; longitude: number | null },
  b: { latitude: number | null; longitude: number | null },
): number | null {
  if (a.latitude === null || a.longitude === null || b.latitude === null || b.longitude === null) return null;
  const dLat = rad(b.latitude - a.latitude);
  const dLng = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Average door-to-door speed of a technician inside a city (walking, e-bike, lifts), km/h. */
export const TRAVEL_SPEED_KMH = 15;
/** Fixed part of every trip: leaving one job, parking, finding the unit, minutes. */
export const TRAVEL_OVERHEAD_MIN = 5;
/** Travel time assumed when either end has no coordinates, minutes. */
export const UNKNOWN_TRAVEL_MIN = 15;

/**
 * Estimated travel time in whole minutes for a trip of `km` (from `distanceKm`); the same job
 * site (0 km) still costs the overhead. Unknown distance -> UNKNOWN_TRAVEL_MIN.
 */
export function travelMinutes(km: number | null): number {
  if (km === null || !Number.isFinite(km) || km < 0) return UNKNOWN_TRAVEL_MIN;
  return Math.ceil(TRAVEL_OVERHEAD_MIN + (km / TRAVEL_SPEED_KMH) * 60);
}
