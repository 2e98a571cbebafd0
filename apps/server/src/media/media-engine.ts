/**
 * Starts the media engine the configuration names: the built-in relay
 * (worker threads) or rtpengine over its ng protocol.
 */
import { isIP } from 'node:net';
import type { Logger } from '@palisade/common';
import { BuiltinMediaEngine, RtpengineMediaEngine } from '@palisade/media';
import type { MediaEngine } from '@palisade/media';
import type { PalisadeConfig } from '../config/schema.ts';

function endpoint(text: string): { host: string; port: number } {
  const at = text.lastIndexOf(':');
  const host = text.slice(0, at).replace(/^\[|\]$/g, '');
  return { host, port: Number(text.slice(at + 1)) };
}

const wildcard = (a: string): boolean => a === '0.0.0.0' || a === '::';

/** The address the relay writes into SDP. */
export function mediaAdvertiseAddress(config: PalisadeConfig): string {
  if (config.media.advertiseAddress !== '') return config.media.advertiseAddress;
  if (!wildcard(config.media.bindAddress)) return config.media.bindAddress;
  const sip = config.sip.bind.find((a) => !wildcard(a) && isIP(a) !== 0);
  return sip ?? '127.0.0.1';
}

export async function startMediaEngine(
  config: PalisadeConfig,
  logger: Logger,
): Promise<MediaEngine> {
  const log = logger.child({ component: 'media' });
  switch (config.media.engine) {
    case 'builtin':
      return BuiltinMediaEngine.start({
        bindAddress: config.media.bindAddress,
        advertiseAddress: mediaAdvertiseAddress(config),
        portMin: config.media.rtpPortMin,
        portMax: config.media.rtpPortMax,
        mediaTimeoutMs: config.media.timeoutSeconds * 1000,
        logger: log,
      });
    case 'rtpengine':
      return RtpengineMediaEngine.start({
        nodes: config.media.rtpengineNodes.map(endpoint),
        logger: log,
      });
  }
}
