/** Shutterlock's mark: a lens in a rounded tile, coloured from the stylesheet. Decorative. */
export function ApertureMark() {
  return (
    <svg className="wordmark-mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" className="wordmark-mark-tile" />
      <circle cx="16" cy="16" r="9" className="wordmark-mark-ring" />
      <circle cx="16" cy="16" r="3.5" className="wordmark-mark-lens" />
    </svg>
  );
}
