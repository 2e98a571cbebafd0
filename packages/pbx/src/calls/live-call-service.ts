/**
 * Calls in progress for the console and the API (PRODUCT §E1): the B2BUA's
 * calls of one tenant, with the callee's name looked up, and an
 * administrator's hang-up of an answered call (BYE to both phones, the CDR
 * committed with cause `admin_hangup`, the act audited). The tenant rules
 * are the directory's: another tenant's calls are "not found".
 */
import { PalisadeError } from '@palisade/common';
import { assertTenantVisible } from '../directory/actor.ts';
import type { Actor } from '../directory/actor.ts';
import type { UserRepository } from '../ports/user-repository.ts';
import type { AuditSink } from './call-ports.ts';
import type { CallSnapshot, LiveCallState, MediaProfile } from './call-snapshot.ts';

/** The B2BUA as this service needs it. */
export interface LiveCallSource {
  snapshots(): readonly CallSnapshot[];
  endCall(id: string, cause: string): Promise<'ended' | 'not_found' | 'not_answered'>;
}

export interface LiveCallParty {
  readonly userId: string | null;
  readonly deviceId: string | null;
  readonly extension: string | null;
  readonly displayName: string | null;
  readonly transport: string | null;
  readonly media: MediaProfile | null;
}

export interface LiveCall {
  readonly id: string;
  readonly tenantId: string;
  readonly state: LiveCallState;
  readonly startedAt: number;
  readonly answeredAt: number | null;
  readonly caller: LiveCallParty;
  /** `number`: what the caller dialled. */
  readonly callee: LiveCallParty & { readonly number: string };
}

export const ADMIN_HANGUP_CAUSE = 'admin_hangup';

export class LiveCallService {
  readonly #source: LiveCallSource;
  readonly #users: Pick<UserRepository, 'findById'>;
  readonly #audit: AuditSink;

  constructor(source: LiveCallSource, users: Pick<UserRepository, 'findById'>, audit: AuditSink) {
    this.#source = source;
    this.#users = users;
    this.#audit = audit;
  }

  async list(actor: Actor, tenantId: string): Promise<LiveCall[]> {
    assertTenantVisible(actor, tenantId, 'tenant');
    const calls = this.#source.snapshots().filter((c) => c.tenantId === tenantId);
    return Promise.all(calls.map((c) => this.#view(c)));
  }

  /** Hangs up an answered call of `tenantId`; resolves once its CDR is written. */
  async hangUp(actor: Actor, tenantId: string, id: string): Promise<void> {
    assertTenantVisible(actor, tenantId, 'tenant');
    const call = this.#source.snapshots().find((c) => c.id === id && c.tenantId === tenantId);
    if (!call) throw new PalisadeError('not_found', 'no such call in progress');
    const result = await this.#source.endCall(id, ADMIN_HANGUP_CAUSE);
    if (result === 'not_found') throw new PalisadeError('not_found', 'no such call in progress');
    if (result === 'not_answered')
      throw new PalisadeError(
        'conflict',
        'the call is still ringing: only an answered call can be hung up',
      );
    await this.#audit.record({
      actor: actor.id,
      action: 'call.hangup',
      outcome: 'success',
      tenantId,
      target: `call:${id}`,
      remoteAddress: actor.remoteAddress,
      remotePort: actor.remotePort,
      detail: { caller: call.caller.extension, dialled: call.dialled },
    });
  }

  async #view(c: CallSnapshot): Promise<LiveCall> {
    const callee = c.calleeUserId === null ? null : await this.#users.findById(c.calleeUserId);
    return {
      id: c.id,
      tenantId: c.tenantId,
      state: c.state,
      startedAt: c.startedAt,
      answeredAt: c.answeredAt,
      caller: {
        ...c.caller,
        transport: c.callerLeg.transport,
        media: c.callerLeg.media,
      },
      callee: {
        number: c.dialled,
        userId: callee?.id ?? null,
        deviceId: c.calleeDeviceId,
        extension: callee?.extension ?? null,
        displayName: callee?.displayName ?? null,
        transport: c.calleeLeg?.transport ?? null,
        media: c.calleeLeg?.media ?? null,
      },
    };
  }
}
