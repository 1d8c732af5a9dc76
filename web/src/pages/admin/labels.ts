import type { UserStatus } from '../../api/admin';
import type { Role } from '../../api/auth';

export const ROLE_NAMES: Record<Role, string> = { photographer: 'Photographer', admin: 'Admin' };

export const STATUS_NAMES: Record<UserStatus, string> = { invited: 'Invited', active: 'Active', disabled: 'Disabled' };
