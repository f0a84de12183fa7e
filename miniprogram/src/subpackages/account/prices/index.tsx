import { useCallback, useEffect, useState } from 'react';
import { Text, View } from '@tarojs/components';
import { priceItemName, type HouseBindingView, type PriceItemView } from '@linli/shared';
import { Screen } from '../../../components/screen';
import { StateView } from '../../../components/state-view';
import { api } from '../../../services/api';
import { textOf } from '../../../services/errors';
import { categoryName, yuan } from '../../../services/format';
import './index.scss';

interface Community {
  id: number;
  name: string;
}

/**
 * The categories of the list in the company's category order (the server's list), unknown ones
 * after, and 其他 always last.
 */
function orderGroups(items: readonly PriceItemView[], categoryOrder: readonly string[]): string[] {
  const rank = (c: string) =>
    c === 'other'
      ? Number.MAX_SAFE_INTEGER
      : categoryOrder.includes(c)
        ? categoryOrder.indexOf(c)
        : categoryOrder.length;
  return [...new Set(items.map((i) => i.category))].sort((a, b) => rank(a) - rank(b));
}

function ItemName({ item }: { item: PriceItemView }) {
  const { name, kind } = priceItemName(item.name, item.kind);
  return (
    <Text>
      {name}
      {kind && <Text className="muted">{kind}</Text>}
    </Text>
  );
}

/** The price list of the resident's community, one tap from home, before anything is reported. */
export default function PricesPage() {
  const [communities, setCommunities] = useState<Community[]>([]);
  const [current, setCurrent] = useState<number | null>(null);
  const [items, setItems] = useState<PriceItemView[]>([]);
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (communityId?: number) => {
    setLoading(true);
    setError(null);
    try {
      const houses: HouseBindingView[] = await api.myHouses();
      const mine = [
        ...new Map(houses.filter((h) => h.status === 'verified').map((h) => [h.communityId, h.communityName])),
      ].map(([id, name]) => ({ id, name }));
      setCommunities(mine);
      const target = communityId ?? mine[0]?.id;
      if (target === undefined) {
        setItems([]);
        return;
      }
      const [list, categories] = await Promise.all([api.priceList(target), api.categories(target)]);
      setCurrent(target);
      setItems(list);
      setNames(new Map(categories.map((c) => [c.code, c.name])));
    } catch (err) {
      setError(textOf(err));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const groups = orderGroups(items, [...names.keys()]);
  return (
    <Screen className="prices">
      {communities.length > 1 && (
        <View className="card">
          {communities.map((c) => (
            <View
              key={c.id}
              role="button"
              className={`btn ${c.id === current ? 'btn-primary' : ''}`}
              onClick={() => void load(c.id)}
            >
              {c.name}
            </View>
          ))}
        </View>
      )}
      <StateView
        loading={loading}
        error={error}
        onRetry={() => void load(current ?? undefined)}
        empty={!loading && !error && items.length === 0}
        emptyText={communities.length ? '小区暂未公布收费标准' : '绑定房屋后可查看小区收费标准'}
      />
      {!loading &&
        !error &&
        groups.map((g) => (
          <View className="card" key={g}>
            <View className="card-title">{categoryName(g, names)}</View>
            {items
              .filter((i) => i.category === g)
              .map((i) => (
                <View className="row-between price-row" key={i.id}>
                  <ItemName item={i} />
                  <Text>
                    {i.priceFen === 0 ? '免费' : yuan(i.priceFen)} / {i.unit}
                  </Text>
                </View>
              ))}
          </View>
        ))}
      <View className="card muted">
        需要收费的维修，师傅会先在工单里给出分项报价（人工、材料），您同意后才会继续施工，最终费用不会超过您同意的报价。
      </View>
    </Screen>
  );
}
