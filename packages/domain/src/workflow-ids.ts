// apart from workflow-inputs.ts (zod schemas): workflow code imports these
/** Fixed workflow ids: one operation workflow per operation id; the poller is a singleton. */
export const operationWorkflowId = (operationId: string) => `op-${operationId}`;
export const RECEIPT_POLLER_ID = 'receipt-poller';
