import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InspectionPoint } from './inspection.entities.js';

/** A point as other modules read it (the QR codes of modules/qr). */
export type PointRow = Pick<InspectionPoint, 'id' | 'communityId' | 'buildingId' | 'publicAreaId' | 'name' | 'code'>;

const COLUMNS = { id: true, communityId: true, buildingId: true, publicAreaId: true, name: true, code: true } as const;

/** Read-only access to inspection points for other modules: a resident's scan of a point's code. */
@Injectable()
export class InspectionPointsReader {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** The active point with this code (unique), or null. */
  findActiveByCode(code: string): Promise<PointRow | null> {
    return this.ds.getRepository(InspectionPoint).findOne({ select: COLUMNS, where: { code, active: true } });
  }

  /** The community's active points, by name. */
  activeOf(communityId: number): Promise<PointRow[]> {
    return this.ds
      .getRepository(InspectionPoint)
      .find({ select: COLUMNS, where: { communityId, active: true }, order: { name: 'ASC', id: 'ASC' } });
  }
}
