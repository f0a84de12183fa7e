import { Init1795762195336 } from './1795762195336-Init.js';

/** In order of their timestamps. */
export const MYSQL_MIGRATIONS: Function[] = [
  Init1795762195336,
];
