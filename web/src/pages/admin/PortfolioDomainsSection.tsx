import { useState } from 'react';
import { listPortfolioDomains, mapPortfolioDomain, unmapPortfolioDomain } from '../../api/portfolio';
import { useLoader } from '../../app/useLoader';
import { useSubmission } from '../../app/useSubmission';
import { FormError, SelectField, StatusMessage, TextField } from '../../components/form';
import { LoadFailed } from '../../components/LoadFailed';

/**
 * Custom domains for portfolios (docs/portfolio.md): the admin maps a host name to a
 * photographer's portfolio, which is then served at that host's root. DNS and the certificate
 * are set up in front of the server (docs/operations.md).
 */
export function PortfolioDomainsSection() {
  const { state, reload } = useLoader(listPortfolioDomains);
  const [host, setHost] = useState('');
  const [portfolioId, setPortfolioId] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const { busy, error, submit } = useSubmission();

  const map = () =>
    submit(async () => {
      const domain = await mapPortfolioDomain(host, portfolioId);
      setStatus(`${domain.host} now serves ${domain.displayName}’s portfolio.`);
      setHost('');
      reload();
    });
  const unmap = (mapped: string) =>
    submit(async () => {
      await unmapPortfolioDomain(mapped);
      setStatus(`${mapped} no longer serves a portfolio.`);
      reload();
    });

  return (
    <section className="panel" aria-labelledby="portfolio-domains-heading" data-testid="portfolio-domains">
      <h2 id="portfolio-domains-heading">Portfolio domains</h2>
      <p className="muted">
        Serve a photographer’s portfolio at a host name of its own, such as photos.example.com. Point its DNS at this server and add it to the TLS certificate
        in front first.
      </p>
      {state.status === 'loading' && <p className="muted">Loading domains…</p>}
      {state.status === 'failed' && <LoadFailed message={state.message} onRetry={reload} />}
      {state.status === 'ready' && (
        <>
          {state.data.domains.length === 0 ? (
            <p>No domain is mapped.</p>
          ) : (
            <table className="table" data-testid="portfolio-domains-table">
              <thead>
                <tr>
                  <th scope="col">Host</th>
                  <th scope="col">Portfolio</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {state.data.domains.map((domain) => (
                  <tr key={domain.host}>
                    <th scope="row">
                      <a href={domain.url} target="_blank" rel="noopener">
                        {domain.host}
                      </a>
                    </th>
                    <td>
                      {domain.displayName} ({domain.slug})
                    </td>
                    <td>
                      <button type="button" className="button button-secondary button-small" disabled={busy} onClick={() => void unmap(domain.host)}>
                        Unmap<span className="visually-hidden"> {domain.host}</span>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {state.data.portfolios.length === 0 ? (
            <p>No photographer has a portfolio yet.</p>
          ) : (
            <form
              aria-labelledby="map-domain-heading"
              onSubmit={(event) => {
                event.preventDefault();
                void map();
              }}
            >
              <h3 id="map-domain-heading">Map a domain</h3>
              <TextField id="domain-host" label="Host name" value={host} required maxLength={253} placeholder="photos.example.com" spellCheck={false} onChange={(event) => setHost(event.target.value)} />
              <SelectField id="domain-portfolio" label="Portfolio" value={portfolioId} required onChange={(event) => setPortfolioId(event.target.value)}>
                <option value="">Choose a portfolio</option>
                {state.data.portfolios.map((portfolio) => (
                  <option key={portfolio.id} value={portfolio.id}>
                    {portfolio.displayName} ({portfolio.slug}){portfolio.host ? ` — now ${portfolio.host}` : ''}
                  </option>
                ))}
              </SelectField>
              {error && <FormError id="domain-error" message={error} testId="domain-error" />}
              <StatusMessage message={status} testId="domain-status" />
              <button type="submit" className="button button-primary" aria-disabled={busy} data-testid="map-domain">
                Map domain
              </button>
            </form>
          )}
        </>
      )}
    </section>
  );
}
