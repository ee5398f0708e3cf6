export { configSchema, type Config } from './schema';
export { loadConfig, ConfigError } from './load';
export { assertReachable, urlHostPort } from './reachability';
export { exitOnStartupError } from './fatal';
