/**
 * Proven households (docs/households.md): who may do what for a house, from the binding's
 * relation, the owner's fee-approval flag and who reported the order.
 */
import type { BindingRelation } from './places.js';

/** How a binding's phone number was proven; null for bindings made before proof was required. */
export const PHONE_PROOFS = ['wechat', 'sms', 'invite'] as const;
export type PhoneProof = (typeof PHONE_PROOFS)[number];

/** The relations an owner can invite: members of the household and tenants (never another owner). */
export const INVITE_RELATIONS = ['family', 'tenant'] as const satisfies readonly BindingRelation[];
export type InviteRelation = (typeof INVITE_RELATIONS)[number];

/** An invite is valid this long after it is made, and for one use. */
export const INVITE_TTL_DAYS = 7;
/** Invite codes: 8 characters of an alphabet without look-alikes (0/O, 1/I/L). */
export const INVITE_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const INVITE_CODE_LENGTH = 8;

/** What a resident's binding lets them do for the house's orders. */
export interface HouseholdRole {
  relation: BindingRelation;
  /** Set by an owner on a family member or tenant: may approve fees. */
  canApproveFees: boolean;
}

/** The owner, or a member the owner allowed (可审批费用), approves or declines a quote. */
export function mayApproveFees(role: HouseholdRole | null | undefined): boolean {
  return !!role && (role.relation === 'owner' || role.canApproveFees);
}

/** Only a verified owner manages the household (approve requests, invite, remove, set the flag). */
export function managesHousehold(role: HouseholdRole | null | undefined): boolean {
  return !!role && role.relation === 'owner';
}

/** Normalise a typed invite code: upper case, without spaces or dashes. */
export function normalizeInviteCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}

/** What an invite's QR code holds: the code with a prefix, so a scan of anything else is refused. */
export function inviteQrText(code: string): string {
  return `linli:invite:${code}`;
}

/** The invite code in a scanned QR text (inviteQrText), or null when it is not an invite. */
export function inviteCodeFromQr(text: string): string | null {
  const m = /^linli:invite:([A-Za-z0-9-]{4,20})$/.exec(text.trim());
  return m ? normalizeInviteCode(m[1]) : null;
}
