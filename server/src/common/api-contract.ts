import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod, SetMetadata } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ERROR_CATALOGUE, type ErrorCode } from '@linli/shared';
import { API_SCHEMAS, type ApiSchemaName } from '@linli/shared/api-schemas';
import { IS_PUBLIC, ROLES } from './auth/decorators.js';
import { RATE_LIMIT } from './rate-limit.js';

/**
 * The answers of the OpenAPI document. Each handler names its success body with @ApiView (a
 * component generated from shared's view types: shared/src/api-schemas.ts), @ApiFile or
 * @ApiNoContent; documentResponses() then writes every operation's responses from that and from
 * what the route's own metadata says it can answer:
 *
 * - 400 when it takes a path, query or header parameter or a body; 413 when it takes a body;
 * - 401 unless @Public; 403 with @Roles; 404 with a path parameter; 429 with @RateLimit;
 * - 503 everywhere (the database is away);
 * - and the `errors` a handler adds (409, 415, 422, a 403 of its own, ...).
 *
 * Docs: docs/api.md, "The contract".
 */

const API_VIEW = 'linli:api-view';

type Body = { view: ApiSchemaName; array?: boolean } | { files: string[] } | null;

interface ViewSpec {
  body: Body;
  /** The success status; default @HttpCode's, else 201 for POST and 200 for the rest. */
  status?: number;
  /** Other success statuses with the same body (a replayed create answers 200). */
  also?: number[];
  /** Error statuses beyond those the route's metadata implies. */
  errors?: number[];
  summary?: string;
}

type Options = Omit<ViewSpec, 'body' | 'summary'>;

/** The handler answers JSON of this generated view type (`['X']`: an array of X). */
export const ApiView = (view: ApiSchemaName | [ApiSchemaName], summary: string, opts: Options = {}) =>
  SetMetadata(API_VIEW, {
    body: Array.isArray(view) ? { view: view[0], array: true } : { view },
    summary,
    ...opts,
  } satisfies ViewSpec);

/** The handler answers a file of one of these media types. */
export const ApiFile = (files: string[], summary: string, opts: Options = {}) =>
  SetMetadata(API_VIEW, { body: { files }, summary, ...opts } satisfies ViewSpec);

/** The handler answers 204 with no body. */
export const ApiNoContent = (summary: string, opts: Options = {}) =>
  SetMetadata(API_VIEW, { body: null, status: 204, summary, ...opts } satisfies ViewSpec);

type Responses = NonNullable<NonNullable<OpenAPIObject['components']>['responses']>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The error statuses and the codes of the catalogue each stands for. */
function errorResponses(): Responses {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const [code, { status }] of Object.entries(ERROR_CATALOGUE) as Array<[ErrorCode, { status: number }]>) {
    if (status >= 400 && status !== 500) byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const retryAfter = {
    'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } },
  };
  return Object.fromEntries(
    [...byStatus].map(([status, codes]): [string, Responses[string]] => [
      `Error${status}`,
      {
        description: `Error body; code one of ${codes.join(', ')}`,
        ...(status === 429 || status === 503 ? { headers: retryAfter } : {}),
        content: { 'application/json': { schema: ref('ErrorBody') } },
      },
    ]),
  );
}

const METHODS: Partial<Record<RequestMethod, string>> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.PATCH]: 'patch',
  [RequestMethod.DELETE]: 'delete',
};

interface RouteMeta {
  key: string;
  path: string;
  method: string;
  spec: ViewSpec | undefined;
  httpCode: number | undefined;
  isPublic: boolean;
  roles: boolean;
  rateLimited: boolean;
}

const joinPath = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .map((s) => s.replace(/:(\w+)/g, '{$1}')) // `:id.png` is `{id}.png`, as Swagger writes it
    .join('/');

/** Every route of every controller, with what its metadata says. */
function routesOf(app: INestApplication, prefix: string): RouteMeta[] {
  const out: RouteMeta[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!type) continue;
      const base = Reflect.getMetadata(PATH_METADATA, type) as string | undefined;
      const proto = type.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const routePath = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const method = METHODS[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        if (routePath === undefined || !method) continue;
        const meta = <T>(key: string) =>
          (Reflect.getMetadata(key, handler) as T | undefined) ?? (Reflect.getMetadata(key, type) as T | undefined);
        for (const p of Array.isArray(routePath) ? routePath : [routePath]) {
          const path = joinPath(prefix, base ?? '', p);
          out.push({
            key: `${method.toUpperCase()} ${path}`,
            path,
            method,
            spec: Reflect.getMetadata(API_VIEW, handler) as ViewSpec | undefined,
            httpCode: Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined,
            isPublic: meta<boolean>(IS_PUBLIC) === true,
            roles: meta<unknown[]>(ROLES) !== undefined,
            rateLimited: Reflect.getMetadata(RATE_LIMIT, handler) !== undefined,
          });
        }
      }
    }
  }
  return out;
}

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  parameters?: unknown[];
  requestBody?: unknown;
  security?: unknown[];
  responses: Record<string, unknown>;
}

/**
 * Write the responses of every operation of `doc` (see the comment at the top), register the
 * generated schemas as components, and mark public operations as needing no token. An
 * operation whose handler names no answer keeps an undocumented 200, which the contract spec
 * (api-contract.int.spec.ts) refuses.
 */
export function documentResponses(app: INestApplication, doc: OpenAPIObject, prefix = 'api'): OpenAPIObject {
  const schemas = (doc.components ??= {}).schemas ?? {};
  for (const name of Object.keys(API_SCHEMAS)) {
    if (name in schemas) throw new Error(`OpenAPI component ${name} is both a request DTO and a generated view`);
  }
  doc.components.schemas = { ...schemas, ...(API_SCHEMAS as Record<string, object>) };
  doc.components.responses = { ...doc.components.responses, ...errorResponses() };

  const routes = new Map(routesOf(app, prefix).map((r) => [r.key, r]));
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(item as Record<string, Operation>)) {
      if (!METHODS_SET.has(method)) continue;
      const op = raw;
      const route = routes.get(`${method.toUpperCase()} ${path}`);
      if (!route) continue;
      const spec = route.spec;
      const status = spec?.status ?? route.httpCode ?? (method === 'post' ? 201 : 200);
      const success = spec ? successResponse(spec.body) : { description: 'Undocumented: the handler has no @ApiView' };
      const responses: Record<string, unknown> = {};
      for (const s of [status, ...(spec?.also ?? [])].sort()) responses[String(s)] = success;

      const errors = new Set(spec?.errors ?? []);
      if (op.parameters?.length || op.requestBody) errors.add(400);
      if (!route.isPublic) errors.add(401);
      if (route.roles) errors.add(403);
      if (path.includes('{')) errors.add(404);
      if (op.requestBody) errors.add(413);
      if (route.rateLimited) errors.add(429);
      errors.add(503);
      for (const e of [...errors].sort()) responses[String(e)] ??= { $ref: `#/components/responses/Error${e}` };
      op.responses = responses;
      if (spec?.summary) op.summary = spec.summary;
      // No token needed (a public route that takes one anyway keeps its @ApiBearerAuth).
      if (route.isPublic) op.security ??= [];
    }
  }
  return doc;
}

const METHODS_SET = new Set(Object.values(METHODS));

function successResponse(body: Body): object {
  if (body === null) return { description: 'No content' };
  if ('files' in body) {
    return {
      description: 'The file',
      content: Object.fromEntries(body.files.map((m) => [m, { schema: { type: 'string', format: 'binary' } }])),
    };
  }
  const schema = body.array ? { type: 'array', items: ref(body.view) } : ref(body.view);
  return {
    description: body.array ? `A list of ${body.view}` : body.view,
    content: { 'application/json': { schema } },
  };
}
