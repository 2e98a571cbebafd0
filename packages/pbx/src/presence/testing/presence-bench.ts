/**
 * The call bench (a B2BUA on the in-memory network, fake clock) with the
 * notifier and the event packages wired as the server wires them: the
 * B2BUA's activity feeds the user dialogs, which feed the notifier.
 */
import { randomBytes } from 'node:crypto';
import { DigestAuthenticator } from '@palisade/security';
import { createResponse } from '@palisade/sip';
import { CallBench, SERVER_HOST } from '../../calls/testing/call-bench.ts';
import type { TestPhone } from '../../calls/testing/test-phone.ts';
import type { IncomingRequest } from '../../sip/sip-server-core.ts';
import { DialogPackage } from '../dialog-package.ts';
import { EventNotifier } from '../event-notifier.ts';
import { PresencePackage } from '../presence-package.ts';
import { PresenceView } from '../presence-view.ts';
import type { SubscriptionPolicy } from '../subscription-policy.ts';
import { UserDialogs } from '../user-dialogs.ts';

export class PresenceBench extends CallBench {
  readonly dialogs = new UserDialogs();
  readonly registered = new Set<string>();
  readonly notifier: EventNotifier;
  readonly view: PresenceView;

  constructor(policy: Partial<SubscriptionPolicy> = {}) {
    super();
    this.view = new PresenceView({
      repos: this.directory.repos(),
      registered: { isRegistered: (userId) => this.registered.has(userId) },
      dialogs: this.dialogs,
    });
    this.notifier = new EventNotifier({
      repos: this.directory.repos(),
      authenticator: new DigestAuthenticator({ secretKey: randomBytes(32), clock: this.clock }),
      packages: [new DialogPackage(this.dialogs), new PresencePackage(this.view)],
      sentBy: () => ({ host: SERVER_HOST, port: 5060 }),
      policy,
      clock: this.clock,
    });
    this.notifier.attach(this.layer);
    this.b2bua.events.on('activity', (a) => this.dialogs.update(a));
    this.dialogs.events.on('changed', (c) => this.notifier.userChanged(c.userId, 'calls', c.ended));
    this.handlers.set('SUBSCRIBE', (request, transaction, source) => {
      const fail = () => transaction.respond(createResponse(request, 500));
      const incoming: IncomingRequest = {
        request,
        source,
        transaction,
        respond: (status, init) => transaction.respond(createResponse(request, status, init)),
      };
      this.notifier.handle(incoming).catch(fail);
    });
  }

  /** A user with one phone; users may watch colleagues unless `permissions` says otherwise. */
  override phone(
    extension: string,
    permissions: readonly string[] = ['call:internal', 'presence'],
    transport?: 'TCP' | 'WS' | 'WSS',
  ): TestPhone {
    return super.phone(extension, permissions, transport);
  }
}
