import { hash } from '@node-rs/argon2';
import {
  chinaDay,
  DEFAULT_CATEGORY_NAMES,
  findRepeatOf,
  followUpDueAt,
  formatOrderNo,
  morePressingReason,
  needsFollowUp,
  planAction,
  planCreate,
  NEGATIVE_TAGS,
  POSITIVE_TAGS,
  RATING_DIMENSIONS,
  transition,
  type ActorContext,
  type ActionInput,
  type FollowUpReason,
  type OrderFacts,
  type OrderPatch,
  type Priority,
  type RepeatCandidate,
  type WorkOrderAction,
  type WorkOrderStatus,
} from '@linli/shared';
import type { DataSource, EntityManager } from 'typeorm';
import { fakeOpenid } from '../../wechat/fake-wechat-server.js';
import { Category } from '../../modules/categories/category.entity.js';
import { PriceItem } from '../../modules/price-list/price-item.entity.js';
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
import { ScheduledJob } from '../../modules/jobs/job.entity.js';
import { seedInspections } from './demo-inspections.js';
import { FollowUp, Rating, RollupDirty } from '../../modules/satisfaction/satisfaction.entities.js';
import { Survey, SurveyResponse } from '../../modules/surveys/survey.entities.js';
import { Team, TeamMember, TechnicianProfile, TechnicianSkill } from '../../modules/staff/staff.entities.js';
import { StaffCommunity, User } from '../../modules/users/user.entities.js';
import { OrderSequence, WorkOrder, WorkOrderEvent } from '../../modules/work-orders/work-order.entities.js';
import { seedSlaClocks } from './demo-sla.js';
import { seedCompletionPhotos } from './demo-photos.js';
import type { FileStorage } from '../../modules/uploads/file-storage.js';
import { mulberry32 } from './prng.js';

export const DEMO_PASSWORD = 'linli-demo';
/** The rating window the demo history is drawn with (the configured default). */
const DEMO_RATING_WINDOW_DAYS = 7;
export const DEMO_RESIDENT_COUNT = 20;

/** The demo company's categories: the catalogue's default names (the mini-program's fallback too). */
export const DEMO_CATEGORIES: Array<[string, string]> = Object.entries(DEFAULT_CATEGORY_NAMES);

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'.split('');
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平'.split('');

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
  opts: {
    wechatAppid: string;
    orders?: number;
    now?: Date;
    ratingWindowDays?: number;
    /** Where uploads live: given, every demo repair is completed with a photo. */
    storage?: FileStorage;
  },
): Promise<DemoSeedResult | null> {
  if ((await ds.getRepository(Company).count()) > 0) return null;
  const passwordHash = await hash(DEMO_PASSWORD);
  const now = opts.now ?? new Date();
  const random = mulberry32(20261127);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];

  return ds.transaction(async (em) => {
    const company = await em.save(em.create(Company, { name: '邻里物业服务有限公司' }));
    const plan = [
      // Shenzhen high-rises: 432 and 216 households (docs/satisfaction.md "The demo data").
      // servicePhone: the community's 物业服务电话 (docs/product-rules.md "Resident screens").
      {
        name: '海月花园',
        code: 'HY',
        address: '深圳市南山区海月路18号',
        servicePhone: '075586001234',
        // As map apps in China show them (GCJ-02; routing distance, arrival estimates): the gate;
        // buildings a few hundred metres apart.
        latitude: 22.5195,
        longitude: 113.9296,
        buildings: 3,
        units: 3,
        floors: 24,
      },
      {
        name: '翠湖苑',
        code: 'CH',
        address: '深圳市福田区翠湖街6号',
        servicePhone: '075583005678',
        latitude: 22.5432,
        longitude: 114.0571,
        buildings: 2,
        units: 3,
        floors: 18,
      },
    ];
    const communities: Community[] = [];
    const housesByCommunity = new Map<number, House[]>();
    const areasByCommunity = new Map<number, PublicArea[]>();
    let phoneSeq = 0;
    const registryOf = new Map<number, { name: string; phone: string }>();
    for (const p of plan) {
      const community = await em.save(
        em.create(Community, {
          companyId: company.id,
          name: p.name,
          code: p.code,
          address: p.address,
          servicePhone: p.servicePhone,
          households: 0,
          latitude: p.latitude,
          longitude: p.longitude,
        }),
      );
      communities.push(community);
      const houses: House[] = [];
      for (let b = 1; b <= p.buildings; b++) {
        // Building b: about 150 m north-east of the gate per step (0.0012° lat, 0.0015° lng).
        const building = await em.save(
          em.create(Building, {
            communityId: community.id,
            name: `${b}栋`,
            latitude: Math.round((p.latitude + b * 0.0012) * 1e6) / 1e6,
            longitude: Math.round((p.longitude + b * 0.0015) * 1e6) / 1e6,
          }),
        );
        for (let u = 1; u <= p.units; u++) {
          const unit = await em.save(em.create(Unit, { buildingId: building.id, name: `${u}单元` }));
          // One unit's houses and registry rows in two multi-row inserts (hundreds of houses).
          const rows: Array<Partial<House>> = [];
          for (let floor = 1; floor <= p.floors; floor++) {
            for (let door = 1; door <= 2; door++) {
              const roomNo = `${floor}0${door}`;
              rows.push({
                communityId: community.id,
                buildingId: building.id,
                unitId: unit.id,
                roomNo,
                label: `${b}栋${u}单元${roomNo}`,
              });
            }
          }
          await em.insert(House, rows);
          const saved = await em.find(House, { where: { unitId: unit.id }, order: { id: 'ASC' } });
          const entries: Array<Partial<HouseRegistryEntry>> = [];
          for (const house of saved) {
            houses.push(house);
            phoneSeq++;
            const owner = {
              name: pick(SURNAMES) + pick(GIVEN) + (random() < 0.5 ? pick(GIVEN) : ''),
              phone: `139${String(10000000 + phoneSeq * 7919).slice(-8)}`,
            };
            registryOf.set(house.id, owner);
            entries.push({ houseId: house.id, ...owner, relation: 'owner' });
          }
          await em.insert(HouseRegistryEntry, entries);
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
    // The company's price list (收费标准), in fen.
    const prices: Array<[string, 'labour' | 'material', string, string, number]> = [
      ['plumbing', 'labour', '疏通下水道', '次', 8000],
      ['plumbing', 'labour', '更换水龙头（人工）', '次', 3000],
      ['plumbing', 'material', '普通水龙头', '个', 4500],
      ['plumbing', 'material', '角阀', '个', 2500],
      ['electrical', 'labour', '检修线路', '次', 5000],
      ['electrical', 'material', '五孔插座', '个', 1800],
      ['electrical', 'material', 'LED 灯泡', '个', 1500],
      ['door_window', 'labour', '更换门锁（人工）', '次', 5000],
      ['door_window', 'material', '入户门锁芯', '个', 12000],
      ['other', 'labour', '上门检查', '次', 0],
    ];
    for (const [i, [category, kind, name, unit, priceFen]] of prices.entries()) {
      await em.save(
        em.create(PriceItem, {
          companyId: company.id,
          communityId: null,
          category,
          kind,
          name,
          unit,
          priceFen,
          sortOrder: i,
        }),
      );
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
    const admin = await staff('admin', 'admin', '系统管理员', '13700000000', []);
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
    // A repair is completed with at least one photo: each technician's demo after photo.
    const completionPhoto = opts.storage
      ? await seedCompletionPhotos(
          em,
          opts.storage,
          techs.map((t) => t.id),
          now,
        )
      : new Map<number, number>();
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
    for (const [i, tech] of techs.entries()) await seedTechnician(em, tech.id, skills[i]);
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
      completionPhoto,
      dispatcher: desk,
      ratingWindowDays: opts.ratingWindowDays ?? DEMO_RATING_WINDOW_DAYS,
    });
    await seedSurveys(em, { now, admin, communities, residents, residentHouse });
    await seedInspections(em, { now, companyId: company.id, communityId: hy.id, adminId: admin.id });
    await seedSecondCompany(em, { now, random, passwordHash, wechatAppid: opts.wechatAppid, storage: opts.storage });
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

const COMMENTS: Record<'good' | 'fair' | 'bad', string[]> = {
  good: ['师傅很专业，谢谢！', '来得很快，修得也好', '态度很好，还帮忙清理了现场'],
  fair: ['修好了，就是等得有点久', '还行'],
  bad: ['等了很久才来', '修完第二天又坏了', '师傅态度不太好'],
};
/**
 * Stars are an ordered-probit draw (docs/satisfaction.md "The demo data"): a latent
 * z = technician + community + N(0, 1), cut at these points, gives the J-shaped mix of service
 * ratings at z's mean 0: 1★ 5%, 2★ 4%, 3★ 9%, 4★ 22%, 5★ 60%.
 */
const STAR_CUTS = [-1.645, -1.341, -0.915, -0.253];
/** How each demo technician tends to be rated (shift of the latent z). */
const TECH_BIAS = [0.35, 0.1, -0.3, 0.2, -0.45, 0.25];
/** Per community (海月花园, 翠湖苑). */
const COMMUNITY_BIAS = [0.1, -0.15];
/** Chance that a technician's first completion does not hold (the resident reopens). */
const TECH_REDO = [0.06, 0.09, 0.14, 0.08, 0.16, 0.07];
/** Chance that an order repeats a recently closed one of its house/area and category. */
const REPEAT_SHARE = 0.03;
/** Complaints among the orders: ~3 a month per 1,000 households on the demo's 648 households. */
const COMPLAINT_SHARE = 0.025;

/** A standard normal draw (Box–Muller). */
function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
/** A log-normal duration in hours: median `medianMinutes`, log-sd `sigma`. */
function lognormalHours(random: () => number, medianMinutes: number, sigma: number): number {
  return (medianMinutes * Math.exp(sigma * normal(random))) / 60;
}
function starsOf(z: number): number {
  let stars = 1;
  for (const cut of STAR_CUTS) if (z > cut) stars++;
  return stars;
}

/** What one seeded order left behind for the tables besides its own row: what repeats read. */
type SeededOrder = RepeatCandidate;

/**
 * Orders over the last 90 days, each walked through the shared state machine; completed ones
 * are rated, confirmed or auto-closed as unrated after the rating window, some are reopened
 * and redone, and low ratings leave follow-up calls for the desk.
 */
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
    /** Technician id → the upload of their completion photo (none without file storage). */
    completionPhoto: Map<number, number>;
    dispatcher: User;
    ratingWindowDays: number;
  },
) {
  const { random } = s;
  // Ratings and the loop draw from their own stream, so the orders stay those of earlier seeds.
  const loop = mulberry32(20261128);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const pickL = <T>(xs: readonly T[]) => xs[Math.floor(loop() * xs.length)];
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
  const dirty = new Set<string>();
  const seeded: SeededOrder[] = [];
  const dayMs = 24 * 3600 * 1000;
  const windowMs = s.ratingWindowDays * dayMs;
  const nowMs = s.now.getTime();
  // Creation times over the last 90 days, denser towards today, oldest first.
  const times = Array.from({ length: s.count }, () => s.now.getTime() - Math.pow(random(), 1.3) * 90 * dayMs).sort(
    (a, b) => a - b,
  );
  for (const at of times.map((ms) => new Date(ms))) {
    let resident = pick(s.residents);
    let community = communityById.get(s.residentHouse.get(resident.id)!.communityId)!;
    const kind = random() < COMPLAINT_SHARE ? 'complaint' : 'repair';
    const wantRepeat = random() < REPEAT_SHARE;
    const priority: Priority = random() < 0.05 ? 'P1' : random() < 0.25 ? 'P2' : random() < 0.9 ? 'P3' : 'P4';
    const day = chinaDay(at);
    // A repeat by the server's rules (shared/src/repeat.ts). The demo's 20 residents report far
    // more often than real households do, so most draws would repeat by accident: draw the place
    // and category again until the order repeats only when it was meant to (REPEAT_SHARE).
    let category = 'other';
    let houseId: number | null = null;
    let publicAreaId: number | null = null;
    let repeatOfId: number | null = null;
    for (let attempt = 0; attempt < 60; attempt++) {
      // Another reporter now and then: one household rarely reports this often.
      if (attempt > 0 && attempt % 3 === 0) {
        resident = pick(s.residents);
        community = communityById.get(s.residentHouse.get(resident.id)!.communityId)!;
      }
      const house = s.residentHouse.get(resident.id)!;
      const usePublic = random() < 0.15;
      category = usePublic
        ? 'public_area'
        : pick(['plumbing', 'plumbing', 'electrical', 'door_window', 'lift', 'other']);
      const area = usePublic ? pick(s.areasByCommunity.get(community.id)!) : null;
      houseId = area ? null : house.id;
      publicAreaId = area ? area.id : null;
      repeatOfId = findRepeatOf(
        {
          id: 0,
          companyId: community.companyId,
          kind,
          category,
          status: 'submitted',
          houseId,
          publicAreaId,
          closedAt: null,
          createdAt: at,
        },
        seeded,
      );
      if ((repeatOfId !== null) === wantRepeat) break;
    }
    const seqKey = `${community.id}:${day}`;
    const seq = (sequences.get(seqKey) ?? 0) + 1;
    sequences.set(seqKey, seq);
    // The row a new order gets from the shared effects, as through the API.
    const created = planCreate({
      companyId: community.companyId,
      communityId: community.id,
      houseId,
      publicAreaId,
      kind,
      channel: random() < 0.8 ? 'miniprogram' : 'phone',
      category,
      priority,
      description: pick(DESCRIPTIONS[category]),
      reporterId: resident.id,
      createdById: resident.id,
      preferredTime: null,
      photoIds: [],
    });
    const order = await em.save(
      em.create(WorkOrder, {
        ...created.row,
        no: formatOrderNo(community.code, day, seq),
        repeatOfId,
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
    const techIndex = s.techs.indexOf(tech);
    // Long-tailed (log-normal) stage times in hours; an urgent order moves faster.
    const urgency = priority === 'P1' ? 0.25 : priority === 'P2' ? 0.5 : 1;
    const waitsForParts = random() < 0.12;
    const work = lognormalHours(random, 50, 0.8);
    const path: Array<[WorkOrderAction, ActorContext['role'], number]> = [
      ['assign', 'desk', lognormalHours(random, 4, 0.8) * urgency],
      ['accept', 'technician', lognormalHours(random, 6, 0.9) * urgency],
      ['depart', 'technician', lognormalHours(random, 20, 1.0) * urgency],
      ['arrive', 'technician', lognormalHours(random, 25, 0.6) * urgency],
      ...(waitsForParts
        ? ([
            ['pause', 'technician', work / 2],
            ['resume', 'technician', lognormalHours(random, 20 * 60, 0.7)],
          ] as Array<[WorkOrderAction, ActorContext['role'], number]>)
        : []),
      ['complete', 'technician', waitsForParts ? work / 2 : work],
      // Residents who rate do so within a day or two; the others leave it to the window.
      [random() < 0.65 ? 'confirm' : 'auto_close', 'resident', lognormalHours(random, 6 * 60, 1.2)],
    ];
    // How far this order got: older ones are closed (or cancelled), those of the last three days
    // anywhere (the open backlog: assigned, accepted, on the way, in progress, waiting for parts).
    const stopAt = ageHours > 3 * 24 ? path.length : Math.floor(random() * (path.length + 1));
    // Whether the first completion holds (else the resident reopens within days).
    const redo = random() < TECH_REDO[techIndex];
    // The order as the shared effects leave it after each step, and every column they changed.
    let facts: OrderFacts = { ...created.row };
    let changed: Partial<OrderPatch> = {};
    // Declared wide: the `step` closure changes it, which narrowing cannot see.
    let status = 'submitted' as WorkOrderStatus;
    let t = at.getTime();
    let rating: Partial<Rating> | null = null;
    const followUps: Array<Partial<FollowUp>> = [];

    /** Take one step if the state machine allows it and it happened before now; false otherwise. */
    const step = (
      action: WorkOrderAction,
      role: ActorContext['role'],
      hours: number,
      note: string | null = null,
      extra: Omit<ActionInput, 'action'> = {},
    ) => {
      const actorRole = action === 'confirm' ? 'resident' : action === 'auto_close' ? 'system' : role;
      const ctx: ActorContext = {
        role: actorRole,
        isAssignee: actorRole === 'technician',
        isReporter: actorRole === 'resident',
      };
      if (!transition(status, action, ctx).ok) {
        throw new Error(`demo seed walked off the state machine: ${status} ${action}`);
      }
      // The window closes an unrated order, whatever the path drew.
      const next = action === 'auto_close' ? t + windowMs : t + hours * 3600_000;
      if (next > nowMs) return false;
      t = next;
      const actorId =
        actorRole === 'technician'
          ? tech.id
          : actorRole === 'resident'
            ? resident.id
            : actorRole === 'desk'
              ? s.dispatcher.id
              : null;
      const when = new Date(t);
      const input: ActionInput = { action, ...(action === 'assign' ? { assigneeId: tech.id } : {}), ...extra };
      const plan = planAction(facts, input, { ...ctx, userId: actorId }, when);
      if (!plan.ok) throw new Error(`demo seed walked off the state machine: ${status} ${action}`);
      const r = plan.effects;
      facts = { ...facts, ...r.patch };
      changed = { ...changed, ...r.patch };
      events.push({
        action,
        fromStatus: status,
        toStatus: r.to,
        actorId,
        actorRole,
        note,
        data: action === 'assign' ? { assigneeId: tech.id } : action === 'reopen' ? { reason: note } : null,
        photoIds:
          action === 'complete' && kind !== 'complaint' && s.completionPhoto.has(tech.id)
            ? [s.completionPhoto.get(tech.id)!]
            : [],
        createdAt: when,
      });
      dirty.add(`${community.id}:${chinaDay(when)}`);
      status = r.to;
      return true;
    };
    const openFollowUp = (reason: FollowUpReason, from: Date) => {
      const dueAt = followUpDueAt(reason, from);
      // One open call per order, as on the server: the more pressing reason takes over.
      const open = followUps.find((f) => f.status === 'open');
      if (open) {
        open.reason = morePressingReason(open.reason as FollowUpReason, reason);
        return;
      }
      const done = dueAt.getTime() < nowMs && loop() < 0.85;
      const reached = loop() < 0.85;
      followUps.push({
        companyId: community.companyId,
        communityId: community.id,
        reason,
        status: done ? 'done' : 'open',
        assigneeId: null,
        dueAt,
        channel: done ? pickL(['phone', 'phone', 'phone', 'wechat', 'visit']) : null,
        reached: done ? reached : null,
        outcome: done
          ? reached
            ? pickL(['已致电住户，问题已解决', '已道歉并安排复查', '住户表示满意'])
            : '电话未接通'
          : null,
        stars: done && reached ? Math.min(5, (rating?.stars ?? 3) + 1) : null,
        speed: null,
        workmanship: null,
        attitude: null,
        communication: null,
        fixed: done && reached ? true : null,
        doneById: done ? s.dispatcher.id : null,
        doneAt: done ? new Date(from.getTime() + loop() * 20 * 3600_000) : null,
        createdAt: from,
      });
    };

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
      const communityBias = COMMUNITY_BIAS[s.communities.indexOf(community)] ?? 0;
      let reopened = false;
      const walk = path.slice(0, stopAt);
      for (let i = 0; i < walk.length; i++) {
        const [action, role, hours] = walk[i];
        if (action === 'complete' && redo && !reopened) {
          // The fix did not hold: completed, reopened by the resident within days, redone.
          if (!step(action, role, hours)) break;
          if (kind === 'complaint') openFollowUp('complaint', new Date(t));
          if (!step('reopen', 'resident', lognormalHours(loop, 30 * 60, 0.8), '住户反馈未修好')) break;
          reopened = true;
          const again: Array<[WorkOrderAction, ActorContext['role'], number]> = [
            ['assign', 'desk', lognormalHours(loop, 10, 0.8)],
            ['accept', 'technician', lognormalHours(loop, 10, 0.8)],
            ['arrive', 'technician', lognormalHours(loop, 90, 0.8)],
          ];
          let ok = true;
          for (const [a, r, h] of again) if (ok && !step(a, r, h)) ok = false;
          if (!ok) break;
          walk.splice(i + 1, 0, ['complete', 'technician', lognormalHours(loop, 60, 0.7)]);
          continue;
        }
        if (action === 'confirm') {
          // Confirming is rating: draw the rating first, so the event carries its stars.
          const z =
            TECH_BIAS[techIndex] + communityBias + normal(loop) - (reopened ? 0.9 : 0) - (waitsForParts ? 0.3 : 0);
          const stars = starsOf(z);
          if (!step(action, role, hours, `评价 ${stars} 星`, { stars })) break;
          const fixed = stars >= 3 ? loop() < 0.97 : loop() < 0.5;
          const tags =
            stars >= 4
              ? [pickL(POSITIVE_TAGS), pickL(POSITIVE_TAGS)]
              : stars <= 2
                ? [pickL(NEGATIVE_TAGS)]
                : loop() < 0.5
                  ? [pickL(NEGATIVE_TAGS)]
                  : [];
          const dims = Object.fromEntries(
            RATING_DIMENSIONS.map((d) => [
              d,
              loop() < 0.7 ? Math.max(1, Math.min(5, stars + Math.round((loop() - 0.5) * 2))) : null,
            ]),
          ) as Record<(typeof RATING_DIMENSIONS)[number], number | null>;
          rating = {
            raterId: resident.id,
            companyId: community.companyId,
            stars,
            ...dims,
            fixed: loop() < 0.8 ? fixed : null,
            tags: [...new Set(tags)],
            comment: loop() < 0.3 ? pickL(COMMENTS[stars >= 4 ? 'good' : stars === 3 ? 'fair' : 'bad']) : null,
            createdAt: new Date(t),
          };
          if (needsFollowUp({ stars, fixed: rating.fixed })) {
            openFollowUp(rating.fixed === false ? 'not_fixed' : 'low_rating', new Date(t));
          }
          continue;
        }
        if (!step(action, role, hours)) break;
        if (action === 'complete' && kind === 'complaint' && !reopened) openFollowUp('complaint', new Date(t));
      }
    }
    // Completed and waiting for a rating: the window's timer runs from the last completion.
    const completedAt = status === 'completed' ? (changed.completedAt ?? null) : null;
    if (completedAt) {
      await em.save(
        em.create(ScheduledJob, {
          kind: 'auto_close',
          workOrderId: order.id,
          refId: null,
          payload: null,
          dueAt: new Date(completedAt.getTime() + windowMs),
          status: 'pending',
          attempts: 0,
          lastError: null,
          doneBy: null,
          doneAt: null,
        }),
      );
    }
    dirty.add(`${community.id}:${day}`);
    for (const e of events)
      await em.save(em.create(WorkOrderEvent, { workOrderId: order.id, photoIds: [], note: null, data: null, ...e }));
    await seedSlaClocks(em, { id: order.id, priority }, events, s.now);
    if (rating) await em.save(em.create(Rating, { ...rating, workOrderId: order.id }));
    for (const f of followUps) await em.save(em.create(FollowUp, { ...f, workOrderId: order.id }));
    await em.update(
      WorkOrder,
      { id: order.id },
      { ...changed, status, version: events.length, updatedAt: new Date(t) },
    );
    const { id, companyId, category: cat } = order;
    seeded.push({
      id,
      companyId,
      kind,
      category: cat,
      status,
      houseId,
      publicAreaId,
      closedAt: changed.closedAt ?? null,
      createdAt: at,
    });
  }
  for (const [key, lastSeq] of sequences) {
    const [communityId, day] = key.split(':');
    await em.save(em.create(OrderSequence, { communityId: Number(communityId), day, lastSeq }));
  }
  // Every day the history touched: the rollup sweep recomputes them from these rows.
  for (const key of dirty) {
    const [communityId, day] = key.split(':');
    await em.save(em.create(RollupDirty, { communityId: Number(communityId), day }));
  }
}

/** A closed survey of last quarter with answers (翠湖苑) and an open one to answer (海月花园). */
async function seedSurveys(
  em: EntityManager,
  s: { now: Date; admin: User; communities: Community[]; residents: User[]; residentHouse: Map<number, House> },
) {
  const random = mulberry32(20261129);
  const dayMs = 24 * 3600 * 1000;
  const [hy, ch] = s.communities;
  const score = (base: number, spread: number, lo: number, hi: number) =>
    Math.max(lo, Math.min(hi, Math.round(base + (random() - 0.5) * spread)));
  const plan = [
    { community: ch, title: '2026 年第三季度满意度调查', from: -80, to: -50, status: 'closed' },
    { community: hy, title: '2026 年第四季度满意度调查', from: -5, to: 25, status: 'open' },
  ];
  for (const p of plan) {
    const survey = await em.save(
      em.create(Survey, {
        companyId: p.community.companyId,
        communityId: p.community.id,
        title: p.title,
        startsAt: new Date(s.now.getTime() + p.from * dayMs),
        endsAt: new Date(s.now.getTime() + p.to * dayMs),
        status: p.status,
        weights: [1 / 3, 1 / 3, 1 / 3],
        createdById: s.admin.id,
        createdAt: new Date(s.now.getTime() + (p.from - 1) * dayMs),
      }),
    );
    // Residents of the community answer; in the open survey resident1 (and a few others) have not yet.
    const residents = s.residents.filter((r) => s.residentHouse.get(r.id)!.communityId === p.community.id);
    const answering = p.status === 'closed' ? residents : residents.slice(1).filter((_, i) => i % 3 !== 2);
    for (const r of answering) {
      const base = 6 + random() * 3;
      await em.save(
        em.create(SurveyResponse, {
          surveyId: survey.id,
          userId: r.id,
          houseId: s.residentHouse.get(r.id)!.id,
          overall: score(base, 3, 1, 10),
          expectation: score(base - 0.5, 3, 1, 10),
          ideal: score(base - 1, 3, 1, 10),
          nps: score(base, 4, 0, 10),
          servperf: {
            tangibles: score(3.8, 2, 1, 5),
            reliability: score(3.5, 2, 1, 5),
            responsiveness: score(3.2, 2, 1, 5),
            assurance: score(3.9, 2, 1, 5),
            empathy: score(3.6, 2, 1, 5),
          },
          comment: random() < 0.3 ? '希望报修响应再快一些' : null,
          createdAt: new Date(survey.startsAt.getTime() + random() * Math.min(p.to - p.from, -p.from) * dayMs),
        }),
      );
    }
  }
}

/** The second demo company's staff logins (password DEMO_PASSWORD), for cross-company checks. */
export const DEMO_SECOND_COMPANY = {
  name: '安居物业服务有限公司',
  admin: 'aj.admin',
  desk: 'aj.desk1',
  technicians: ['aj.tech1', 'aj.tech2'],
  /** WeChat login codes of its residents (H5: type them on the login page). */
  residents: ['aj-resident1', 'aj-resident2', 'aj-resident3', 'aj-resident4'],
} as const;

/**
 * A small second company (docs/security.md: every role of one company is refused the other's
 * records): one community with two buildings (24 houses), an admin, a desk clerk, two
 * technicians covering every category, four verified residents and a dozen orders in every
 * state, generated like the first company's.
 */
async function seedSecondCompany(
  em: EntityManager,
  opts: { now: Date; random: () => number; passwordHash: string; wechatAppid: string; storage?: FileStorage },
): Promise<void> {
  const company = await em.save(em.create(Company, { name: DEMO_SECOND_COMPANY.name }));
  const community = await em.save(
    em.create(Community, {
      companyId: company.id,
      name: '松涛苑',
      code: 'ST',
      address: '深圳市宝安区松涛路9号',
      servicePhone: '075527008899',
      households: 0,
      latitude: 22.5554,
      longitude: 113.8837,
    }),
  );
  const houses: House[] = [];
  for (let b = 1; b <= 2; b++) {
    const building = await em.save(
      em.create(Building, {
        communityId: community.id,
        name: `${b}栋`,
        latitude: Math.round((22.5554 + b * 0.0012) * 1e6) / 1e6,
        longitude: Math.round((113.8837 + b * 0.0015) * 1e6) / 1e6,
      }),
    );
    const unit = await em.save(em.create(Unit, { buildingId: building.id, name: '1单元' }));
    for (let floor = 1; floor <= 6; floor++) {
      for (let door = 1; door <= 2; door++) {
        const roomNo = `${floor}0${door}`;
        const house = await em.save(
          em.create(House, {
            communityId: community.id,
            buildingId: building.id,
            unitId: unit.id,
            roomNo,
            label: `${b}栋1单元${roomNo}`,
          }),
        );
        const n = houses.length + 1;
        await em.save(
          em.create(HouseRegistryEntry, {
            houseId: house.id,
            name: `${SURNAMES[n % SURNAMES.length]}${GIVEN[(n * 7) % GIVEN.length]}`,
            phone: `138${String(20000000 + n * 7919).slice(-8)}`,
            relation: 'owner',
          }),
        );
        houses.push(house);
      }
    }
  }
  community.households = houses.length;
  await em.save(community);
  const areas = [
    await em.save(em.create(PublicArea, { communityId: community.id, name: '地下车库', buildingId: null })),
  ];
  for (const [i, [code, name]] of DEMO_CATEGORIES.entries()) {
    await em.save(em.create(Category, { companyId: company.id, code, name, sortOrder: i }));
  }
  const staff = async (username: string, role: string, name: string, phone: string, serves: boolean) => {
    const user = await em.save(
      em.create(User, {
        role,
        companyId: company.id,
        name,
        phone,
        username,
        passwordHash: opts.passwordHash,
        isDemo: true,
        active: true,
      }),
    );
    if (serves) await em.save(em.create(StaffCommunity, { userId: user.id, communityId: community.id }));
    return user;
  };
  await staff(DEMO_SECOND_COMPANY.admin, 'admin', '周经理', '13600000000', false);
  const desk = await staff(DEMO_SECOND_COMPANY.desk, 'desk', '吴客服', '13600000001', true);
  const techs = [
    await staff(DEMO_SECOND_COMPANY.technicians[0], 'technician', '郑师傅', '13600000101', true),
    await staff(DEMO_SECOND_COMPANY.technicians[1], 'technician', '冯师傅', '13600000102', true),
  ];
  const skills: Array<Array<[string, number]>> = [
    [
      ['plumbing', 4],
      ['electrical', 4],
      ['other', 3],
      ['lift', 2],
    ],
    [
      ['door_window', 4],
      ['public_area', 4],
      ['plumbing', 3],
      ['lift', 3],
    ],
  ];
  for (const [i, tech] of techs.entries()) await seedTechnician(em, tech.id, skills[i]);
  const residents: User[] = [];
  const residentHouse = new Map<number, House>();
  for (const [i, code] of DEMO_SECOND_COMPANY.residents.entries()) {
    const house = houses[i * 3];
    const reg = await em.findOneByOrFail(HouseRegistryEntry, { houseId: house.id });
    const user = await em.save(
      em.create(User, {
        role: 'resident',
        companyId: null,
        name: reg.name,
        phone: reg.phone,
        wechatOpenid: fakeOpenid(opts.wechatAppid, code),
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
        reviewedAt: opts.now,
      }),
    );
    residents.push(user);
    residentHouse.set(user.id, house);
  }
  const completionPhoto = opts.storage
    ? await seedCompletionPhotos(
        em,
        opts.storage,
        techs.map((t) => t.id),
        opts.now,
      )
    : new Map<number, number>();
  await seedOrders(em, {
    count: 12,
    now: opts.now,
    random: opts.random,
    residents,
    residentHouse,
    communities: [community],
    areasByCommunity: new Map([[community.id, areas]]),
    techs,
    completionPhoto,
    dispatcher: desk,
    ratingWindowDays: DEMO_RATING_WINDOW_DAYS,
  });
}

/** A demo technician's skills (category, level) and profile: capacity 6, no position yet. */
async function seedTechnician(em: EntityManager, userId: number, skills: Array<[string, number]>): Promise<void> {
  for (const [category, level] of skills) await em.save(em.create(TechnicianSkill, { userId, category, level }));
  await em.save(
    em.create(TechnicianProfile, {
      userId,
      capacity: 6,
      latitude: null,
      longitude: null,
      positionAt: null,
      lastAssignedAt: null,
    }),
  );
}
