export * from './sdp/index.ts';
