import { describe, expect, it } from '@jest/globals';
import { replicaStatus } from './replica-reader.js';

describe('replicaStatus', () => {
  it("reads MariaDB's column names and MySQL 8's", () => {
    expect(replicaStatus({ Slave_IO_Running: 'Yes', Slave_SQL_Running: 'Yes', Seconds_Behind_Master: '3' })).toEqual({
      running: true,
      secondsBehind: 3,
    });
    expect(replicaStatus({ Replica_IO_Running: 'Yes', Replica_SQL_Running: 'Yes', Seconds_Behind_Source: 0 })).toEqual({
      running: true,
      secondsBehind: 0,
    });
  });

  it('a stopped thread is not running; a stopped SQL thread has no lag figure; no row is no replica', () => {
    expect(
      replicaStatus({ Slave_IO_Running: 'Connecting', Slave_SQL_Running: 'Yes', Seconds_Behind_Master: 0 }),
    ).toEqual({ running: false, secondsBehind: 0 });
    expect(replicaStatus({ Slave_IO_Running: 'Yes', Slave_SQL_Running: 'No', Seconds_Behind_Master: null })).toEqual({
      running: false,
      secondsBehind: null,
    });
    expect(replicaStatus(undefined)).toBeNull();
  });
});
