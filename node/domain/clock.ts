/**
 * Milliseconds since the epoch. Services, chain workers and stores take one from the composition root
 * (node/gateway.ts) instead of reading the system clock, so that tests can move time.
 */
export type Clock = () => number;
