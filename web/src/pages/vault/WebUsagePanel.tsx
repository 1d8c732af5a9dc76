import { useRef, useState } from 'react';
import { setFileWebUsage } from '../../api/images';
import { useSubmission } from '../../app/useSubmission';
import { CopyButton } from '../../components/CopyButton';
import { FormError } from '../../components/form';

/**
 * Publishing a file for the image service (docs/imaging.md): it gets an opaque public id, and
 * the source string to put in a signed image URL. Publishing twice gives the same id, so the
 * panel asks the server rather than keeping a state of its own.
 */
export function WebUsagePanel({ fileId }: { fileId: string }) {
  const [source, setSource] = useState<string | null>(null);
  const { submit, busy, error } = useSubmission();
  const sourceRef = useRef<HTMLElement>(null);

  const publish = (published: boolean) =>
    void submit(async () => {
      setSource((await setFileWebUsage(fileId, published)).source);
    });

  return (
    <section className="web-usage" aria-labelledby="web-usage-heading">
      <h2 id="web-usage-heading">On your website</h2>
      {source === null ? (
        <>
          <p>Serve resized copies of this photo through your image projects. The original never leaves; metadata is stripped.</p>
          <button type="button" className="button button-secondary" aria-disabled={busy} onClick={() => publish(true)} data-testid="viewer-publish-web">
            Use on a website
          </button>
        </>
      ) : (
        <>
          <p>
            Source for signed image URLs: <code ref={sourceRef} data-testid="viewer-web-source">{source}</code>
          </p>
          <CopyButton text={source} label="Copy source" selectTarget={sourceRef} testId="viewer-web-source-copy" />
          <button type="button" className="button button-secondary" aria-disabled={busy} onClick={() => publish(false)} data-testid="viewer-unpublish-web">
            Stop serving it
          </button>
        </>
      )}
      {error !== null && <FormError id="web-usage-error" message={error} testId="viewer-web-error" />}
    </section>
  );
}
