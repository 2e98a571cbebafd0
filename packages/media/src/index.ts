export * from './sdp/index.ts';
export * from './srtp/index.ts';
export * from './control/index.ts';
export * from './rtpengine/index.ts';
export * from './webrtc/index.ts';
