/** What the API routes need from the domain; apps/server wires the concrete services. */
import type {
  DeviceService,
  GroupService,
  RegistrationService,
  SetupService,
  TenantService,
  UserService,
} from '@palisade/pbx';
import type { ApiTokenService, AuditLogRepository, AuditTrail } from '@palisade/security';

export interface ApiServices {
  readonly tenants: TenantService;
  readonly users: UserService;
  readonly devices: DeviceService;
  readonly groups: GroupService;
  readonly tokens: ApiTokenService;
  readonly auditLog: AuditLogRepository;
  readonly audit: AuditTrail;
  readonly setup: SetupService;
  readonly registrations: RegistrationService;
  /** The tenant first-run setup creates the super-admin in. */
  readonly defaultTenantId: string;
}
