import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { Upload } from './upload.entity.js';

@Injectable()
export class UploadsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  create(data: Partial<Upload>) {
    const repo = this.ds.getRepository(Upload);
    return repo.save(repo.create(data));
  }

  findById(id: number) {
    return this.ds.getRepository(Upload).findOneBy({ id });
  }

  async allOwnedBy(ids: number[], ownerId: number): Promise<boolean> {
    const unique = [...new Set(ids)];
    const n = await this.ds.getRepository(Upload).countBy({ id: In(unique), ownerId });
    return n === unique.length;
  }
}
