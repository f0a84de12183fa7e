import { distanceKm, travelMinutes, type RoutingCandidate } from '@linli/shared';
import type { PositionSource, TechnicianPosition } from './technician-positions.js';

/** Where an order is and what it needs: what the per-order facts (distance, quality) depend on. */
export interface OrderPlace {
  communityId: number;
  /** null: a public area outside any building. */
  buildingId: number | null;
  category: string;
}

export interface Point {
  latitude: number;
  longitude: number;
}

/** The travel facts of one candidate for one order (the explanation shows them). */
export interface TravelFacts {
  /** Great-circle km from the technician's position to the order's place; null: either unknown. */
  distanceKm: number | null;
  /** travelMinutes(distanceKm) (shared/src/geo.ts); null when the distance is unknown. */
  travelMinutes: number | null;
  /** Where the technician's position came from; null: unknown. */
  positionSource: PositionSource | null;
}

/** Reads the quality grade of a technician in a category, 0..1 (quality-grades.ts). */
export interface QualityLookup {
  grade(userId: number, category: string): number;
}

/**
 * A company's technicians as routing candidates, read once (facts, positions, quality grades,
 * the places' coordinates) and turned into the candidates of any order of the batch without
 * another query: only the distance (technician position -> the order's building, else its
 * community) and the quality (the order's category) differ per order.
 */
export class CandidatePool {
  private readonly qualityMemo = new Map<string, Float64Array>();
  /** Each base candidate's position, by index (null: unknown). */
  private readonly at: Array<TechnicianPosition | null>;

  constructor(
    /** The candidates with everything but quality and distance (quality null, distanceKm null). */
    readonly base: readonly RoutingCandidate[],
    /** Per technician id: their position, null when unknown. */
    private readonly positions: ReadonlyMap<number, TechnicianPosition | null>,
    private readonly quality: QualityLookup,
    /** Coordinates of the batch's buildings and communities (those without are absent). */
    private readonly buildings: ReadonlyMap<number, Point>,
    private readonly communities: ReadonlyMap<number, Point>,
  ) {
    this.at = base.map((c) => positions.get(c.userId) ?? null);
  }

  /** The order's place on the map: its building's coordinates, else its community's, else null. */
  pointOf(place: Pick<OrderPlace, 'communityId' | 'buildingId'>): Point | null {
    return (
      (place.buildingId !== null ? this.buildings.get(place.buildingId) : undefined) ??
      this.communities.get(place.communityId) ??
      null
    );
  }

  /** The quality grades of every base candidate in a category (memoized per category). */
  private gradesIn(category: string): Float64Array {
    let grades = this.qualityMemo.get(category);
    if (!grades) {
      grades = Float64Array.from(this.base, (c) => this.quality.grade(c.userId, category));
      this.qualityMemo.set(category, grades);
    }
    return grades;
  }

  /** The candidates for one order (new objects: the caller may adjust them). */
  for(place: OrderPlace): RoutingCandidate[] {
    const to = this.pointOf(place);
    const grades = this.gradesIn(place.category);
    const out = new Array<RoutingCandidate>(this.base.length);
    for (let i = 0; i < this.base.length; i++) {
      const c = this.base[i];
      const from = this.at[i];
      // Every field spelled out: one object shape, several times faster than a spread.
      out[i] = {
        userId: c.userId,
        name: c.name,
        active: c.active,
        skills: c.skills,
        communityIds: c.communityIds,
        buildingIds: c.buildingIds,
        teamIds: c.teamIds,
        onShift: c.onShift,
        onLeave: c.onLeave,
        openOrders: c.openOrders,
        capacity: c.capacity,
        quality: grades[i],
        lastAssignedAt: c.lastAssignedAt,
        distanceKm: from && to ? distanceKm(from, to) : null,
      };
    }
    return out;
  }

  /** Each technician's travel facts for the order (user id -> facts). */
  travel(place: OrderPlace): Map<number, TravelFacts> {
    const at = this.pointOf(place);
    return new Map(
      this.base.map((c) => {
        const from = this.positions.get(c.userId) ?? null;
        const km = from && at ? distanceKm(from, at) : null;
        return [
          c.userId,
          {
            distanceKm: km === null ? null : Math.round(km * 100) / 100,
            travelMinutes: km === null ? null : travelMinutes(km),
            positionSource: from?.source ?? null,
          },
        ];
      }),
    );
  }
}
