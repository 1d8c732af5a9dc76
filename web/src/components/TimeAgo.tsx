import { formatDateTime, formatTimeAgo } from '../lib/format';

/** "5 minutes ago", with the date and time on hover; `none`, muted, for a time that may not be there ("Never"). */
export function TimeAgo({ at, none }: { at: string; none?: undefined } | { at: string | null; none: string }) {
  if (at === null) return <span className="muted">{none}</span>;
  return (
    <time dateTime={at} title={formatDateTime(at)}>
      {formatTimeAgo(at)}
    </time>
  );
}
