/** The roles of API keys (docs/security.md) and what each may see in the console. */
export type Role = 'channel' | 'agent' | 'analyst' | 'auditor' | 'admin';
export type ConsoleView = 'agent' | 'analytics' | 'audit' | 'operator';

export const CONSOLE_VIEWS: readonly ConsoleView[] = ['agent', 'analytics', 'audit', 'operator'];

const VIEWS_BY_ROLE: Record<Role, readonly ConsoleView[]> = {
  channel: [],
  agent: ['agent'],
  analyst: ['analytics', 'operator'],
  auditor: ['audit', 'operator'],
  admin: CONSOLE_VIEWS,
};

export interface Permissions {
  views: readonly ConsoleView[];
  hiddenViews: readonly ConsoleView[];
  recordContacts: boolean;
  mergeCustomers: boolean;
  rebuildProjections: boolean;
}

/** Mirrors the API's role checks, so that the console hides what would only answer 403. */
export function permissionsOf(role: Role): Permissions {
  const views = VIEWS_BY_ROLE[role];
  return {
    views,
    hiddenViews: CONSOLE_VIEWS.filter((v) => !views.includes(v)),
    recordContacts: role === 'agent' || role === 'admin',
    mergeCustomers: role === 'agent' || role === 'admin',
    rebuildProjections: role === 'admin',
  };
}
