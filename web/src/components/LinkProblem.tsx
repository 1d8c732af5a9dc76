import type { ReactNode } from 'react';

/** What a page opened from an emailed or printed link shows when the link lacks its token. */
export function LinkProblem({ headingId, title, children }: { headingId: string; title: string; children: ReactNode }) {
  return (
    <div className="card-stack" data-testid="link-problem">
      <h1 id={headingId} tabIndex={-1}>
        {title}
      </h1>
      <p className="card-lead">{children}</p>
    </div>
  );
}
