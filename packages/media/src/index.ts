export * from './sdp/index.ts';
export * from './srtp/index.ts';
