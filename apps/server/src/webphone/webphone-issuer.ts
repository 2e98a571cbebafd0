/**
 * Mints the browser softphone's SIP credentials for a signed-in user: the
 * user's "web phone" device (made on first use; its own secret is random and
 * never shown), a short-lived username and password from
 * `WebphoneTokenService`, and where to connect (WSS on the HTTPS port).
 */
import { PalisadeError } from '@palisade/common';
import type { WebphoneIssuing, WebphoneTicketView } from '@palisade/api';
import type { Actor, DeviceService, PbxStore } from '@palisade/pbx';
import type { WebphoneTokenService } from '@palisade/security';

export const WEBPHONE_DEVICE_LABEL = 'web phone';

export type WebphoneTicket = WebphoneTicketView;

export interface WebphoneIssuerDeps {
  readonly store: Pick<PbxStore, 'users' | 'devices' | 'tenants'>;
  readonly devices: Pick<DeviceService, 'add'>;
  readonly tokens: WebphoneTokenService;
  /** The public base URL (https://host:port), read at each mint. */
  readonly publicUrl: () => string;
  readonly wsPath: string;
}

export class WebphoneIssuer implements WebphoneIssuing {
  readonly #d: WebphoneIssuerDeps;

  constructor(deps: WebphoneIssuerDeps) {
    this.#d = deps;
  }

  async issue(who: {
    userId: string;
    tenantId: string;
    sessionId: string;
    remoteAddress?: string;
  }): Promise<WebphoneTicket> {
    const { store } = this.#d;
    const user = await store.users.findById(who.userId);
    if (!user || user.tenantId !== who.tenantId || user.state !== 'active')
      throw new PalisadeError('forbidden', 'this account may not use the web phone');
    const tenant = await store.tenants.findById(user.tenantId);
    if (!tenant) throw new PalisadeError('not_found', 'tenant not found');
    const existing = (await store.devices.listByUser(user.id)).find(
      (d) => d.label === WEBPHONE_DEVICE_LABEL,
    );
    let device: { readonly id: string; readonly sipUsername: string };
    if (existing) device = existing;
    else {
      const actor: Actor = {
        id: `user:${user.id}`,
        tenantId: user.tenantId,
        isSuperAdmin: false,
        ...(who.remoteAddress !== undefined ? { remoteAddress: who.remoteAddress } : {}),
      };
      // The device's own secret is random and dropped here: only minted credentials register it.
      device = (await this.#d.devices.add(actor, { userId: user.id, label: WEBPHONE_DEVICE_LABEL }))
        .device;
    }
    const credential = this.#d.tokens.mint({
      userId: user.id,
      sessionId: who.sessionId,
      deviceId: device.id,
      realm: tenant.sipDomain,
    });
    if (!credential)
      throw new PalisadeError('overloaded', 'too many web phones at once; try again soon');
    const base = new URL(this.#d.publicUrl());
    return {
      wsUrl: `wss://${base.host}${this.#d.wsPath}`,
      sipUri: `sip:${device.sipUsername}@${tenant.sipDomain}`,
      authorizationUser: credential.username,
      password: credential.password,
      displayName: user.displayName,
      expiresAt: credential.expiresAt,
    };
  }
}
