export * from './roles.js';
export * from './work-order.js';
export * from './places.js';
export * from './errors.js';
export * from './order-number.js';
export * from './state-machine.js';
export * from './api.js';
