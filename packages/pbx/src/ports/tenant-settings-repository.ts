import type { JsonValue } from './json-value.ts';

/** A per-tenant setting: a key and a JSON value. */
export interface TenantSetting {
  readonly tenantId: string;
  readonly key: string;
  readonly value: JsonValue;
  readonly updatedAt: number;
}

export interface TenantSettingsRepository {
  get(tenantId: string, key: string): Promise<TenantSetting | null>;
  /** Inserts or replaces; 'not_found' naming `tenantId` for an unknown tenant. */
  set(tenantId: string, key: string, value: JsonValue): Promise<TenantSetting>;
  /** Ordered by key. */
  list(tenantId: string): Promise<TenantSetting[]>;
  delete(tenantId: string, key: string): Promise<boolean>;
}
