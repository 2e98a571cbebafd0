/** The SDP of a bench endpoint on 127.0.0.1: PCMA, rtcp-mux, SDES when given an a=crypto value. */
export const loopbackSdp = (port: number, crypto?: string): string =>
  [
    'v=0',
    'o=- 1 1 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} ${crypto ? 'RTP/SAVP' : 'RTP/AVP'} 8`,
    'a=rtpmap:8 PCMA/8000',
    'a=rtcp-mux',
    ...(crypto ? [`a=crypto:${crypto}`] : []),
    '',
  ].join('\r\n');
