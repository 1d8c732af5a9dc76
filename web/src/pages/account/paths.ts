/** The account area's sections, in the order its navigation lists them. */
export const ACCOUNT_SECTIONS = [
  { path: '/account/sessions', label: 'Sessions' },
  { path: '/account/password', label: 'Password' },
  { path: '/account/two-factor', label: 'Two-factor authentication' },
  { path: '/account/studios', label: 'Studios' },
] as const;

export type AccountSectionPath = (typeof ACCOUNT_SECTIONS)[number]['path'];

/** Where an admin who must set up two-factor authentication is kept until they have. */
export const TWO_FACTOR_PATH = '/account/two-factor' satisfies AccountSectionPath;

export function isAccountSectionPath(path: string): path is AccountSectionPath {
  return ACCOUNT_SECTIONS.some((section) => section.path === path);
}
