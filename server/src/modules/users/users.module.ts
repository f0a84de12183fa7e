import { Global, Module } from '@nestjs/common';
import { UsersRepository } from './users.repository.js';

/** Global: the auth guard on every route loads the actor through it. */
@Global()
@Module({ providers: [UsersRepository], exports: [UsersRepository] })
export class UsersModule {}
