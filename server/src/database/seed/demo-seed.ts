import { hash } from '@node-rs/argon2';
import {
  chinaDay,
  formatOrderNo,
  transition,
  type ActorContext,
  type Priority,
  type WorkOrderAction,
  type WorkOrderStatus,
} from '@linli/shared';
import type { DataSource, EntityManager } from 'typeorm';
import { fakeOpenid } from '../../wechat/fake-wechat-server.js';
import { Category } from '../../modules/categories/category.entity.js';
import {
  Building,
  Community,
  Company,
  House,
  HouseRegistryEntry,
  PublicArea,
  Unit,
} from '../../modules/places/place.entities.js';
import { HouseBinding } from '../../modules/residents/house-binding.entity.js';
import { Team, TeamMember, TechnicianProfile, TechnicianSkill } from '../../modules/staff/staff.entities.js';
import { StaffCommunity, User } from '../../modules/users/user.entities.js';
import { OrderSequence, WorkOrder, WorkOrderEvent } from '../../modules/work-orders/work-order.entities.js';

export const DEMO_PASSWORD = 'linli-demo';
export const DEMO_RESIDENT_COUNT = 20;

export const DEMO_CATEGORIES: Array<[string, string]> = [
  ['plumbing', '水管漏水'],
  ['electrical', '电路停电'],
  ['door_window', '门窗门锁'],
  ['lift', '电梯故障'],
  ['public_area', '公共区域'],
  ['other', '其他'],
];

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'.split('');
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平'.split('');

/** A small deterministic PRNG (mulberry32) so every demo database is the same. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoSeedResult {
  companyId: number;
  communities: number;
  houses: number;
  residents: number;
  staff: number;
  orders: number;
}

/** Seed the demo company when the database has none. Returns null when data already exists. */
export async function seedDemo(
  ds: DataSource,
  opts: { wechatAppid: string; orders?: number; now?: Date },
): Promise<DemoSeedResult | null> {
  if ((await ds.getRepository(Company).count()) > 0) return null;
  const passwordHash = await hash(DEMO_PASSWORD);
  const now = opts.now ?? new Date();
  const random = rng(20261127);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];

  return ds.transaction(async (em) => {
    const company = await em.save(em.create(Company, { name: '邻里物业服务有限公司' }));
    const plan = [
      { name: '海月花园', code: 'HY', address: '深圳市南山区海月路18号', buildings: 3 },
      { name: '翠湖苑', code: 'CH', address: '深圳市福田区翠湖街6号', buildings: 2 },
    ];
    const communities: Community[] = [];
    const housesByCommunity = new Map<number, House[]>();
    const areasByCommunity = new Map<number, PublicArea[]>();
    let phoneSeq = 0;
    const registryOf = new Map<number, { name: string; phone: string }>();
    for (const p of plan) {
      const community = await em.save(
        em.create(Community, { companyId: company.id, name: p.name, code: p.code, address: p.address, households: 0 }),
      );
      communities.push(community);
      const houses: House[] = [];
      for (let b = 1; b <= p.buildings; b++) {
        const building = await em.save(em.create(Building, { communityId: community.id, name: `${b}栋` }));
        for (let u = 1; u <= 2; u++) {
          const unit = await em.save(em.create(Unit, { buildingId: building.id, name: `${u}单元` }));
          for (let floor = 1; floor <= 4; floor++) {
            for (let door = 1; door <= 2; door++) {
              const roomNo = `${floor}0${door}`;
              const house = await em.save(
                em.create(House, {
                  communityId: community.id,
                  buildingId: building.id,
                  unitId: unit.id,
                  roomNo,
                  label: `${b}栋${u}单元${roomNo}`,
                }),
              );
              houses.push(house);
              phoneSeq++;
              const owner = {
                name: pick(SURNAMES) + pick(GIVEN) + (random() < 0.5 ? pick(GIVEN) : ''),
                phone: `139${String(10000000 + phoneSeq * 7919).slice(-8)}`,
              };
              registryOf.set(house.id, owner);
              await em.save(em.create(HouseRegistryEntry, { houseId: house.id, ...owner, relation: 'owner' }));
            }
          }
        }
      }
      community.households = houses.length;
      await em.save(community);
      housesByCommunity.set(community.id, houses);
      const areas = [];
      for (const name of ['地下车库', '1栋大堂', '儿童游乐区', '东门岗亭']) {
        areas.push(await em.save(em.create(PublicArea, { communityId: community.id, name, buildingId: null })));
      }
      areasByCommunity.set(community.id, areas);
    }
    for (const [i, [code, name]] of DEMO_CATEGORIES.entries()) {
      await em.save(em.create(Category, { companyId: company.id, code, name, sortOrder: i }));
    }

    const staff = async (username: string, role: string, name: string, phone: string, serves: Community[]) => {
      const user = await em.save(
        em.create(User, {
          role,
          companyId: company.id,
          name,
          phone,
          username,
          passwordHash,
          isDemo: true,
          active: true,
        }),
      );
      for (const c of serves) await em.save(em.create(StaffCommunity, { userId: user.id, communityId: c.id }));
      return user;
    };
    const [hy, ch] = communities;
    await staff('admin', 'admin', '系统管理员', '13700000000', []);
    await staff('supervisor1', 'supervisor', '陈主管', '13700000001', communities);
    const desk = await staff('desk1', 'desk', '林客服', '13700000002', communities);
    const techPlan: Array<[string, Community[]]> = [
      ['张师傅', [hy]],
      ['李师傅', [hy]],
      ['王师傅', [hy, ch]],
      ['赵师傅', [ch]],
      ['刘师傅', [ch]],
      ['孙师傅', [hy, ch]],
    ];
    const techs: User[] = [];
    for (const [i, [name, serves]] of techPlan.entries()) {
      techs.push(await staff(`tech${i + 1}`, 'technician', name, `1370000010${i + 1}`, serves));
    }
    // Skills so that every demo category routes to someone in each community.
    const skills: Array<Array<[string, number]>> = [
      [
        ['plumbing', 5],
        ['electrical', 3],
        ['other', 3],
      ],
      [
        ['door_window', 4],
        ['plumbing', 3],
        ['public_area', 3],
      ],
      [
        ['electrical', 5],
        ['lift', 3],
        ['other', 2],
      ],
      [
        ['plumbing', 4],
        ['public_area', 3],
        ['door_window', 3],
      ],
      [
        ['electrical', 4],
        ['door_window', 3],
        ['other', 3],
      ],
      [
        ['lift', 5],
        ['public_area', 4],
        ['plumbing', 2],
      ],
    ];
    for (const [i, tech] of techs.entries()) {
      for (const [category, level] of skills[i])
        await em.save(em.create(TechnicianSkill, { userId: tech.id, category, level }));
      await em.save(
        em.create(TechnicianProfile, {
          userId: tech.id,
          capacity: 6,
          latitude: null,
          longitude: null,
          lastAssignedAt: null,
        }),
      );
    }
    const supervisorUser = await em.findOneByOrFail(User, { username: 'supervisor1' });
    for (const [name, members] of [
      ['海月维修组', techs.slice(0, 3)],
      ['翠湖维修组', techs.slice(3)],
    ] as const) {
      const team = await em.save(em.create(Team, { companyId: company.id, name, supervisorId: supervisorUser.id }));
      for (const m of members) await em.save(em.create(TeamMember, { teamId: team.id, userId: m.id }));
    }

    // resident1..20: verified for the first houses of each community, alternately.
    const residents: User[] = [];
    const residentHouse = new Map<number, House>();
    const hyHouses = housesByCommunity.get(hy.id)!;
    const chHouses = housesByCommunity.get(ch.id)!;
    for (let i = 1; i <= DEMO_RESIDENT_COUNT; i++) {
      const house = i % 2 === 1 ? hyHouses[(i - 1) / 2] : chHouses[i / 2 - 1];
      const reg = registryOf.get(house.id)!;
      const user = await em.save(
        em.create(User, {
          role: 'resident',
          companyId: null,
          name: reg.name,
          phone: reg.phone,
          wechatOpenid: fakeOpenid(opts.wechatAppid, `resident${i}`),
          isDemo: true,
          active: true,
        }),
      );
      await em.save(
        em.create(HouseBinding, {
          userId: user.id,
          houseId: house.id,
          relation: 'owner',
          status: 'verified',
          name: reg.name,
          phone: reg.phone,
          reviewedById: null,
          reviewedAt: now,
        }),
      );
      residents.push(user);
      residentHouse.set(user.id, house);
    }

    const orderCount = opts.orders ?? 240;
    await seedOrders(em, {
      count: orderCount,
      now,
      random,
      residents,
      residentHouse,
      communities,
      areasByCommunity,
      techs,
      dispatcher: desk,
    });
    return {
      companyId: company.id,
      communities: communities.length,
      houses: [...housesByCommunity.values()].reduce((n, h) => n + h.length, 0),
      residents: residents.length,
      staff: 3 + techs.length,
      orders: orderCount,
    };
  });
}

const DESCRIPTIONS: Record<string, string[]> = {
  plumbing: ['厨房水管漏水', '卫生间下水道堵塞', '热水器不出热水', '水龙头一直滴水'],
  electrical: ['客厅插座没电', '整户跳闸停电', '灯不亮了', '空调插座冒火花'],
  door_window: ['入户门锁打不开', '窗户关不严', '阳台推拉门卡住'],
  lift: ['电梯按钮失灵', '电梯运行有异响'],
  public_area: ['楼道灯不亮', '车库积水', '单元门禁坏了'],
  other: ['墙面渗水发霉', '外墙瓷砖松动'],
};

/** Orders over the last 90 days, each walked through the shared state machine. */
async function seedOrders(
  em: EntityManager,
  s: {
    count: number;
    now: Date;
    random: () => number;
    residents: User[];
    residentHouse: Map<number, House>;
    communities: Community[];
    areasByCommunity: Map<number, PublicArea[]>;
    techs: User[];
    dispatcher: User;
  },
) {
  const { random } = s;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const communityById = new Map(s.communities.map((c) => [c.id, c]));
  const techCommunities = new Map<number, number[]>();
  for (const t of s.techs) {
    const rows = await em.findBy(StaffCommunity, { userId: t.id });
    techCommunities.set(
      t.id,
      rows.map((r) => r.communityId),
    );
  }
  const sequences = new Map<string, number>();
  const dayMs = 24 * 3600 * 1000;
  // Creation times over the last 90 days, denser towards today, oldest first.
  const times = Array.from({ length: s.count }, () => s.now.getTime() - Math.pow(random(), 1.3) * 90 * dayMs).sort(
    (a, b) => a - b,
  );
  for (const at of times.map((ms) => new Date(ms))) {
    const resident = pick(s.residents);
    const house = s.residentHouse.get(resident.id)!;
    const community = communityById.get(house.communityId)!;
    const usePublic = random() < 0.15;
    const category = usePublic
      ? 'public_area'
      : pick(['plumbing', 'plumbing', 'electrical', 'door_window', 'lift', 'other']);
    const priority: Priority = random() < 0.05 ? 'P1' : random() < 0.25 ? 'P2' : random() < 0.9 ? 'P3' : 'P4';
    const day = chinaDay(at);
    const seqKey = `${community.id}:${day}`;
    const seq = (sequences.get(seqKey) ?? 0) + 1;
    sequences.set(seqKey, seq);
    const area = usePublic ? pick(s.areasByCommunity.get(community.id)!) : null;
    const order = await em.save(
      em.create(WorkOrder, {
        no: formatOrderNo(community.code, day, seq),
        companyId: community.companyId,
        communityId: community.id,
        houseId: area ? null : house.id,
        publicAreaId: area ? area.id : null,
        kind: random() < 0.06 ? 'complaint' : 'repair',
        channel: random() < 0.8 ? 'miniprogram' : 'phone',
        category,
        priority,
        status: 'submitted',
        description: pick(DESCRIPTIONS[category]),
        reporterId: resident.id,
        createdById: resident.id,
        assigneeId: null,
        preferredTime: null,
        photoIds: [],
        quoteItems: null,
        quoteTotalFen: null,
        quoteApproved: null,
        urgeCount: 0,
        reopenCount: 0,
        version: 1,
        completedAt: null,
        closedAt: null,
        createdAt: at,
        updatedAt: at,
      }),
    );
    const events: Array<Partial<WorkOrderEvent>> = [
      {
        action: 'create',
        fromStatus: null,
        toStatus: 'submitted',
        actorId: resident.id,
        actorRole: 'resident',
        createdAt: at,
      },
    ];
    const ageHours = (s.now.getTime() - at.getTime()) / 3600_000;
    const eligible = s.techs.filter((t) => techCommunities.get(t.id)!.includes(community.id));
    const tech = pick(eligible);
    // How far this order got: old ones are closed (or cancelled), recent ones anywhere.
    const path: Array<[WorkOrderAction, ActorContext['role'], number]> = [
      ['assign', 'desk', 0.1],
      ['accept', 'technician', 0.15],
      ['depart', 'technician', 0.3],
      ['arrive', 'technician', 1],
      ['complete', 'technician', 2 + random() * 20],
      [random() < 0.6 ? 'confirm' : 'auto_close', random() < 0.6 ? 'resident' : 'system', 30 + random() * 100],
    ];
    const stopAt = ageHours > 7 * 24 ? path.length : Math.floor(random() * (path.length + 1));
    let status: WorkOrderStatus = 'submitted';
    let t = at.getTime();
    let assigneeId: number | null = null;
    let completedAt: Date | null = null;
    let closedAt: Date | null = null;
    if (random() < 0.03) {
      const r = transition(status, 'cancel', { role: 'resident', isAssignee: false, isReporter: true });
      if (r.ok) {
        t = Math.min(t + 0.2 * 3600_000, s.now.getTime());
        events.push({
          action: 'cancel',
          fromStatus: status,
          toStatus: r.to,
          actorId: resident.id,
          actorRole: 'resident',
          note: '问题已自行解决',
          createdAt: new Date(t),
        });
        status = r.to;
      }
    } else {
      for (const [action, role, hours] of path.slice(0, stopAt)) {
        const actorRole = action === 'confirm' ? 'resident' : action === 'auto_close' ? 'system' : role;
        const ctx: ActorContext = {
          role: actorRole,
          isAssignee: actorRole === 'technician',
          isReporter: actorRole === 'resident',
        };
        const r = transition(status, action, ctx);
        if (!r.ok) throw new Error(`demo seed walked off the state machine: ${status} ${action}`);
        const next = t + hours * 3600_000 * (priority === 'P1' ? 0.2 : 1);
        if (next > s.now.getTime()) break;
        t = next;
        const actorId =
          actorRole === 'technician'
            ? tech.id
            : actorRole === 'resident'
              ? resident.id
              : actorRole === 'desk'
                ? s.dispatcher.id
                : null;
        if (action === 'assign') assigneeId = tech.id;
        if (action === 'complete') completedAt = new Date(t);
        if (action === 'confirm' || action === 'auto_close') closedAt = new Date(t);
        events.push({
          action,
          fromStatus: status,
          toStatus: r.to,
          actorId,
          actorRole,
          data: action === 'assign' ? { assigneeId: tech.id } : null,
          createdAt: new Date(t),
        });
        status = r.to;
      }
    }
    for (const e of events)
      await em.save(em.create(WorkOrderEvent, { workOrderId: order.id, photoIds: [], note: null, data: null, ...e }));
    await em.update(
      WorkOrder,
      { id: order.id },
      {
        status,
        assigneeId,
        completedAt,
        closedAt,
        version: events.length,
        updatedAt: new Date(t),
      },
    );
  }
  for (const [key, lastSeq] of sequences) {
    const [communityId, day] = key.split(':');
    await em.save(em.create(OrderSequence, { communityId: Number(communityId), day, lastSeq }));
  }
}
