// Message definitions (updates, signals, queries) and their types, for code outside the sandbox
// (the web): definitions only, no workflow code.
export * from './operation-messages';
export * from './emergency-messages';
