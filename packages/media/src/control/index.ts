export { otherLeg, sdpTransport } from './media-engine.ts';
export type * from './media-engine.ts';
export { BuiltinMediaEngine } from './builtin-engine.ts';
export type { BuiltinEngineOptions } from './builtin-engine.ts';
export { PortAllocator } from './port-allocator.ts';
