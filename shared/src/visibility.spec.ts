import { fullPhonesOnOrder, ofViewersCompany, servedCommunities, servesCommunity, servesRow } from './visibility.js';

const desk = { role: 'desk' as const, companyId: 1, communityIds: [10] };
const admin = { role: 'admin' as const, companyId: 1, communityIds: [] };
const resident = { role: 'resident' as const, companyId: null, communityIds: [] };

describe('visibility', () => {
  it('staff see rows of the communities they serve, admins their whole company, nobody another company', () => {
    expect(servesRow(desk, { companyId: 1, communityId: 10 })).toBe(true);
    expect(servesRow(desk, { companyId: 1, communityId: 11 })).toBe(false);
    expect(servesRow(admin, { companyId: 1, communityId: 11 })).toBe(true);
    expect(servesRow(admin, { companyId: 2, communityId: 11 })).toBe(false);
    expect(servesRow(resident, { companyId: 1, communityId: 10 })).toBe(false);
    expect(servesCommunity(desk, { id: 10, companyId: 2 })).toBe(false);
    expect(ofViewersCompany(resident, { companyId: 1 })).toBe(false);
    expect(servedCommunities(admin)).toBe('all');
    expect(servedCommunities(desk)).toEqual([10]);
  });

  it('shows the technician’s phone to the reporter only while the work is under way', () => {
    const reporter = { isAssignee: false, isReporter: true };
    expect(fullPhonesOnOrder(resident, reporter, 'on_the_way')).toEqual({ reporter: true, assignee: true });
    expect(fullPhonesOnOrder(resident, reporter, 'closed')).toEqual({ reporter: true, assignee: false });
    const neighbour = { isAssignee: false, isReporter: false };
    expect(fullPhonesOnOrder(resident, neighbour, 'on_the_way')).toEqual({ reporter: false, assignee: false });
    const technician = { role: 'technician' as const };
    expect(fullPhonesOnOrder(technician, neighbour, 'pooled')).toEqual({ reporter: false, assignee: true });
    expect(fullPhonesOnOrder(technician, { isAssignee: true, isReporter: false }, 'accepted').reporter).toBe(true);
  });
});
