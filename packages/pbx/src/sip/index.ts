export { SipServerCore } from './sip-server-core.ts';
export type { IncomingRequest, RequestHandler, SipServerCoreOptions } from './sip-server-core.ts';
export { optionsHandler } from './options-handler.ts';
export { stableToTag } from './stable-to-tag.ts';
