import type { ReactNode } from 'react';
import { Link } from './router';

export function AppShell({ children }: { children: ReactNode }) {
  return (
    <div className="app-shell" data-testid="app-shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link to="/" className="wordmark">
          <ApertureMark />
          <span>Shutterlock</span>
        </Link>
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        {children}
      </main>
      <footer className="app-footer">
        <p>Shutterlock · self-hosted photo delivery</p>
      </footer>
    </div>
  );
}

function ApertureMark() {
  return (
    <svg className="wordmark-mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" className="wordmark-mark-tile" />
      <circle cx="16" cy="16" r="9" className="wordmark-mark-ring" />
      <circle cx="16" cy="16" r="3.5" className="wordmark-mark-lens" />
    </svg>
  );
}
