import type { OrderScope } from './work-orders.repository.js';

/** The columns of an order that decide who may see it. */
export interface ScopedOrderFacts {
  companyId: number;
  communityId: number;
  houseId: number | null;
  reporterId: number | null;
  createdById: number;
  assigneeId: number | null;
  status: string;
}

/**
 * Whether `order` is inside `scope`: the in-memory twin of `WorkOrdersRepository.applyScope`
 * (the SQL every list and detail uses), for the live notices that must reach exactly the users
 * the REST API would show the order to. `order-scope.int.spec.ts` checks the two agree.
 */
export function orderInScope(scope: OrderScope, order: ScopedOrderFacts): boolean {
  switch (scope.kind) {
    case 'resident':
      return order.reporterId === scope.userId || (order.houseId !== null && scope.houseIds.includes(order.houseId));
    case 'technician':
      return (
        order.companyId === scope.companyId &&
        (order.assigneeId === scope.userId ||
          order.createdById === scope.userId ||
          (order.status === 'pooled' && scope.communityIds.includes(order.communityId)))
      );
    case 'staff':
      return order.companyId === scope.companyId && scope.communityIds.includes(order.communityId);
    case 'company':
      return order.companyId === scope.companyId;
  }
}
