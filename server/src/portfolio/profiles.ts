import { auditContext, recordAudit } from '../audit/audit-log.ts';
import type { MembershipChange } from '../auth/context.ts';
import { accountActive, activeAccounts } from '../auth/users.ts';
import { type Db, inTransaction, isUniqueViolation } from '../db/database.ts';
import { generateId } from '../crypto/tokens.ts';
import { AppError, NotFoundError } from '../errors.ts';
import type { StudioActor } from '../http/access.ts';
import { roleAllows } from '../http/permissions.ts';
import { studioSuspended, suspendedStudios } from '../studios/service.ts';
import { cleanText } from '../text.ts';
import type { PortfolioDeps } from './deps.ts';
import { domainUrl, slugReserved } from './domains.ts';
import {
  type PortfolioRow,
  deleteStudioPortfolio,
  findStudioPortfolio,
  findUserPortfolio,
  insertPortfolio,
  listStudioPortfolios,
  updateStudioPortfolio,
} from './repo.ts';

/**
 * A photographer's portfolio profile: one per account, made by the first save. A portfolio is
 * public while it exists; unpublishing it deletes it with its collections, published photos and
 * analytics (the vault keeps the files, as when a photo is unpublished). An owner may unpublish
 * any portfolio of the studio, and a member's own portfolio is unpublished when they leave the
 * studio or lose the right to publish (a role without `images`): it shows the studio's photos,
 * and nobody left in the studio would be its author.
 */

export interface SocialLink {
  label: string;
  url: string;
}

export interface ProfileView {
  id: string;
  slug: string;
  displayName: string;
  bio: string;
  avatarFileId: string | null;
  contactUrl: string | null;
  socialLinks: SocialLink[];
  hideFromSearch: boolean;
  url: string;
  hostUrl: string | null;
  updatedAt: string;
}

export interface ProfileInput {
  slug: string;
  displayName: string;
  bio?: string | undefined;
  avatarFileId?: string | null | undefined;
  contactUrl?: string | null | undefined;
  socialLinks?: SocialLink[] | undefined;
  hideFromSearch?: boolean | undefined;
}

export function portfolioRequired(): AppError {
  return new AppError('portfolio_required', 'Save your portfolio profile first.', 409);
}

/** A link a visitor may follow: http(s), or mailto: for the contact link. Anything else (javascript:, data:) is refused. */
export function checkedLink(text: string, allowMailto: boolean): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new AppError('invalid_url', 'Links must be full http(s) addresses.', 400);
  }
  const allowed = url.protocol === 'https:' || url.protocol === 'http:' || (allowMailto && url.protocol === 'mailto:');
  if (!allowed || url.username !== '' || url.password !== '') throw new AppError('invalid_url', 'Links must be full http(s) addresses.', 400);
  return url.href;
}

export function parseSocialLinks(text: string): SocialLink[] {
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) ? (parsed as SocialLink[]) : [];
  } catch {
    return [];
  }
}

/**
 * Whether the portfolio is shown at all (its pages, images, sitemap entry, the website data
 * API): not while its studio is suspended (the owner's account disabled) nor while its own
 * photographer's account is disabled. Nothing is deleted: it all comes back on re-enable.
 */
export async function portfolioShown(deps: Pick<PortfolioDeps, 'db'>, portfolio: Pick<PortfolioRow, 'studio_id' | 'user_id'>): Promise<boolean> {
  return !(await studioSuspended(deps, portfolio.studio_id)) && (await accountActive(deps, portfolio.user_id));
}

/** The portfolios among `portfolios` that are shown (portfolioShown), in their order, in a bounded number of queries. */
export async function portfoliosShown<Row extends Pick<PortfolioRow, 'studio_id' | 'user_id'>>(deps: Pick<PortfolioDeps, 'db'>, portfolios: readonly Row[]): Promise<Row[]> {
  const suspended = await suspendedStudios(deps, portfolios.map((portfolio) => portfolio.studio_id));
  const active = await activeAccounts(deps, portfolios.map((portfolio) => portfolio.user_id));
  return portfolios.filter((portfolio) => !suspended.has(portfolio.studio_id) && active.has(portfolio.user_id));
}

export function portfolioUrls(deps: Pick<PortfolioDeps, 'publicUrl' | 'domain'>, slug: string): { url: string; hostUrl: string | null } {
  const scheme = deps.publicUrl.startsWith('https:') ? 'https' : 'http';
  return { url: `${deps.publicUrl}/p/${slug}`, hostUrl: deps.domain ? `${scheme}://${slug}.${deps.domain}` : null };
}

export function profileView(deps: Pick<PortfolioDeps, 'publicUrl' | 'domain'>, row: PortfolioRow): ProfileView {
  return {
    id: row.id,
    slug: row.slug,
    displayName: row.display_name,
    bio: row.bio,
    avatarFileId: row.avatar_file_id,
    contactUrl: row.contact_url,
    socialLinks: parseSocialLinks(row.social_links),
    hideFromSearch: row.hide_from_search === 1,
    ...portfolioUrls(deps, row.slug),
    // A custom domain the admin mapped is the portfolio's own host.
    ...(row.custom_domain !== null && { hostUrl: domainUrl(deps, row.custom_domain) }),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}

export async function getProfile(deps: PortfolioDeps, actor: StudioActor): Promise<ProfileView | null> {
  const row = await findUserPortfolio(deps.db, actor.studioId, actor.userId);
  return row ? profileView(deps, row) : null;
}

export async function requirePortfolio(deps: PortfolioDeps, actor: StudioActor): Promise<PortfolioRow> {
  const row = await findUserPortfolio(deps.db, actor.studioId, actor.userId);
  if (!row) throw portfolioRequired();
  return row;
}

export async function updateProfile(deps: PortfolioDeps, actor: StudioActor, input: ProfileInput): Promise<ProfileView> {
  const existing = await findUserPortfolio(deps.db, actor.studioId, actor.userId);
  if (slugReserved(deps, input.slug)) throw new AppError('slug_reserved', 'This address is the app’s own; choose another.', 409);
  const displayName = cleanText(input.displayName);
  if (displayName === '') throw new AppError('validation_failed', 'The display name must not be empty.', 400);
  if (input.avatarFileId) {
    const [file] = await deps.vault.find(actor.studioId, [input.avatarFileId]);
    if (!file) throw new NotFoundError('file_not_found', 'This file does not exist.');
  }
  const socialLinks = (input.socialLinks ?? (existing ? parseSocialLinks(existing.social_links) : [])).map((link) => ({ label: cleanText(link.label), url: checkedLink(link.url, false) }));
  const contactUrl = input.contactUrl === undefined ? (existing?.contact_url ?? null) : input.contactUrl === null ? null : checkedLink(input.contactUrl, true);
  const now = deps.now();
  const values = {
    slug: input.slug,
    display_name: displayName,
    bio: input.bio === undefined ? (existing?.bio ?? '') : cleanText(input.bio),
    avatar_file_id: input.avatarFileId === undefined ? (existing?.avatar_file_id ?? null) : input.avatarFileId,
    contact_url: contactUrl,
    social_links: JSON.stringify(socialLinks),
    hide_from_search: input.hideFromSearch === undefined ? (existing?.hide_from_search ?? 0) : input.hideFromSearch ? 1 : 0,
    updated_at: now,
  };
  try {
    if (existing) await updateStudioPortfolio(deps.db, actor.studioId, existing.id, values);
    else await insertPortfolio(deps.db, { id: generateId(), studio_id: actor.studioId, user_id: actor.userId, custom_domain: null, created_at: now, ...values });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('slug_taken', 'Another portfolio uses this address.', 409);
    throw error;
  }
  await recordAudit(deps.db, { ...auditContext(actor), action: existing ? 'portfolio.profile_updated' : 'portfolio.created', details: { slug: input.slug } });
  return profileView(deps, (await findUserPortfolio(deps.db, actor.studioId, actor.userId))!);
}

export interface StudioPortfolioView {
  id: string;
  slug: string;
  displayName: string;
  /** The member whose portfolio it is. */
  userId: string;
  yours: boolean;
  url: string;
}

/** Every portfolio of the studio, by name: what an owner may unpublish. */
export async function listPortfoliosOfStudio(deps: PortfolioDeps, actor: StudioActor): Promise<StudioPortfolioView[]> {
  return (await listStudioPortfolios(deps.db, actor.studioId)).map((row) => ({
    id: row.id,
    slug: row.slug,
    displayName: row.display_name,
    userId: row.user_id,
    yours: row.user_id === actor.userId,
    url: profileView(deps, row).url,
  }));
}

type UnpublishReason = 'owner' | 'member_removed' | 'role_changed';

async function unpublishPortfolioRow(trx: Db, actor: StudioActor, portfolio: PortfolioRow, reason: UnpublishReason): Promise<void> {
  await deleteStudioPortfolio(trx, portfolio.studio_id, portfolio.id);
  await recordAudit(trx, {
    ...auditContext(actor),
    action: 'portfolio.unpublished',
    subjectUserId: portfolio.user_id,
    details: { portfolioId: portfolio.id, slug: portfolio.slug, reason, studioId: portfolio.studio_id },
  });
}

/** An owner takes a portfolio of the studio (anyone's) offline: its pages and images are 404 from the next request on. */
export async function unpublishPortfolio(deps: PortfolioDeps, actor: StudioActor, portfolioId: string): Promise<void> {
  await inTransaction(deps.db, async (trx) => {
    const portfolio = await findStudioPortfolio(trx, actor.studioId, portfolioId);
    if (!portfolio) throw new NotFoundError('portfolio_not_found', 'There is no such portfolio in this studio.');
    await unpublishPortfolioRow(trx, actor, portfolio, 'owner');
  });
}

/** The membership consequence (auth's MembershipChanges, in its transaction): a member who left or may no longer publish has no public portfolio here. */
export async function unpublishAfterMembershipChange(trx: Db, change: MembershipChange): Promise<void> {
  if (change.role !== null && roleAllows(change.role, 'images')) return;
  const portfolio = await findUserPortfolio(trx, change.studioId, change.userId);
  if (portfolio) await unpublishPortfolioRow(trx, change.actor, portfolio, change.role === null ? 'member_removed' : 'role_changed');
}
