import type { OrderScope } from '../work-orders/work-orders.repository.js';
import { orderInScope } from '../work-orders/order-scope.js';
import type { OrderNotice } from './live-bus.js';

/** A signed-in socket as the registry sees it. */
export interface LiveClient {
  userId: number;
  scope: OrderScope;
}

/**
 * The signed-in sockets of this process, indexed so a notice finds its candidates without a
 * scan of every socket: staff by company, residents by user and verified house. Whether a
 * candidate hears the notice is then decided by `orderInScope`, the twin of the REST scope.
 */
export class LiveRegistry<C extends LiveClient> {
  /** Each user's sockets, oldest first. */
  private readonly byUser = new Map<number, C[]>();
  private readonly staffByCompany = new Map<number, Set<C>>();
  private readonly residentsByHouse = new Map<number, Set<C>>();

  constructor(private readonly maxPerUser: number) {}

  get size(): number {
    let n = 0;
    for (const list of this.byUser.values()) n += list.length;
    return n;
  }

  all(): C[] {
    return [...this.byUser.values()].flat();
  }

  /** Add a socket; returns the user's oldest sockets that no longer fit (the caller closes them). */
  add(c: C): C[] {
    const list = this.byUser.get(c.userId) ?? [];
    list.push(c);
    this.byUser.set(c.userId, list);
    this.index(c);
    const evicted = list.length > this.maxPerUser ? list.slice(0, list.length - this.maxPerUser) : [];
    for (const old of evicted) this.remove(old);
    return evicted;
  }

  remove(c: C): void {
    const list = this.byUser.get(c.userId);
    if (!list) return;
    const i = list.indexOf(c);
    if (i < 0) return;
    list.splice(i, 1);
    if (!list.length) this.byUser.delete(c.userId);
    this.unindex(c);
  }

  has(c: C): boolean {
    return this.byUser.get(c.userId)?.includes(c) ?? false;
  }

  /** The socket's scope changed (bindings, communities): index it anew. */
  rescope(c: C, scope: OrderScope): void {
    const known = this.has(c);
    if (known) this.unindex(c);
    c.scope = scope;
    if (known) this.index(c);
  }

  /**
   * Who hears a notice: `changed` for those who may see the order now, `left` for those who
   * saw it before one of the changes and no longer do.
   */
  recipients(n: OrderNotice): Array<[C, 'changed' | 'left']> {
    const o = n.order;
    const candidates = new Set<C>(this.staffByCompany.get(o.companyId));
    if (o.reporterId !== null) for (const c of this.byUser.get(o.reporterId) ?? []) candidates.add(c);
    if (o.houseId !== null) for (const c of this.residentsByHouse.get(o.houseId) ?? []) candidates.add(c);
    const out: Array<[C, 'changed' | 'left']> = [];
    for (const c of candidates) {
      if (orderInScope(c.scope, o)) out.push([c, 'changed']);
      else if (n.before.some((b) => orderInScope(c.scope, { ...o, status: b.status, assigneeId: b.assigneeId }))) {
        out.push([c, 'left']);
      }
    }
    return out;
  }

  private index(c: C): void {
    const s = c.scope;
    if (s.kind === 'resident') {
      for (const h of s.houseIds) this.setOf(this.residentsByHouse, h).add(c);
    } else {
      this.setOf(this.staffByCompany, s.companyId).add(c);
    }
  }

  private unindex(c: C): void {
    const s = c.scope;
    if (s.kind === 'resident') {
      for (const h of s.houseIds) this.dropFrom(this.residentsByHouse, h, c);
    } else {
      this.dropFrom(this.staffByCompany, s.companyId, c);
    }
  }

  private setOf(map: Map<number, Set<C>>, key: number): Set<C> {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    return set;
  }

  private dropFrom(map: Map<number, Set<C>>, key: number, c: C): void {
    const set = map.get(key);
    if (!set) return;
    set.delete(c);
    if (!set.size) map.delete(key);
  }
}
