// The throwaway redis-server lives in tools/dev/redis-server.ts (the chaos suite uses it too).
export { findRedisServer, startTestRedis, type TestRedis } from '../../../tools/dev/redis-server';
