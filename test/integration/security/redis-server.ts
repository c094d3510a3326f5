// The throwaway redis-server lives in src/dev/redis-server.ts (the chaos suite uses it too).
export { findRedisServer, startTestRedis, type TestRedis } from '../../../src/dev/redis-server';
