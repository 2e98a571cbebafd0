import { randomUUID } from 'node:crypto';
import type {
  MfaFactor,
  MfaFactorKind,
  MfaFactorRepository,
  NewMfaFactor,
} from '@palisade/security';
import type { Selectable } from 'kysely';
import type { MfaFactorsTable } from '../schema/database.ts';
import { guarded } from './constraint-errors.ts';
import { toBool, type RepositoryContext } from './repository-context.ts';

function toFactor(r: Selectable<MfaFactorsTable>): MfaFactor {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    userId: r.user_id,
    kind: r.kind,
    label: r.label,
    secret: r.secret,
    credentialId: r.credential_id,
    counter: Number(r.counter),
    lastStep: r.last_step === null ? null : Number(r.last_step),
    confirmed: toBool(r.confirmed),
    createdAt: Number(r.created_at),
    lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
  };
}

export class SqlMfaFactorRepository implements MfaFactorRepository {
  readonly #ctx: RepositoryContext;

  constructor(ctx: RepositoryContext) {
    this.#ctx = ctx;
  }

  async create(input: NewMfaFactor): Promise<MfaFactor> {
    const row = {
      id: randomUUID(),
      tenant_id: input.tenantId,
      user_id: input.userId,
      kind: input.kind,
      label: input.label,
      secret: input.secret,
      credential_id: input.credentialId ?? null,
      counter: input.counter ?? 0,
      last_step: null,
      confirmed: input.confirmed,
      created_at: this.#ctx.clock.now(),
      last_used_at: null,
    };
    await guarded(() => this.#ctx.db.insertInto('mfa_factors').values(row).execute());
    return toFactor(row);
  }

  async findById(id: string): Promise<MfaFactor | null> {
    const r = await this.#ctx.db
      .selectFrom('mfa_factors')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return r ? toFactor(r) : null;
  }

  async findByCredentialId(credentialId: string): Promise<MfaFactor | null> {
    const r = await this.#ctx.db
      .selectFrom('mfa_factors')
      .selectAll()
      .where('credential_id', '=', credentialId)
      .executeTakeFirst();
    return r ? toFactor(r) : null;
  }

  async listOfUser(userId: string): Promise<MfaFactor[]> {
    const rows = await this.#ctx.db
      .selectFrom('mfa_factors')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toFactor);
  }

  async advanceStep(id: string, step: number, at: number): Promise<boolean> {
    const r = await this.#ctx.db
      .updateTable('mfa_factors')
      .set({ last_step: step, last_used_at: at })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
      .executeTakeFirst();
    return r.numUpdatedRows === 1n;
  }

  async consume(id: string, at: number): Promise<boolean> {
    const r = await this.#ctx.db
      .updateTable('mfa_factors')
      .set({ last_used_at: at })
      .where('id', '=', id)
      .where('last_used_at', 'is', null)
      .executeTakeFirst();
    return r.numUpdatedRows === 1n;
  }

  async update(
    id: string,
    patch: { confirmed?: boolean; counter?: number; lastUsedAt?: number; label?: string },
  ): Promise<void> {
    const set = {
      ...(patch.confirmed !== undefined ? { confirmed: patch.confirmed } : {}),
      ...(patch.counter !== undefined ? { counter: patch.counter } : {}),
      ...(patch.lastUsedAt !== undefined ? { last_used_at: patch.lastUsedAt } : {}),
      ...(patch.label !== undefined ? { label: patch.label } : {}),
    };
    if (Object.keys(set).length === 0) return;
    await this.#ctx.db.updateTable('mfa_factors').set(set).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.#ctx.db.deleteFrom('mfa_factors').where('id', '=', id).executeTakeFirst();
    return r.numDeletedRows === 1n;
  }

  async deleteOfUser(userId: string, kind: MfaFactorKind): Promise<number> {
    const r = await this.#ctx.db
      .deleteFrom('mfa_factors')
      .where('user_id', '=', userId)
      .where('kind', '=', kind)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
