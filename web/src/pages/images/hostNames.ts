/**
 * The allowlist entry rules of the server (server/src/images/allowlists.ts), checked as the
 * photographer types, so a mistake shows before saving: a host name or `*.host name`, no
 * scheme, port, path, credentials or IP address. The server checks again and has the last word.
 */

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Why an entry would be refused, or null when it is fine. */
export function entryProblem(entry: string): string | null {
  const trimmed = entry.trim().toLowerCase();
  if (trimmed === '') return null;
  const host = trimmed.startsWith('*.') ? trimmed.slice(2) : trimmed;
  if (/[/:@?#\s*\\]/.test(host)) return 'Only a host name, such as cdn.example.com: no https://, port, path or @.';
  let ascii: string;
  try {
    ascii = new URL(`http://${host.replace(/\.$/, '')}`).hostname;
  } catch {
    return 'This is not a host name.';
  }
  const labels = ascii.split('.');
  if (/^\d+$/.test(labels.at(-1) ?? '') || ascii.startsWith('[')) return 'IP addresses are not accepted: name the host.';
  if (!labels.every((label) => LABEL.test(label))) return 'This is not a host name.';
  return null;
}

/** The entries of a text area, one per line (or comma-separated). */
export function entriesOf(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}
