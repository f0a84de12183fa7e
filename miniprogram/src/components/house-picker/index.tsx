import { useState, type ReactNode } from 'react';
import { Input, Text, View } from '@tarojs/components';
import { useLoader, type Loaded } from '../../hooks/use-loader';
import { api } from '../../services/api';
import type { BuildingOption, CommunityOption, HouseOption } from '@linli/shared';
import { StateView } from '../state-view';

/** The community -> building -> house choice of a form, with the loads each step needs. */
export interface HousePick {
  community: CommunityOption | null;
  setCommunity: (c: CommunityOption | null) => void;
  building: BuildingOption | null;
  setBuilding: (b: BuildingOption | null) => void;
  house: HouseOption | null;
  setHouse: (h: HouseOption | null) => void;
  buildings: Loaded<BuildingOption[]>;
  houses: Loaded<HouseOption[]>;
  /** What the room search box holds (pickers with `roomSearch`). */
  room: string;
  setRoom: (room: string) => void;
  /** Back to step 1. */
  reset: () => void;
}

export function useHousePick(): HousePick {
  const [community, setCommunity] = useState<CommunityOption | null>(null);
  const buildings = useLoader(
    () => (community ? api.buildings(community.id) : Promise.resolve([] as BuildingOption[])),
    [community?.id],
  );
  const [building, setBuilding] = useState<BuildingOption | null>(null);
  const houses = useLoader(
    () => (building ? api.houses(building.id) : Promise.resolve([] as HouseOption[])),
    [building?.id],
  );
  const [house, setHouse] = useState<HouseOption | null>(null);
  const [room, setRoom] = useState('');
  const reset = () => {
    setCommunity(null);
    setBuilding(null);
    setHouse(null);
    setRoom('');
  };
  return { community, setCommunity, building, setBuilding, house, setHouse, buildings, houses, room, setRoom, reset };
}

interface Props {
  pick: HousePick;
  communities: Loaded<CommunityOption[]>;
  /** The communities to offer (default: all loaded). */
  communityList?: CommunityOption[];
  /** Shown above the community list (a search box). */
  communitySearch?: ReactNode;
  /** List each community with its address under the name. */
  showAddress?: boolean;
  communityEmptyText?: string;
  /** Hide the lists while their step loads. */
  hideWhileLoading?: boolean;
  /** Say so when a building has no houses or a community no buildings. */
  showEmptyBuildings?: boolean;
  /** A room search box filtering the houses of step 3. */
  roomSearch?: boolean;
  choiceClassName?: string;
  houseLabel?: (h: HouseOption) => string;
  crumbsClassName?: string;
  error: string | null;
  /** Back to step 1 (the 重新选择 link). */
  onRestart: () => void;
  /** Step 4, once a house is chosen. */
  children: ReactNode;
}

/**
 * Crumbs, error banner and the three steps of choosing a house, then `children`. The page owns
 * the state (useHousePick) so it can submit with the house and reset it.
 */
export function HousePicker({
  pick,
  communities,
  communityList = communities.data ?? [],
  communitySearch,
  showAddress = false,
  communityEmptyText,
  hideWhileLoading = false,
  showEmptyBuildings = false,
  roomSearch = false,
  choiceClassName = 'choice',
  houseLabel = (h) => h.label,
  crumbsClassName = 'row-between',
  error,
  onRestart,
  children,
}: Props) {
  const { community, building, house, buildings, houses, room } = pick;
  const crumbs = [community?.name, building?.name, house?.label].filter(Boolean).join(' / ');
  const houseList = (houses.data ?? []).filter((h) => !roomSearch || !room.trim() || h.label.includes(room.trim()));

  return (
    <>
      {crumbs && (
        <View className={crumbsClassName}>
          <Text className="muted">{crumbs}</Text>
          <View className="link-btn" onClick={onRestart} role="button">
            重新选择
          </View>
        </View>
      )}
      {error && (
        <View className="error-banner" role="alert">
          {error}
        </View>
      )}

      {!community ? (
        <View className="card">
          <View className="card-title">1. 选择小区</View>
          {communitySearch}
          <StateView
            loading={communities.loading}
            error={communities.error}
            onRetry={() => void communities.reload()}
            empty={!communityList.length}
            emptyText={communityEmptyText}
          />
          {!(hideWhileLoading && communities.loading) &&
            communityList.map((c) => (
              <View key={c.id} className="list-item" onClick={() => pick.setCommunity(c)} role="button">
                {showAddress ? (
                  <View>
                    <View>{c.name}</View>
                    {c.address && <View className="muted">{c.address}</View>}
                  </View>
                ) : (
                  <Text>{c.name}</Text>
                )}
                <Text className="arrow">›</Text>
              </View>
            ))}
        </View>
      ) : !building ? (
        <View className="card">
          <View className="card-title">2. 选择楼栋</View>
          <StateView
            loading={buildings.loading}
            error={buildings.error}
            onRetry={() => void buildings.reload()}
            empty={showEmptyBuildings && !buildings.data?.length}
          />
          {!(hideWhileLoading && buildings.loading) && (
            <View className="choices">
              {(buildings.data ?? []).map((b) => (
                <View key={b.id} className={choiceClassName} onClick={() => pick.setBuilding(b)} role="button">
                  {b.name}
                </View>
              ))}
            </View>
          )}
        </View>
      ) : !house ? (
        <View className="card">
          <View className="card-title">3. 选择房号</View>
          {roomSearch && (
            <Input
              className="input"
              value={room}
              placeholder="输入房号查找，如 301"
              placeholderClass="placeholder"
              onInput={(e) => pick.setRoom(e.detail.value)}
              aria-label="房号"
            />
          )}
          <StateView
            loading={houses.loading}
            error={houses.error}
            onRetry={() => void houses.reload()}
            empty={!houseList.length}
            emptyText={roomSearch ? '没有找到这个房号' : undefined}
          />
          {!(hideWhileLoading && houses.loading) && (
            <View className="choices">
              {houseList.map((h) => (
                <View key={h.id} className={choiceClassName} onClick={() => pick.setHouse(h)} role="button">
                  {houseLabel(h)}
                </View>
              ))}
            </View>
          )}
        </View>
      ) : (
        children
      )}
    </>
  );
}
