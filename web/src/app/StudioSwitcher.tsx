import { useEffect, useState } from 'react';
import { listMyStudios, ROLE_LABELS, switchStudio, type MyStudio } from '../api/teams';

/** For a person in several studios: which one this session acts in. Hidden for a person in one. */
export function StudioSwitcher() {
  const [studios, setStudios] = useState<MyStudio[]>([]);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let cancelled = false;
    listMyStudios().then(
      (answer) => {
        if (!cancelled) setStudios(answer.studios);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, []);

  if (studios.length < 2) return null;
  const activeStudio = studios.find((studio) => studio.active);
  const active = activeStudio?.id ?? '';
  const activeLabel = activeStudio === undefined ? undefined : optionLabel(activeStudio);
  return (
    <div className="studio-switcher">
      <label className="visually-hidden" htmlFor="studio-switcher">
        Studio
      </label>
      <select
        id="studio-switcher"
        className="field-input"
        value={active}
        // The select may be too narrow for a long name and its role: the whole of it on hover.
        title={activeLabel}
        aria-disabled={busy}
        data-testid="studio-switcher"
        onChange={(event) => {
          const studioId = event.target.value;
          setBusy(true);
          switchStudio(studioId)
            // Every page's data belongs to the studio: start afresh in the chosen one.
            .then(() => window.location.reload())
            .catch(() => setBusy(false));
        }}
      >
        {studios.map((studio) => (
          <option key={studio.id} value={studio.id}>
            {optionLabel(studio)}
          </option>
        ))}
      </select>
    </div>
  );
}

function optionLabel(studio: MyStudio): string {
  return `${studio.name} (${ROLE_LABELS[studio.role]})`;
}
