/** My calls, from the call detail records. */
import { Alert, ErrorText, Loading } from '../components/ui.tsx';
import { useLoad } from '../components/use-load.ts';
import { CdrTable, loadCdrs } from '../calls/cdr.tsx';

export function HistoryPage() {
  const cdrs = useLoad(() => loadCdrs({}), []);
  return (
    <section>
      <h1>Call history</h1>
      {cdrs.loading && cdrs.data === null ? <Loading what="calls" /> : null}
      <ErrorText error={cdrs.error} />
      {!cdrs.loading && cdrs.data === null && !cdrs.error ? (
        <Alert kind="info">This server does not keep call records yet.</Alert>
      ) : null}
      {cdrs.data ? <CdrTable rows={cdrs.data} /> : null}
    </section>
  );
}
