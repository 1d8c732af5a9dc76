import { useState } from 'react';
import { listLabs, type Lab } from '../../api/labs';
import { useLoader } from '../../app/useLoader';
import { usePageTitle } from '../../app/usePageTitle';
import { LoadFailed } from '../../components/LoadFailed';
import { CreateLabForm } from './CreateLabForm';
import { LabsTable } from './LabsTable';
import { ShownPin } from './ShownPin';
import { StudioLabsPanel } from './StudioLabsPanel';


/** Admins only: the print labs, their PINs (shown once), and which studios may send to which lab. */
export function LabsAdminPage() {
  usePageTitle('Print labs');
  const { state, reload, update } = useLoader(listLabs);
  const [shown, setShown] = useState<{ labId: string; pin: string } | null>(null);

  return (
    <div className="page page-wide" data-testid="labs-admin">
      <h1 tabIndex={-1}>Print labs</h1>
      <p className="page-lead">Labs sign in at /lab with their lab ID and PIN, and see only the orders studios send them.</p>
      {shown !== null && <ShownPin labId={shown.labId} pin={shown.pin} onDone={() => setShown(null)} />}
      <CreateLabForm
        onCreated={(lab, pin) => {
          update((labs) => [...labs, lab]);
          setShown({ labId: lab.labId, pin });
        }}
      />
      <section className="panel" aria-labelledby="labs-heading">
        <h2 id="labs-heading">All labs</h2>
        {state.status === 'loading' && <p className="muted">Loading labs…</p>}
        {state.status === 'failed' && <LoadFailed message={state.message} onRetry={reload} />}
        {state.status === 'ready' && (
          <LabsTable
            labs={state.data}
            onChanged={(changed: Lab) => update((labs) => labs.map((lab) => (lab.id === changed.id ? changed : lab)))}
            onDeleted={(id) => update((labs) => labs.filter((lab) => lab.id !== id))}
            onPin={(lab, pin) => setShown({ labId: lab.labId, pin })}
          />
        )}
      </section>
      {state.status === 'ready' && <StudioLabsPanel labs={state.data} />}
    </div>
  );
}
