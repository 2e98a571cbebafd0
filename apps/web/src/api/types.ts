/** The shapes the API answers with (they mirror packages/api's schemas). */
export interface SessionView {
  readonly id: string;
  readonly kind: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly expiresAt: number;
  readonly remoteAddress: string;
  readonly userAgent: string;
  readonly userId: string;
  readonly tenantId: string;
  readonly current?: boolean;
}

export interface Me {
  readonly userId: string;
  readonly tenantId: string;
  readonly permissions: readonly string[];
  readonly csrfToken: string;
  readonly mfaEnrolmentRequired: boolean;
  /** The password is past its maximum age: only changing it is allowed. */
  readonly passwordChangeRequired: boolean;
  readonly reauthenticatedAt: number;
  readonly session: SessionView;
}

export interface LoginResponse {
  readonly status: 'active' | 'mfa' | 'location';
  readonly loginToken?: string;
  readonly methods?: readonly string[];
  readonly csrfToken?: string;
  readonly mfaEnrolmentRequired?: boolean;
  readonly session?: SessionView;
}

export interface User {
  readonly id: string;
  readonly tenantId: string;
  readonly username: string;
  readonly extension: string;
  readonly displayName: string;
  readonly email: string | null;
  readonly mobile: string | null;
  readonly state: 'active' | 'disabled';
  readonly isSuperAdmin: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface Device {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly sipUsername: string;
  readonly label: string;
  readonly createdAt: number;
  readonly secretRotatedAt: number;
}

export interface DeviceCredentials {
  readonly device: Device;
  readonly sipUsername: string;
  readonly secret: string;
  readonly domain: string;
}

export interface Group {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly description: string;
  readonly isAdmin: boolean;
  readonly permissions: readonly string[];
  readonly createdAt: number;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: number;
  readonly tenantId: string | null;
  readonly actor: string;
  readonly action: string;
  readonly target: string | null;
  readonly remoteAddress: string | null;
  readonly remotePort: number | null;
  readonly outcome: string;
  readonly detail: Record<string, unknown>;
}

export interface Factor {
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  readonly confirmed: boolean;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

export interface IdentitySettings {
  readonly trustedOrigins: readonly string[];
  readonly locationMfa: boolean;
  readonly mfaForAll: boolean;
  readonly mfaGroupIds: readonly string[];
  readonly passwordPreset: 'standards' | 'vendor-compat';
}
