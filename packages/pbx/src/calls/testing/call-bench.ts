/**
 * A B2BUA on the in-memory network with a fake clock, in-memory
 * repositories and a fake media engine, plus phones: what the call tests
 * build on.
 */
import { randomBytes } from 'node:crypto';
import { FakeClock } from '@palisade/common';
import { DigestAuthenticator } from '@palisade/security';
import type { AuditRecord } from '@palisade/security';
import { TransactionLayer } from '@palisade/sip';
import type { Destination, ServerTransaction, SipRequest } from '@palisade/sip';
import { MemoryNetwork } from '@palisade/sip/testing';
import { B2bua } from '../b2bua.ts';
import type { B2buaOptions } from '../b2bua.ts';
import { FakeMediaEngine } from './fake-media-engine.ts';
import { MemoryDirectory } from './memory-call-repos.ts';
import { TestPhone } from './test-phone.ts';

export const SERVER_HOST = '10.0.0.1';

export class CallBench {
  readonly clock = new FakeClock();
  readonly net = new MemoryNetwork(this.clock, 1);
  readonly directory = new MemoryDirectory(this.clock);
  readonly media = new FakeMediaEngine();
  readonly audit: AuditRecord[] = [];
  readonly phones: TestPhone[] = [];
  readonly b2bua: B2bua;
  readonly layer: TransactionLayer;
  /** Methods served by something else than the B2BUA (SUBSCRIBE: the notifier). */
  readonly handlers = new Map<
    string,
    (request: SipRequest, transaction: ServerTransaction, source: Destination) => void
  >();
  #hosts = 1;

  constructor(options: Partial<B2buaOptions> = {}) {
    const server = this.net.endpoint(SERVER_HOST, 5060, 'TCP');
    this.b2bua = new B2bua({
      repos: this.directory.repos(),
      authenticator: new DigestAuthenticator({ secretKey: randomBytes(32), clock: this.clock }),
      location: {
        contactsOf: async (_tenant, userId) =>
          this.phones.filter((p) => p.userId === userId && p.registered).map((p) => p.target),
      },
      media: this.media,
      sentBy: () => ({ host: SERVER_HOST, port: 5060 }),
      audit: { record: async (r) => void this.audit.push(r) },
      clock: this.clock,
      ...options,
    });
    this.layer = new TransactionLayer({
      transport: server,
      clock: this.clock,
      user: {
        request: (r, t, s) => {
          const other = t ? this.handlers.get(r.method) : undefined;
          if (other && t) other(r, t, s);
          else this.b2bua.receive(r, t, s);
        },
      },
    });
    this.b2bua.attach(this.layer);
    server.bind((m, s) => this.layer.receive(m, s));
  }

  /** A user with one phone (or another phone of an existing extension). */
  phone(
    extension: string,
    permissions?: readonly string[],
    transport?: 'TCP' | 'WS' | 'WSS',
  ): TestPhone {
    const existing = this.directory.users.find((u) => u.extension === extension);
    const { user, device } = existing
      ? { user: existing, device: this.directory.addDevice(existing) }
      : this.directory.addUser(extension, permissions);
    const phone = new TestPhone(this.net, this.clock, {
      extension,
      host: `10.0.1.${this.#hosts++}`,
      domain: this.directory.tenant.sipDomain,
      server: { transport: 'TCP', host: SERVER_HOST, port: 5060, reliable: true },
      ...(transport ? { transport } : {}),
    });
    phone.userId = user.id;
    phone.deviceId = device.id;
    this.phones.push(phone);
    return phone;
  }

  /** Moves the clock in small steps, letting promises settle in between. */
  async run(ms: number, step = 5): Promise<void> {
    for (let t = 0; t < ms; t += step) {
      this.clock.advance(step);
      for (let i = 0; i < 4; i++) await new Promise((r) => setImmediate(r));
    }
  }
}
