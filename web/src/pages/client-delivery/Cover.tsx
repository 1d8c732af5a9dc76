import type { ClientDelivery, ClientFile } from '../../api/deliveries';
import { useFocusOnMount } from '../../app/useFocusOnMount';
import { formatDate } from '../../lib/format';
import { placeholderUrl, setCustomProperties } from './placeholder';

/**
 * The gallery's first screen: the photographer's chosen photo (or the first) across the page,
 * with the title, the date and the studio, and a way on to the photos. The title is the page's
 * heading and takes focus when the gallery opens.
 */
export function Cover({ delivery, file, onEnter }: { delivery: ClientDelivery; file: ClientFile; onEnter: () => void }) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const placeholder = placeholderUrl(file.thumbhash);
  return (
    <div
      className="gallery-cover"
      ref={(element) => setCustomProperties(element, { '--placeholder': placeholder === null ? null : `url("${placeholder}")` })}
      data-testid="gallery-cover"
      data-cover-file={file.id}
    >
      {file.previewUrl !== null && <img className="gallery-cover-image" src={file.previewUrl} alt="" decoding="async" />}
      <div className="gallery-cover-text">
        <p className="gallery-cover-studio">{delivery.studioName}</p>
        <h1 id="gallery-heading" className="gallery-cover-title" tabIndex={-1} ref={headingRef}>
          {delivery.title}
        </h1>
        <p className="gallery-cover-date">
          <time dateTime={delivery.createdAt}>{formatDate(delivery.createdAt)}</time>
        </p>
        <button type="button" className="button button-auto gallery-cover-enter" onClick={onEnter} data-testid="gallery-enter">
          View the photos
        </button>
      </div>
    </div>
  );
}
