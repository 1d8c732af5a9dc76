import { useEffect, useRef, type ReactNode } from 'react';
import { type ClientBranding, deliveryLogoUrl, textOnAccent } from '../../api/branding';
import { ApertureMark } from '../../components/ApertureMark';

/**
 * The page a photographer's client sees: the studio's branding (name, logo, accent colour,
 * contact details) and the delivery, nothing of the app around it (no sign-in, no navigation).
 * The branding is known before the code (getDeliveryBranding); the accent colour is set as CSS
 * custom properties through the CSSOM, which the strict CSP allows (no inline style attribute).
 */
export function ClientLayout({ token, branding, children }: { token: string; branding: ClientBranding | null; children: ReactNode }) {
  const shellRef = useRef<HTMLDivElement>(null);
  const accent = branding?.accentColor ?? null;
  useEffect(() => {
    const shell = shellRef.current;
    if (shell === null) return;
    if (accent !== null && /^#[0-9a-fA-F]{6}$/.test(accent)) {
      shell.style.setProperty('--color-accent', accent);
      shell.style.setProperty('--color-accent-hover', accent);
      shell.style.setProperty('--color-on-accent', textOnAccent(accent));
      shell.style.setProperty('--color-brand', accent);
    } else {
      for (const name of ['--color-accent', '--color-accent-hover', '--color-on-accent', '--color-brand']) shell.style.removeProperty(name);
    }
  }, [accent]);
  const contact = branding === null ? [] : [branding.contactEmail, branding.contactPhone].filter((line): line is string => line !== null);
  return (
    <div className="app-shell client-shell" data-testid="client-shell" ref={shellRef} data-accent={accent ?? undefined}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="client-header">
        {branding?.logoVersion ? (
          <img className="client-logo" src={deliveryLogoUrl(token, branding.logoVersion)} alt={branding.name} data-testid="client-logo" />
        ) : null}
        <p className={branding?.logoVersion ? 'client-studio visually-hidden' : 'client-studio'} data-testid="client-studio">
          {branding?.name ?? 'Photo delivery'}
        </p>
      </header>
      <main id="main" className="app-main client-main" tabIndex={-1}>
        {children}
      </main>
      <footer className="app-footer client-footer">
        {branding !== null && (contact.length > 0 || branding.website !== null || branding.signature !== null) && (
          <div className="client-contact" data-testid="client-contact">
            {branding.signature !== null && <p className="client-signature">{branding.signature}</p>}
            {contact.length > 0 && <p>{contact.join(' · ')}</p>}
            {branding.website !== null && (
              <p>
                <a href={branding.website} rel="noopener noreferrer" target="_blank">
                  {branding.website.replace(/^https?:\/\//, '').replace(/\/$/, '')}
                </a>
              </p>
            )}
          </div>
        )}
        <div className="client-powered">
          <ApertureMark />
          <p>Delivered privately with Shutterlock</p>
        </div>
      </footer>
    </div>
  );
}
