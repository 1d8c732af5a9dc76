import type { ReactNode } from 'react';
import { ApertureMark } from '../../components/ApertureMark';

/**
 * The page a photographer's client sees: the studio's name and the delivery, nothing of the
 * app around it (no sign-in, no navigation). The studio's name is known once the code opened it.
 */
export function ClientLayout({ studioName, children }: { studioName: string | null; children: ReactNode }) {
  return (
    <div className="app-shell" data-testid="client-shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="client-header">
        <p className="client-studio" data-testid="client-studio">
          {studioName ?? 'Photo delivery'}
        </p>
      </header>
      <main id="main" className="app-main client-main" tabIndex={-1}>
        {children}
      </main>
      <footer className="app-footer client-footer">
        <ApertureMark />
        <p>Delivered privately with Shutterlock</p>
      </footer>
    </div>
  );
}
