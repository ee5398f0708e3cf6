export * from './statuses';
export * from './limits';
export { utf8ByteLength, truncateUtf8 } from './utf8';
export { parseMemoDependencies, type MemoDependencies } from './memo-dependencies';
export { analyseDependencies, toCsr, reverseCsr, type DependencyAnalysis, type Csr } from './dependency-graph';
export {
  parseBatch,
  finishBatch,
  validateBatch,
  type BatchIssue,
  type BatchValidation,
  type IntakeLookup,
  type ParsedBatch,
  type ValidatedDisbursement,
  lookupIds,
} from './batch-validation';
export * from './schemas';
export * from './error-reasons';
