export { bencode, bdecode } from './bencode.ts';
export type { BValue, BDict } from './bencode.ts';
export { NgClient } from './ng-client.ts';
export type { NgEndpoint, NgClientOptions } from './ng-client.ts';
export { RtpengineMediaEngine } from './rtpengine-engine.ts';
export type { RtpengineEngineOptions } from './rtpengine-engine.ts';
