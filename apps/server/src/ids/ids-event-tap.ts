/**
 * Web login detectors live in the identity module and report through the
 * security event stream (`auth.login`, `auth.mfa`, `auth.spraying`). This
 * sink passes every event on unchanged and, once the intrusion detector is
 * attached, also turns those into detector events.
 */
import type { SecurityEvent, SecurityEventSink } from '@palisade/common';
import type { IdsEvent, IntrusionDetector } from '@palisade/security';

export class IdsEventTap implements SecurityEventSink {
  readonly #next: SecurityEventSink;
  #detector: IntrusionDetector | null = null;

  constructor(next: SecurityEventSink) {
    this.#next = next;
  }

  attach(detector: IntrusionDetector | null): void {
    this.#detector = detector;
  }

  emit(event: SecurityEvent): void {
    this.#next.emit(event);
    const ids = toIdsEvent(event);
    if (ids) this.#detector?.report(ids);
  }
}

export function toIdsEvent(e: SecurityEvent): IdsEvent | null {
  if (!e.remoteAddress || e.outcome === 'success' || e.outcome === 'info') return null;
  const username = e.detail?.['username'];
  const user = typeof username === 'string' ? { user: username } : {};
  const tenant = e.tenantId ? { tenantId: e.tenantId } : {};
  const base = { source: e.remoteAddress, service: 'login' as const, ...user, ...tenant };
  switch (e.type) {
    case 'auth.login':
      return { ...base, kind: 'login-failure' };
    case 'auth.mfa':
      return { ...base, kind: 'mfa-failure' };
    case 'auth.spraying':
      return { ...base, kind: 'spraying' };
    default:
      return null;
  }
}
