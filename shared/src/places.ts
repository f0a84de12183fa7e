export const BINDING_RELATIONS = ['owner', 'tenant', 'family'] as const;
export type BindingRelation = (typeof BINDING_RELATIONS)[number];

export const BINDING_STATUSES = ['pending', 'verified', 'rejected'] as const;
export type BindingStatus = (typeof BINDING_STATUSES)[number];

/** Normalise a mainland phone number for comparison: digits only, without a +86/86 prefix. */
export function normalizePhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits;
}

/** Mask a phone number for roles that need not see it: 138****1234. */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const p = normalizePhone(phone);
  return p.length >= 7 ? `${p.slice(0, 3)}****${p.slice(-4)}` : '****';
}

/** A registry entry matches a binding request when the name (trimmed) and the phone agree. */
export function registryMatches(
  registry: { name: string; phone: string },
  request: { name: string; phone: string },
): boolean {
  return (
    registry.name.trim() === request.name.trim() && normalizePhone(registry.phone) === normalizePhone(request.phone)
  );
}
