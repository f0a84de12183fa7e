import type { ApiClient, Query } from '../client';

/**
 * The four calls of an admin collection (routing rules, SLA policies, price items, teams):
 * list, create, replace, delete. `list` may live at another path with a query (the price list).
 */
export interface CrudService<View extends { id: number }, Input, ListQuery = void> {
  list: (query: ListQuery) => Promise<View[]>;
  create: (body: Input) => Promise<View>;
  /** PUT replaces every field. */
  update: (id: number, body: Input) => Promise<View>;
  remove: (id: number) => Promise<void>;
}

export function crudService<View extends { id: number }, Input, ListQuery = void>(
  client: ApiClient,
  path: string,
  list?: { path: string; query: (q: ListQuery) => Query },
): CrudService<View, Input, ListQuery> {
  return {
    list: (q) => (list ? client.get<View[]>(list.path, list.query(q)) : client.get<View[]>(path)),
    create: (body) => client.post<View>(path, body),
    update: (id, body) => client.put<View>(`${path}/${id}`, body),
    remove: (id) => client.delete<void>(`${path}/${id}`),
  };
}
