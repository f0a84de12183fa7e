#!/usr/bin/env node
// Generates shared/src/api-schemas.ts: the OpenAPI 3.0 schemas of every API answer, made by
// ts-json-schema-generator from the same TypeScript view types the server returns and the
// front-ends read (shared/src/api.ts and its siblings). The server registers them as the
// components of its OpenAPI document; the contract checks validate answers against them.
//
//   node shared/scripts/api-schemas.mjs           write the file
//   node shared/scripts/api-schemas.mjs --check   exit 1 when the file is stale
//
// shared/src/api-schemas.spec.ts fails when the committed file differs from a fresh run.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import tsj from 'ts-json-schema-generator';

const sharedDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUTPUT = path.join(sharedDir, 'src', 'api-schemas.ts');

/** The files that hold the API's shapes. */
const SOURCES = [
  'api',
  'admin-api',
  'staff-api',
  'scores-api',
  'master-data',
  'audit',
  'errors',
  'staff-accounts',
  'notices',
  'billing',
  'inspections',
  'payments',
];

/**
 * Every type an endpoint answers with (and the error body). Types they use are pulled in as
 * their own components when exported, inlined otherwise.
 */
export const VIEW_TYPES = [
  // errors
  'ErrorBody',
  'FieldError',
  'ImportInvalidDetails',
  // auth, places, categories, health
  'LoginResponse',
  'UserView',
  // accounts and the platform (docs/security.md "Accounts and tokens")
  'PasswordResetResponse',
  'PlatformCompanyView',
  'CreateCompanyResponse',
  'CommunityOption',
  'BuildingOption',
  'PublicAreaOption',
  'HouseOption',
  'CategoryView',
  'HealthView',
  'LivenessView',
  'ReadinessView',
  // notifications
  'NotificationPage',
  'NotificationView',
  'MarkAllReadResponse',
  'SubscriptionsView',
  // sms
  'SmsCodeSentView',
  'SmsMessagePage',
  'ReportSubscriptionsResponse',
  // residents
  'HouseBindingView',
  'HouseholdView',
  'HouseMemberView',
  'HouseInviteView',
  // work orders and what hangs off them
  'CreatedWorkOrderView',
  'WorkOrderPage',
  'WorkOrderDetailView',
  'SlaClockView',
  'RoutingDecisionView',
  'RoutingExplanationView',
  'RatingResult',
  'RatingView',
  'UploadView',
  // staff
  'StaffView',
  'StaffCreatedView',
  'RosterView',
  'LeaveView',
  'TeamView',
  'BoardView',
  'RematchPreviewView',
  'RematchApplyView',
  'MyDayView',
  'ColleagueView',
  'HouseResidentView',
  'CallerView',
  // rules
  'RoutingRuleView',
  'RoutingRulePreviewView',
  'SlaPolicyView',
  'EffectiveSlaPolicyView',
  'PriceItemView',
  // master data, audit
  'ImportResult',
  'CommunityRowPage',
  'HouseRowPage',
  'BuildingRow',
  'PlaceCoordinatesView',
  'AuditLogPage',
  // closed loop, scores, surveys
  'FollowUpPage',
  'FollowUpView',
  'FollowUpPolicyView',
  'SummaryView',
  'ReadFreshness',
  'BreakdownView',
  'DriversView',
  'HotspotsView',
  'SurveyView',
  'SurveyResponseResult',
  'SurveyResultsView',
  // fees (docs/fees.md)
  'OrderBillView',
  'FeeSettingView',
  // notices, QR reporting, shared faults (docs/notices.md)
  'NoticeView',
  'QrPlaceView',
  'QrSheetView',
  'SharedFaultsView',
  'JoinResultView',
  'MergeResultView',
  'SurveyScheduleView',
  'SurveyPeriodView',
  // inspections and planned maintenance (docs/inspections.md)
  'InspectionPointView',
  'InspectionPlanView',
  'InspectionRoundView',
  'InspectionRoundDetailView',
  'InspectionReportView',
  'RoundActionsResponse',
  'PointQrView',
  // payments (docs/payments.md)
  'WechatPayStart',
  'PaymentView',
  'RefundView',
  'ReceiptView',
  'LedgerRowView',
  'FeeTotalsRow',
  'UnpaidBillView',
];

/** A component name OpenAPI accepts (`Page<WorkOrderView>` has none of `<>,`). */
const componentName = (name) => name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/_+$/, '');

/** One JSON Schema (draft-07, as the generator writes it) as an OpenAPI 3.0 Schema Object. */
function toOpenApi(schema, rename) {
  if (Array.isArray(schema)) return schema.map((s) => toOpenApi(s, rename));
  if (schema === null || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema' || key === '$id' || key === 'definitions') continue;
    if (key === '$ref')
      out.$ref = `#/components/schemas/${rename(decodeURIComponent(value.replace('#/definitions/', '')))}`;
    else if (key === 'properties' || key === 'patternProperties') {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toOpenApi(v, rename)]));
    } else if (key === 'examples') out.example = value[0];
    else out[key] = toOpenApi(value, rename);
  }
  if ('const' in out) {
    out.enum = [out.const];
    delete out.const;
  }
  // Tuples: OpenAPI 3.0 has one `items` schema; the length stays in minItems/maxItems.
  if (Array.isArray(out.items)) {
    const distinct = [...new Map(out.items.map((s) => [JSON.stringify(s), s])).values()];
    out.items = distinct.length === 1 ? distinct[0] : { anyOf: distinct };
    delete out.additionalItems;
  }
  // `T | null`: OpenAPI 3.0 says `nullable: true` (and null in the enum of an enum).
  if (Array.isArray(out.type)) {
    const types = out.type.filter((t) => t !== 'null');
    const nullable = types.length < out.type.length;
    if (types.length === 1) {
      out.type = types[0];
      if (nullable) out.nullable = true;
    } else {
      delete out.type;
      out.anyOf = types.map((t) => (nullable ? { type: t, nullable: true } : { type: t }));
    }
  }
  for (const alt of ['anyOf', 'oneOf']) {
    if (!out[alt]) continue;
    const rest = out[alt].filter((s) => !(s.type === 'null' && Object.keys(s).length === 1));
    if (rest.length === out[alt].length) continue;
    if (rest.length === 1) {
      delete out[alt];
      const only = rest[0];
      out.nullable = true;
      if (only.$ref) out.allOf = [only];
      else Object.assign(out, { ...only, nullable: true });
    } else {
      // `nullable` needs a `type` beside it: on each alternative.
      out[alt] = rest.map((b) => (b.$ref ? { nullable: true, allOf: [b] } : { ...b, nullable: true }));
    }
  }
  if (out.nullable && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum.push(null);
  // OpenAPI 3.0 ignores siblings of $ref: keep the description on an allOf wrapper.
  if (out.$ref && Object.keys(out).length > 1) {
    const { $ref, ...rest } = out;
    return { ...rest, allOf: [{ $ref }] };
  }
  return out;
}

/** The generated module's source text, formatted as the repository's Prettier config says. */
export async function generateApiSchemasSource() {
  const generator = tsj.createGenerator({
    path: path.join(sharedDir, 'src', `{${SOURCES.join(',')}}.ts`),
    tsconfig: path.join(sharedDir, 'tsconfig.json'),
    type: VIEW_TYPES,
    expose: 'export',
    topRef: true,
    jsDoc: 'extended',
    sortProps: false,
    skipTypeCheck: true,
    additionalProperties: false,
  });
  const definitions = {};
  for (const type of VIEW_TYPES) Object.assign(definitions, generator.createSchema(type).definitions);

  // An alias of a generic (`WorkOrderPage = Page<WorkOrderView>`) names the instance.
  const aliasOf = {};
  for (const [name, def] of Object.entries(definitions)) {
    const target =
      def.$ref && Object.keys(def).length <= 2 ? decodeURIComponent(def.$ref.replace('#/definitions/', '')) : null;
    if (target && /[<>]/.test(target) && !aliasOf[target]) aliasOf[target] = name;
  }
  const rename = (name) => aliasOf[name] ?? componentName(name);
  const schemas = {};
  for (const [name, def] of Object.entries(definitions)) {
    if (Object.values(aliasOf).includes(name)) continue;
    const key = rename(name);
    const schema = toOpenApi(def, rename);
    if (aliasOf[name] && definitions[aliasOf[name]].description)
      schema.description = definitions[aliasOf[name]].description;
    schemas[key] = schema;
  }
  // A nullable reference needs a `type` beside `nullable` (OpenAPI 3.0): the target's own.
  const typeOf = (s) => (s.$ref ? typeOf(schemas[s.$ref.split('/').pop()]) : s.type);
  const typeNullableRefs = (s) => {
    if (Array.isArray(s)) return s.forEach(typeNullableRefs);
    if (s === null || typeof s !== 'object') return;
    if (s.nullable && !s.type && s.allOf?.length === 1 && typeOf(s.allOf[0])) s.type = typeOf(s.allOf[0]);
    Object.values(s).forEach(typeNullableRefs);
  };
  typeNullableRefs(schemas);
  const sorted = Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
  const source = `// Generated by shared/scripts/api-schemas.mjs from the API's view types: do not edit.
// Regenerate with \`node shared/scripts/api-schemas.mjs\` after changing a view type.

/** OpenAPI 3.0 schemas of every API answer, by component name. */
export const API_SCHEMAS = ${JSON.stringify(sorted, null, 2)};

/** A component of API_SCHEMAS. */
export type ApiSchemaName = keyof typeof API_SCHEMAS;
`;
  const options = (await prettier.resolveConfig(OUTPUT)) ?? {};
  return prettier.format(source, { ...options, filepath: OUTPUT });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const fresh = await generateApiSchemasSource();
  if (process.argv.includes('--check')) {
    const current = readFileSync(OUTPUT, 'utf8');
    if (current !== fresh) {
      console.error(`${path.relative(process.cwd(), OUTPUT)} is stale: run node shared/scripts/api-schemas.mjs`);
      process.exit(1);
    }
  } else {
    writeFileSync(OUTPUT, fresh);
    console.log(`wrote ${path.relative(process.cwd(), OUTPUT)}`);
  }
}
