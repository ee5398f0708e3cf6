export * from './errors';
export * from './network';
export * from './workflow-inputs';
export * from './accounting';
export * from './gates';
export * from './money';
