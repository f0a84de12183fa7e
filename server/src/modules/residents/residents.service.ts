import { randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, MoreThan, type EntityManager } from 'typeorm';
import QRCode from 'qrcode';
import {
  INVITE_CODE_ALPHABET,
  INVITE_CODE_LENGTH,
  INVITE_TTL_DAYS,
  inviteQrText,
  managesHousehold,
  maskPhone,
  mayApproveFees,
  normalizeInviteCode,
  normalizePhone,
  type AuditAction,
  type BindingRelation,
  type BindingStatus,
  type HouseBindingView,
  type HouseholdView,
  type HouseInviteView,
  type HouseMemberView,
  type InviteRelation,
  type PhoneProof,
} from '@linli/shared';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { isUniqueViolation } from '../../common/db-errors.js';
import { recordAudit } from '../audit/audit.service.js';
import { PlacesRepository } from '../places/places.repository.js';
import { HouseBinding, HouseInvite } from './house-binding.entity.js';
import { BindingsRepository } from './bindings.repository.js';
import type { AcceptInviteDto, CreateInviteDto, RequestBindingDto } from './bindings.dto.js';
import { PhoneProofService } from './phone-proof.service.js';

const DAY_MS = 24 * 3600_000;
const bindingExists = () => new AppError('BINDING_EXISTS', 'you already asked to bind this house');

@Injectable()
export class ResidentsService {
  constructor(
    @Inject(BindingsRepository) private readonly bindings: BindingsRepository,
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
    @Inject(PhoneProofService) private readonly proofs: PhoneProofService,
    @Inject(Clock) private readonly clock: Clock,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  async myHouses(actor: Actor): Promise<HouseBindingView[]> {
    return this.toViews(await this.bindings.listForUser(actor.userId));
  }

  /**
   * Ask to bind a house with a proven phone: verified at once as owner when the phone is an
   * owner's on the house registry, else pending until a verified owner or the desk decides.
   */
  async requestBinding(actor: Actor, dto: RequestBindingDto): Promise<HouseBindingView> {
    const house = await this.places.findHouse(dto.houseId);
    if (!house) throw notFound('house');
    if (await this.bindings.find(actor.userId, house.id)) throw bindingExists();
    const { phone, proof } = await this.proofs.prove(dto);
    const registry = await this.places.registryOf(house.id);
    const owner = registry.some((r) => r.relation === 'owner' && normalizePhone(r.phone) === phone);
    const binding = await this.create({
      userId: actor.userId,
      houseId: house.id,
      relation: owner ? 'owner' : dto.relation,
      status: owner ? 'verified' : 'pending',
      name: dto.name.trim(),
      phone,
      phoneProof: proof,
      canApproveFees: false,
      inviteId: null,
      reviewedById: null,
      reviewedAt: owner ? this.clock.now() : null,
    });
    const [view] = await this.toViews([binding]);
    return view;
  }

  /** Join a house by an owner's invite (one use, 7 days) after proving the phone: verified at once. */
  async acceptInvite(actor: Actor, dto: AcceptInviteDto): Promise<HouseBindingView> {
    const code = normalizeInviteCode(dto.code);
    const invite = await this.ds.getRepository(HouseInvite).findOneBy({ code });
    if (!invite || invite.revokedAt) throw notFound('invite');
    if (invite.usedAt) throw new AppError('INVITE_USED', 'this invite has been used');
    const now = this.clock.now();
    if (invite.expiresAt.getTime() <= now.getTime()) throw new AppError('INVITE_EXPIRED', 'this invite has expired');
    const existing = await this.bindings.find(actor.userId, invite.houseId);
    if (existing?.status === 'verified') throw bindingExists();
    const { phone } = await this.proofs.prove(dto);
    const house = (await this.places.findHouse(invite.houseId))!;
    const community = (await this.places.findCommunities([house.communityId]))[0];
    const binding = await this.ds.transaction(async (em) => {
      const claimed = await em
        .getRepository(HouseInvite)
        .createQueryBuilder()
        .update()
        .set({ usedById: actor.userId, usedAt: now })
        .where('id = :id AND usedAt IS NULL AND revokedAt IS NULL', { id: invite.id })
        .execute();
      if ((claimed.affected ?? 0) !== 1) throw new AppError('INVITE_USED', 'this invite has been used');
      // A pending or rejected request of the same resident gives way to the invite.
      if (existing) await em.delete(HouseBinding, { id: existing.id });
      const row = await em.save(
        em.create(HouseBinding, {
          userId: actor.userId,
          houseId: invite.houseId,
          relation: invite.relation,
          status: 'verified',
          name: dto.name.trim(),
          phone,
          phoneProof: 'invite',
          canApproveFees: invite.canApproveFees,
          inviteId: invite.id,
          reviewedById: invite.createdById,
          reviewedAt: now,
        }),
      );
      await recordAudit(em, { ...actor, companyId: community.companyId }, 'create', 'house_binding', row.id, null, {
        status: 'verified',
        relation: invite.relation,
        inviteId: invite.id,
      });
      return row;
    });
    const [view] = await this.toViews([binding]);
    return view;
  }

  /** The desk's or admin's queue of bindings that did not match the registry. */
  async pending(actor: Actor): Promise<HouseBindingView[]> {
    const ids = await this.reviewableCommunities(actor);
    return this.toViews(await this.bindings.pendingInCommunities(ids));
  }

  async review(actor: Actor, id: number, decision: 'verified' | 'rejected'): Promise<HouseBindingView> {
    const binding = await this.bindings.findById(id);
    const house = binding && (await this.places.findHouse(binding.houseId));
    if (!binding || !house || !(await this.reviewableCommunities(actor)).includes(house.communityId)) {
      throw notFound('binding');
    }
    await this.decide(actor, binding, decision);
    const [view] = await this.toViews([(await this.bindings.findById(id))!]);
    return view;
  }

  // ---- the owner's household page --------------------------------------------------------------

  async household(actor: Actor, houseId: number): Promise<HouseholdView> {
    const { house, community } = await this.asOwner(actor, houseId);
    const rows = await this.bindings.allOf(houseId);
    const member = (b: HouseBinding): HouseMemberView => ({
      bindingId: b.id,
      userId: b.userId,
      name: b.name,
      phone: b.userId === actor.userId ? b.phone : maskPhone(b.phone),
      relation: b.relation as BindingRelation,
      status: b.status as BindingStatus,
      canApproveFees: mayApproveFees({ relation: b.relation as BindingRelation, canApproveFees: b.canApproveFees }),
      phoneProof: (b.phoneProof as PhoneProof | null) ?? null,
      isMe: b.userId === actor.userId,
      createdAt: b.createdAt.toISOString(),
    });
    const ownersFirst = (a: HouseBinding, b: HouseBinding) =>
      Number(b.relation === 'owner') - Number(a.relation === 'owner') || a.id - b.id;
    const invites = await this.ds.getRepository(HouseInvite).find({
      where: { houseId, usedAt: IsNull(), revokedAt: IsNull(), expiresAt: MoreThan(this.clock.now()) },
      order: { id: 'DESC' },
    });
    return {
      houseId,
      houseLabel: house.label,
      communityName: community.name,
      members: rows
        .filter((b) => b.status === 'verified')
        .sort(ownersFirst)
        .map(member),
      pending: rows.filter((b) => b.status === 'pending').map(member),
      invites: await Promise.all(invites.map(withQr)),
    };
  }

  /** The owner approves or rejects a pending request for the house. */
  async reviewMember(actor: Actor, bindingId: number, decision: 'verified' | 'rejected'): Promise<HouseholdView> {
    const { binding, houseId, community } = await this.memberOf(actor, bindingId);
    await this.decide({ ...actor, companyId: community.companyId }, binding, decision);
    return this.household(actor, houseId);
  }

  /** The owner sets or clears 可审批费用 on a family member or tenant. */
  async updateMember(actor: Actor, bindingId: number, canApproveFees: boolean): Promise<HouseholdView> {
    const { binding, houseId, community } = await this.memberOf(actor, bindingId);
    if (binding.status !== 'verified') throw notFound('binding');
    if (binding.relation === 'owner') {
      throw new AppError('VALIDATION_FAILED', 'owners always approve fees', [
        { field: 'canApproveFees', problems: ['an owner always approves fees'] },
      ]);
    }
    await this.ds.transaction(async (em) => {
      await em.update(HouseBinding, { id: binding.id }, { canApproveFees });
      await this.audit(
        em,
        actor,
        community.companyId,
        'update',
        'house_binding',
        binding.id,
        {
          canApproveFees: binding.canApproveFees,
        },
        { canApproveFees },
      );
    });
    return this.household(actor, houseId);
  }

  /** The owner removes a family member or tenant (or declines a request): it takes effect at once. */
  async removeMember(actor: Actor, bindingId: number): Promise<HouseholdView> {
    const { binding, houseId, community } = await this.memberOf(actor, bindingId);
    if (binding.relation === 'owner' && binding.status === 'verified') {
      throw new AppError('HOUSEHOLD_OWNER_ONLY', 'an owner is removed by the property desk, not by another owner');
    }
    await this.ds.transaction(async (em) => {
      await em.delete(HouseBinding, { id: binding.id });
      await this.audit(
        em,
        actor,
        community.companyId,
        'delete',
        'house_binding',
        binding.id,
        {
          status: binding.status,
          relation: binding.relation,
        },
        null,
      );
    });
    return this.household(actor, houseId);
  }

  async createInvite(actor: Actor, houseId: number, dto: CreateInviteDto): Promise<HouseInviteView> {
    const { community } = await this.asOwner(actor, houseId);
    const now = this.clock.now();
    for (let attempt = 0; ; attempt++) {
      try {
        const invite = await this.ds.transaction(async (em) => {
          const row = await em.save(
            em.create(HouseInvite, {
              code: newInviteCode(),
              houseId,
              relation: dto.relation,
              canApproveFees: dto.canApproveFees ?? false,
              createdById: actor.userId,
              expiresAt: new Date(now.getTime() + INVITE_TTL_DAYS * DAY_MS),
              usedById: null,
              usedAt: null,
              revokedAt: null,
            }),
          );
          await this.audit(em, actor, community.companyId, 'create', 'house_invite', row.id, null, {
            relation: row.relation,
            canApproveFees: row.canApproveFees,
          });
          return row;
        });
        return withQr(invite);
      } catch (e) {
        if (!isUniqueViolation(e) || attempt >= 3) throw e;
      }
    }
  }

  async revokeInviteById(actor: Actor, inviteId: number): Promise<HouseholdView> {
    const invite = Number.isSafeInteger(inviteId)
      ? await this.ds.getRepository(HouseInvite).findOneBy({ id: inviteId })
      : null;
    if (!invite || invite.revokedAt || invite.usedAt) throw notFound('invite');
    const houseId = invite.houseId;
    const { community } = await this.asOwner(actor, houseId);
    await this.ds.transaction(async (em) => {
      await em.update(HouseInvite, { id: invite.id }, { revokedAt: this.clock.now() });
      await this.audit(
        em,
        actor,
        community.companyId,
        'delete',
        'house_invite',
        invite.id,
        { revokedAt: null },
        {
          revokedAt: 'now',
        },
      );
    });
    return this.household(actor, houseId);
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** A binding of a house the actor owns (404 for anything else, so ids reveal nothing). */
  private async memberOf(actor: Actor, bindingId: number) {
    const binding = Number.isSafeInteger(bindingId) ? await this.bindings.findById(bindingId) : null;
    if (!binding || binding.userId === actor.userId) throw notFound('binding');
    const mine = await this.bindings.verifiedBinding(actor.userId, binding.houseId);
    if (!mine) throw notFound('binding');
    const { community } = await this.asOwner(actor, binding.houseId);
    return { binding, houseId: binding.houseId, community };
  }

  /** The actor's verified owner binding of the house: 404 when not bound at all, 403 when not the owner. */
  private async asOwner(actor: Actor, houseId: number) {
    const mine = Number.isSafeInteger(houseId) ? await this.bindings.verifiedBinding(actor.userId, houseId) : null;
    const house = mine && (await this.places.findHouse(houseId));
    if (!mine || !house) throw notFound('house');
    if (!managesHousehold({ relation: mine.relation as BindingRelation, canApproveFees: mine.canApproveFees })) {
      throw new AppError('HOUSEHOLD_OWNER_ONLY', 'only a verified owner manages the household');
    }
    const community = (await this.places.findCommunities([house.communityId]))[0];
    return { mine, house, community };
  }

  private async decide(actor: Actor, binding: HouseBinding, decision: 'verified' | 'rejected'): Promise<void> {
    await this.ds.transaction(async (em) => {
      if (!(await this.bindings.review(binding.id, decision, actor.userId, em))) {
        throw new AppError('TRANSITION_NOT_ALLOWED', `binding is already ${binding.status}`);
      }
      await recordAudit(
        em,
        actor,
        'review',
        'house_binding',
        binding.id,
        { status: binding.status },
        { status: decision },
      );
    });
  }

  private audit(
    em: EntityManager,
    actor: Actor,
    companyId: number,
    action: AuditAction,
    type: 'house_binding' | 'house_invite',
    id: number,
    before: unknown,
    after: unknown,
  ): Promise<void> {
    return recordAudit(em, { ...actor, companyId }, action, type, id, before, after);
  }

  private async create(data: Partial<HouseBinding>): Promise<HouseBinding> {
    try {
      return await this.bindings.create(data);
    } catch (e) {
      if (isUniqueViolation(e)) throw bindingExists();
      throw e;
    }
  }

  private async reviewableCommunities(actor: Actor): Promise<number[]> {
    if (actor.role === 'admin') {
      return (await this.places.searchCommunities(undefined, actor.companyId, 10_000)).map((c) => c.id);
    }
    return actor.communityIds;
  }

  private async toViews(rows: HouseBinding[]): Promise<HouseBindingView[]> {
    const houses = new Map((await this.places.findHouses(rows.map((r) => r.houseId))).map((h) => [h.id, h]));
    const communities = new Map(
      (await this.places.findCommunities([...new Set([...houses.values()].map((h) => h.communityId))])).map((c) => [
        c.id,
        c,
      ]),
    );
    return rows.map((r) => {
      const house = houses.get(r.houseId)!;
      const community = communities.get(house.communityId)!;
      return {
        id: r.id,
        houseId: r.houseId,
        houseLabel: house.label,
        communityId: community.id,
        communityName: community.name,
        relation: r.relation as BindingRelation,
        status: r.status as BindingStatus,
        createdAt: r.createdAt.toISOString(),
        servicePhone: community.servicePhone ?? null,
        applicant: { name: r.name, phone: r.phone },
        canApproveFees: mayApproveFees({ relation: r.relation as BindingRelation, canApproveFees: r.canApproveFees }),
        phoneProof: (r.phoneProof as PhoneProof | null) ?? null,
      };
    });
  }
}

function newInviteCode(): string {
  let code = '';
  for (let i = 0; i < INVITE_CODE_LENGTH; i++) code += INVITE_CODE_ALPHABET[randomInt(INVITE_CODE_ALPHABET.length)];
  return code;
}

/** The invite's view with its QR image (a PNG data URL the mini-program shows as an image). */
async function withQr(i: HouseInvite): Promise<HouseInviteView> {
  const qrPng = await QRCode.toDataURL(inviteQrText(i.code), { errorCorrectionLevel: 'M', margin: 2, width: 256 });
  return { ...inviteView(i), qrPng };
}

function inviteView(i: HouseInvite): HouseInviteView {
  return {
    id: i.id,
    houseId: i.houseId,
    code: i.code,
    relation: i.relation as InviteRelation,
    canApproveFees: i.canApproveFees,
    expiresAt: i.expiresAt.toISOString(),
    createdAt: i.createdAt.toISOString(),
    usedAt: i.usedAt ? i.usedAt.toISOString() : null,
  };
}
