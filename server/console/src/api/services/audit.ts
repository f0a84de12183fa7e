import type { AuditEntityType, AuditLogEntryView, Page } from '@linli/shared';
import type { ApiClient } from '../client';

/** The filters of GET /api/audit-log; `from` and `to` are ISO instants (`to` exclusive). */
export interface AuditLogQuery {
  entityType?: AuditEntityType;
  actorId?: number;
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

/** The audit log of admin changes. */
export function auditService(client: ApiClient) {
  return {
    list: (q: AuditLogQuery) => client.get<Page<AuditLogEntryView>>('/audit-log', { ...q }),
  };
}
