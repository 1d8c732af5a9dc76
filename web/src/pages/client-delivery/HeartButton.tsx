import type { ClientFile } from '../../api/deliveries';
import type { Hearts } from './useProofing';

/** The favourite toggle on a photo: the same button on a gallery tile, in the lightbox and in the summary. */
export function HeartButton({ file, hearts, className = '' }: { file: ClientFile; hearts: Hearts; className?: string }) {
  const chosen = hearts.isChosen(file.id);
  return (
    <button
      type="button"
      className={`proofing-heart${chosen ? ' proofing-heart-on' : ''} ${className}`.trimEnd()}
      aria-pressed={chosen}
      aria-label={`Favourite ${file.name}`}
      aria-disabled={hearts.locked}
      title={file.name}
      onClick={() => {
        if (!hearts.locked) hearts.toggle(file);
      }}
      data-testid="proofing-heart"
    >
      <span aria-hidden="true">{chosen ? '♥' : '♡'}</span>
    </button>
  );
}
