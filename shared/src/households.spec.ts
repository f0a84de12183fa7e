import { inviteCodeFromQr, inviteQrText, managesHousehold, mayApproveFees, normalizeInviteCode } from './households.js';

describe('households', () => {
  it('fees: owners always, others only with 可审批费用', () => {
    expect(mayApproveFees({ relation: 'owner', canApproveFees: false })).toBe(true);
    expect(mayApproveFees({ relation: 'family', canApproveFees: false })).toBe(false);
    expect(mayApproveFees({ relation: 'tenant', canApproveFees: true })).toBe(true);
    expect(mayApproveFees(null)).toBe(false);
  });

  it('only owners manage the household, whatever the fee flag', () => {
    expect(managesHousehold({ relation: 'owner', canApproveFees: false })).toBe(true);
    expect(managesHousehold({ relation: 'family', canApproveFees: true })).toBe(false);
    expect(managesHousehold(undefined)).toBe(false);
  });

  it('normalises typed codes and reads them back from a scanned QR text only', () => {
    expect(normalizeInviteCode(' k7m2-qx9p ')).toBe('K7M2QX9P');
    expect(inviteCodeFromQr(inviteQrText('K7M2QX9P'))).toBe('K7M2QX9P');
    expect(inviteCodeFromQr('https://example.com/?code=K7M2QX9P')).toBeNull();
    expect(inviteCodeFromQr('linli:invite:<script>')).toBeNull();
  });
});
