import { JwtService } from '@nestjs/jwt';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import type { AppConfig } from '../config/config.js';
import { UsersRepository } from '../modules/users/users.repository.js';
import { documentResponses } from './api-contract.js';
import { AppError } from './app-error.js';
import { actorOfBearer } from './auth/auth.guard.js';

/** Who may read the API description (they map every route and field an attacker would probe). */
const DOCS_ROLES = new Set(['admin', 'supervisor']);

/**
 * Swagger UI at /api/docs and the OpenAPI document at /api/docs/openapi.json, as
 * LINLI_API_DOCS says: `public` for anyone, `staff` only with an admin's or supervisor's bearer
 * token (UI and JSON alike: fetch the JSON with the token into any OpenAPI viewer), `off` not
 * at all (404 like any unknown route).
 */
export function setupApiDocs(app: NestExpressApplication, config: AppConfig): void {
  if (config.apiDocs === 'off') return;
  if (config.apiDocs === 'staff') {
    const jwt = app.get(JwtService);
    const users = app.get(UsersRepository);
    app.use('/api/docs', (req: Request & { requestId?: string }, res: Response, next: NextFunction) => {
      actorOfBearer(jwt, users, req.headers.authorization)
        .then((actor) => {
          if (!DOCS_ROLES.has(actor.role))
            throw new AppError('FORBIDDEN', 'the API docs are for admins and supervisors');
          next();
        })
        .catch((e: unknown) => {
          if (!(e instanceof AppError)) return next(e);
          res.status(e.status).json({ code: e.code, message: e.message, requestId: req.requestId });
        });
    });
  }
  const doc = buildApiDocument(app);
  SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/docs/openapi.json' });
}

/**
 * The OpenAPI document: request schemas from the DTOs (@nestjs/swagger), answers from shared's
 * view types (api-contract.ts). Linted and checked against real answers: docs/api.md, "The contract".
 */
export function buildApiDocument(app: NestExpressApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Linli API')
    .setDescription(
      '邻里 property repair desk: work orders, residents, staff. Errors are { code, message, details?, requestId }.',
    )
    .setVersion('0.1.0')
    .addServer('/', 'This server')
    .addBearerAuth()
    .build();
  // Not open source: a license by name, no URL.
  config.info.license = { name: 'Proprietary' };
  return documentResponses(app, SwaggerModule.createDocument(app, config));
}
