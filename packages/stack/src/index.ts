export * from './process';
export * from './net';
