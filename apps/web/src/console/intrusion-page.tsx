/**
 * The intrusion report (PRODUCT §D4): live bans with Unban, a manual ban
 * form (both only with `intrusion:change`), top offenders, attempts by
 * source, service and user, and the counters per detector and action.
 * Refreshes every few seconds while the page is visible.
 */
import { useSession } from '../app/session.tsx';
import { ErrorText, Loading } from '../components/ui.tsx';
import { useLoad } from '../components/use-load.ts';
import { usePolling } from '../components/use-polling.ts';
import { AttemptsBySource, Counters, CountsTable, TopOffenders } from './intrusion-attempts.tsx';
import { LiveBans, ManualBanForm } from './intrusion-bans.tsx';
import { loadReport } from './intrusion-report.ts';

const REFRESH_MS = 5_000;

export function IntrusionPage() {
  const { me, can } = useSession();
  const report = useLoad(loadReport, []);
  usePolling(report.reload, REFRESH_MS);
  const canChange = can('intrusion:change');
  const data = report.data;
  return (
    <section>
      <h1>Intrusion report</h1>
      <p className="hint">
        Bans hold on every service and every node. Attempts and counters are this node’s, since it
        started. Updates every {REFRESH_MS / 1000} seconds.
      </p>
      {report.loading && !data ? <Loading what="the intrusion report" /> : null}
      <ErrorText error={report.error} />
      {data ? (
        <>
          <LiveBans bans={data.bans} canChange={canChange} onChanged={report.reload} />
          {canChange ? (
            <ManualBanForm
              {...(me ? { ownAddress: me.session.remoteAddress } : {})}
              onBanned={report.reload}
            />
          ) : null}
          <TopOffenders offenders={data.offenders} />
          <AttemptsBySource sources={data.attempts.top} />
          <div className="grid">
            <CountsTable
              id="attempts-by-service"
              title="Attempts by service"
              what="Service"
              counts={data.attempts.byService}
            />
            <CountsTable
              id="attempts-by-user"
              title="Attempts by user"
              what="User name tried"
              counts={data.attempts.byUser}
            />
          </div>
          <Counters counters={data.counters} />
        </>
      ) : null}
    </section>
  );
}
