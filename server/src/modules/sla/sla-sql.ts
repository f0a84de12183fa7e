/**
 * The SLA module's SQL for other modules' read queries over `work_order` (aliased `wo`): the
 * live SLA level of an order, one definition (docs/sla.md "Escalation ladder").
 *
 * The highest escalation level of the order's running or paused clocks of its current cycle
 * (a reopen starts cycle reopenCount); 0 when none has fired or no clock runs. Stopped clocks
 * (met, breached, cancelled) no longer count: a finished stage is no risk.
 */
export const LIVE_SLA_LEVEL_SQL =
  "COALESCE((SELECT MAX(sc.level) FROM sla_clock sc WHERE sc.workOrderId = wo.id AND sc.cycle = wo.reopenCount AND sc.status IN ('running', 'paused')), 0)";
