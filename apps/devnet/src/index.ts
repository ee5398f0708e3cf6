export { startDevnet, BODY_LIMIT, type DevnetOptions } from './rpc-server';
export { ChainState, MARKETS, type Receipt, type Market, type GateState } from './chain-state';
export { RPC, RpcError } from './rpc-errors';
