import type { VaultUsage } from '../../api/vault';
import { formatBytes } from '../../lib/format';

/** How much of the studio's storage the vault uses, the trash included. */
export function UsageMeter({ usage }: { usage: VaultUsage | null }) {
  if (usage === null) return null;
  const { usedBytes, quotaBytes } = usage;
  return (
    <div className="usage">
      <h2 className="sidebar-heading">Storage</h2>
      {quotaBytes === null ? (
        <p className="usage-text">{formatBytes(usedBytes)} used, with no limit</p>
      ) : (
        <>
          {/* Amber from 80 % full, red from 95 %. */}
          <meter
            className="usage-meter"
            min={0}
            max={quotaBytes}
            low={quotaBytes * 0.8}
            high={quotaBytes * 0.95}
            optimum={0}
            value={usedBytes}
            aria-label="Storage used"
            data-testid="usage-meter"
          />
          <p className="usage-text">
            {formatBytes(usedBytes)} of {formatBytes(quotaBytes)} used
          </p>
        </>
      )}
    </div>
  );
}
