import { chinaLocalTime, nextOccurrence } from '@linli/shared';
import type { EntityManager } from 'typeorm';
import { InspectionPlan, InspectionPoint } from '../../modules/inspections/inspection.entities.js';
import { ScheduledJob } from '../../modules/jobs/job.entity.js';
import { PublicArea } from '../../modules/places/place.entities.js';
import { Team } from '../../modules/staff/staff.entities.js';

/**
 * The demo's inspections (docs/inspections.md): three points of the first community, each on
 * one of its public areas, and a daily round 08:00-10:00 for its repair team, with the job that
 * generates the next round. Codes are fixed so the demo is the same on every run.
 */
export async function seedInspections(
  em: EntityManager,
  opts: { now: Date; companyId: number; communityId: number; adminId: number },
): Promise<void> {
  const areas = await em.find(PublicArea, { where: { communityId: opts.communityId }, order: { id: 'ASC' } });
  const team = await em.findOneByOrFail(Team, { companyId: opts.companyId, name: '海月维修组' });
  const byName = (name: string) => areas.find((a) => a.name === name) ?? areas[0];
  const points: Array<[string, string, string, Array<[string, string, boolean]>]> = [
    [
      '地下车库排水泵',
      '地下车库',
      'HYB2PUMPRM23',
      [
        ['pressure', '水泵压力正常', false],
        ['leak', '无渗漏、无异响', true],
      ],
    ],
    [
      '1栋大堂防火门',
      '1栋大堂',
      'HYFDR2ABCDE3',
      [
        ['closes', '能自动关闭', false],
        ['sign', '疏散指示灯亮', false],
      ],
    ],
    ['东门岗亭监控', '东门岗亭', 'HYCAM2GATE33', [['screen', '监控画面正常', false]]],
  ];
  const ids: number[] = [];
  for (const [name, area, code, items] of points) {
    const row = await em.save(
      em.create(InspectionPoint, {
        companyId: opts.companyId,
        communityId: opts.communityId,
        buildingId: byName(area).buildingId,
        publicAreaId: byName(area).id,
        name,
        code,
        checklist: items.map(([key, label, photoRequired]) => ({ key, label, photoRequired })),
        active: true,
        createdAt: opts.now,
      }),
    );
    ids.push(row.id);
  }
  const schedule = {
    frequency: 'daily' as const,
    dayOf: null,
    windowStart: 8 * 60,
    windowEnd: 10 * 60,
    startsOn: chinaLocalTime(opts.now).date,
  };
  const plan = await em.save(
    em.create(InspectionPlan, {
      companyId: opts.companyId,
      communityId: opts.communityId,
      kind: 'inspection',
      name: '设备日常巡检',
      ...schedule,
      teamId: team.id,
      pointIds: ids,
      publicAreaId: null,
      buildingId: null,
      category: null,
      description: null,
      active: true,
      createdById: opts.adminId,
      createdAt: opts.now,
    }),
  );
  const occ = nextOccurrence(schedule, opts.now);
  await em.save(
    em.create(ScheduledJob, {
      kind: 'insp_generate',
      workOrderId: null,
      refId: plan.id,
      payload: { periodKey: occ.periodKey },
      dueAt: occ.windowStart < opts.now ? opts.now : occ.windowStart,
      status: 'pending',
      attempts: 0,
      lastError: null,
      doneBy: null,
      doneAt: null,
    }),
  );
}
