/**
 * Runs `tick` every `ms` while the component is mounted and the page is
 * visible: nothing is fetched from a hidden tab, and the data is refreshed
 * at once when the tab shows again.
 */
import { useEffect } from 'react';

export function usePoll(tick: () => void, ms: number): void {
  useEffect(() => {
    let timer: number | undefined;
    const start = () => {
      if (timer === undefined) timer = window.setInterval(tick, ms);
    };
    const stop = () => {
      if (timer !== undefined) window.clearInterval(timer);
      timer = undefined;
    };
    const onVisibility = () => {
      if (document.hidden) return stop();
      tick();
      start();
    };
    if (!document.hidden) start();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [tick, ms]);
}
