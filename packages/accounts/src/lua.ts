// One definition of the EVALSHA-with-fallback runner, shared by every Redis store.
export { luaScript, type LuaScript } from '@blockops/events';
