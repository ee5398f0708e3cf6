export { startDevnet, BODY_LIMIT, type DevnetOptions } from './rpc-server';
export { ChainState, MARKETS, type Receipt, type Market, type GateState, type ChainSnapshot } from './chain-state';
export { RPC, RpcError } from './rpc-errors';
