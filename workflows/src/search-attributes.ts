import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from '@blockops/domain';

/** Typed keys of blockops' search attributes (names and meaning: packages/domain search-attributes.ts). */
export const MARKET_KEY = defineSearchAttributeKey(SEARCH_ATTRIBUTES.market.name, SearchAttributeType.KEYWORD);
export const STATUS_KEY = defineSearchAttributeKey(SEARCH_ATTRIBUTES.status.name, SearchAttributeType.KEYWORD);
export const CORRELATION_ID_KEY = defineSearchAttributeKey(SEARCH_ATTRIBUTES.correlationId.name, SearchAttributeType.KEYWORD);
export const BATCH_ID_KEY = defineSearchAttributeKey(SEARCH_ATTRIBUTES.batchId.name, SearchAttributeType.KEYWORD);
