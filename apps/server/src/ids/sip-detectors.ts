/**
 * Connects the SIP side's detectors to the intrusion detector: failed
 * digests (registrar, presence notifier), INVITEs to missing or forbidden
 * destinations (B2BUA), and media from unexpected sources (relay). The
 * stacks only report; the detector's policy decides. Returns the disconnect.
 */
import type { B2bua, EventNotifier, LocationService, Registrar } from '@palisade/pbx';
import type { MediaEngine } from '@palisade/media';
import type { IdsService } from '@palisade/security';
import type { TransportName } from '@palisade/sip';
import type { Ids } from './build-ids.ts';

export interface SipDetectorSources {
  readonly registrar: Registrar;
  /** SUBSCRIBE digests fail like REGISTER ones: the same detector counts both. */
  readonly notifier: EventNotifier;
  readonly b2bua: B2bua;
  readonly media: MediaEngine;
  readonly location: LocationService;
}

const serviceOf = (transport: TransportName): IdsService =>
  transport === 'WS' || transport === 'WSS' ? 'ws' : 'sip';

export function connectSipDetectors(ids: Ids, s: SipDetectorSources): () => void {
  const { detector } = ids;
  ids.setRegisteredSources({ has: (a) => s.location.hasSource(a) });
  const off = [
    ...[s.registrar.events, s.notifier.events].map((events) =>
      events.on('auth-failure', (f) =>
        detector.report({
          source: f.sourceAddress,
          service: serviceOf(f.transport),
          kind: 'auth-failure',
          user: f.username,
        }),
      ),
    ),
    // toll-fraud probing: INVITEs to missing (404) or forbidden (403) destinations
    s.b2bua.events.on('bad-destination', (b) =>
      detector.report({
        source: b.sourceAddress,
        service: serviceOf(b.transport),
        kind: 'bad-destination',
        user: b.username,
        tenantId: b.tenantId,
      }),
    ),
    // the relay's wrong-source drops (RTP bleed, injection), summed per source
    s.media.onWrongSource((r) =>
      detector.report({
        source: r.address,
        service: 'rtp',
        kind: 'rtp-wrong-source',
        weight: r.packets,
      }),
    ),
  ];
  return () => {
    for (const f of off) f();
  };
}
