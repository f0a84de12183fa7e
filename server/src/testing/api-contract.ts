import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * Checks real answers against the served OpenAPI document (docs/api.md, "The contract"): the
 * status must be one the operation documents, and a JSON body must match that status's schema
 * (the view types' objects are closed, so a field the schema lacks fails). Used by the server's
 * contract spec and by the black-box journeys (e2e/), over every answer they receive.
 */

type Schema = Record<string, unknown>;
interface MediaType {
  schema?: Schema;
}
interface Response {
  $ref?: string;
  content?: Record<string, MediaType>;
}
interface Operation {
  operationId?: string;
  responses: Record<string, Response>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; responses?: Record<string, Response> };
}

export interface Answer {
  method: string;
  /** The URL or its path (a query is ignored). */
  url: string;
  status: number;
  contentType: string | null;
  body: unknown;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * OpenAPI 3.0 schemas as JSON Schema for Ajv: `nullable: true` becomes a null alternative, and
 * references point into the document registered under the id `openapi`.
 */
export function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema as Schema)) {
    if (key === '$ref' && typeof value === 'string') out.$ref = value.startsWith('#') ? `openapi${value}` : value;
    else if (key === 'properties' || key === 'patternProperties') {
      out[key] = Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, toJsonSchema(v)]));
    } else if (key === 'example' || key === 'nullable' || key === 'xml' || key === 'externalDocs') continue;
    else out[key] = toJsonSchema(value);
  }
  if ((schema as Schema).nullable !== true) return out;
  if (
    typeof out.type === 'string' &&
    Object.keys(out).every((k) => ['type', 'enum', 'description', 'format'].includes(k))
  ) {
    return {
      ...out,
      type: [out.type, 'null'],
      ...(Array.isArray(out.enum) ? { enum: [...new Set([...out.enum, null])] } : {}),
    };
  }
  return { anyOf: [out, { type: 'null' }] };
}

interface Route {
  path: string;
  method: string;
  pattern: RegExp;
  params: number;
  op: Operation;
}

export class ApiContract {
  private readonly ajv: Ajv;
  private readonly routes: Route[];
  private readonly validators = new Map<string, ValidateFunction>();
  /** Every answer that broke the contract (for answers nobody awaits, e.g. a browser's). */
  readonly violations: string[] = [];
  /** How many answers were checked. */
  checked = 0;

  constructor(readonly doc: OpenApiDocument) {
    this.ajv = new Ajv({ strict: false, allErrors: true, allowUnionTypes: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'openapi', components: toJsonSchema(doc.components) as object });
    this.routes = Object.entries(doc.paths)
      .flatMap(([path, ops]) =>
        Object.entries(ops).map(([method, op]) => ({
          path,
          method: method.toUpperCase(),
          pattern: new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
          params: (path.match(/\{/g) ?? []).length,
          op,
        })),
      )
      // Literal segments first: /staff/board before /staff/{id}.
      .sort((a, b) => a.params - b.params);
  }

  /** The document a running server serves. */
  static async load(baseUrl: string, token?: string): Promise<ApiContract> {
    const res = await fetch(`${baseUrl}/api/docs/openapi.json`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    if (res.status !== 200) throw new Error(`GET /api/docs/openapi.json: ${res.status}`);
    return new ApiContract((await res.json()) as OpenApiDocument);
  }

  /** What is wrong with an answer (empty: it keeps the contract). */
  problems(a: Answer): string[] {
    const path = new URL(a.url, 'http://x').pathname;
    const what = `${a.method} ${path} → ${a.status}`;
    const route = this.routes.find((r) => r.method === a.method && r.pattern.test(path));
    if (!route) return [`${what}: no such operation in the document`];
    this.checked += 1;
    let response = route.op.responses[String(a.status)];
    if (!response) {
      return [`${what}: status not documented (documented: ${Object.keys(route.op.responses).join(', ')})`];
    }
    if (response.$ref) response = this.doc.components.responses?.[response.$ref.split('/').pop()!] ?? {};
    const type = (a.contentType ?? '').split(';')[0].trim().toLowerCase();
    const content = response.content;
    if (!content) return a.body === null || a.body === '' ? [] : [`${what}: a body where none is documented`];
    if (type !== 'application/json') {
      const documented = Object.keys(content).map((k) => k.split(';')[0].trim().toLowerCase());
      return documented.includes(type) ? [] : [`${what}: content type ${type || 'none'} not documented`];
    }
    const media = content['application/json'];
    if (!media) return [`${what}: JSON where ${Object.keys(content).join(', ')} is documented`];
    if (!media.schema) return [];
    const key = `${route.method} ${route.path} ${a.status}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(media.schema) as object);
      this.validators.set(key, validate);
    }
    if (validate(a.body)) return [];
    return (validate.errors ?? []).slice(0, 8).map((e) => {
      const extra = e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : '';
      return `${what}: body${e.instancePath} ${e.message ?? e.keyword}${extra}`;
    });
  }

  /** Throws when the answer breaks the contract. */
  check(a: Answer): void {
    const problems = this.problems(a);
    if (problems.length) throw new Error(`the answer breaks the API contract:\n${problems.join('\n')}`);
  }

  /** Records (does not throw) what is wrong with the answer. */
  record(a: Answer): void {
    this.violations.push(...this.problems(a));
  }
}
