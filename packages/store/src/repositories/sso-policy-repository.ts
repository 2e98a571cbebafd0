import type { SsoPolicyRepository, TenantSsoPolicy } from '@palisade/security';
import { guarded } from './constraint-errors.ts';
import { toBool } from './repository-context.ts';
import type { RepositoryContext } from './repository-context.ts';

export class SqlSsoPolicyRepository implements SsoPolicyRepository {
  readonly #ctx: RepositoryContext;

  constructor(ctx: RepositoryContext) {
    this.#ctx = ctx;
  }

  async isSsoOnly(userId: string): Promise<boolean> {
    const row = await this.#ctx.db
      .selectFrom('sso_user_flags')
      .select('sso_only')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row ? toBool(row.sso_only) : false;
  }

  async setSsoOnly(tenantId: string, userId: string, ssoOnly: boolean): Promise<void> {
    const now = this.#ctx.clock.now();
    await guarded(
      () =>
        this.#ctx.db
          .insertInto('sso_user_flags')
          .values({ user_id: userId, tenant_id: tenantId, sso_only: ssoOnly, updated_at: now })
          .onConflict((oc) =>
            oc.column('user_id').doUpdateSet({ sso_only: ssoOnly, updated_at: now }),
          )
          .execute(),
      { foreignKeyField: 'userId' },
    );
  }

  async tenantPolicy(tenantId: string): Promise<TenantSsoPolicy> {
    const row = await this.#ctx.db
      .selectFrom('sso_tenant_policies')
      .select('break_glass_local_admin')
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return { breakGlassLocalAdmin: row ? toBool(row.break_glass_local_admin) : false };
  }

  async setTenantPolicy(tenantId: string, policy: TenantSsoPolicy): Promise<void> {
    const now = this.#ctx.clock.now();
    const flag = policy.breakGlassLocalAdmin;
    await guarded(
      () =>
        this.#ctx.db
          .insertInto('sso_tenant_policies')
          .values({ tenant_id: tenantId, break_glass_local_admin: flag, updated_at: now })
          .onConflict((oc) =>
            oc.column('tenant_id').doUpdateSet({ break_glass_local_admin: flag, updated_at: now }),
          )
          .execute(),
      { foreignKeyField: 'tenantId' },
    );
  }
}
