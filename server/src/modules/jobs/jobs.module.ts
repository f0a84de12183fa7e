import { Global, Module } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { WriteLock } from '../../common/write-lock.js';
import { JobRunner } from './job-runner.service.js';
import { JobsRepository } from './jobs.repository.js';

@Global()
@Module({
  providers: [JobsRepository, JobRunner, Clock, WriteLock],
  exports: [JobsRepository, JobRunner, Clock, WriteLock],
})
export class JobsModule {}
