/** The microphones and speakers the browser offers (labels appear once the user allowed the microphone). */
import { useEffect, useState } from 'react';

export interface AudioDevices {
  readonly inputs: readonly MediaDeviceInfo[];
  readonly outputs: readonly MediaDeviceInfo[];
}

export function useAudioDevices(): AudioDevices {
  const [devices, setDevices] = useState<AudioDevices>({ inputs: [], outputs: [] });
  useEffect(() => {
    const md = navigator.mediaDevices as MediaDevices | undefined;
    if (!md) return;
    const update = () =>
      void md
        .enumerateDevices()
        .then((all) =>
          setDevices({
            inputs: all.filter((d) => d.kind === 'audioinput'),
            outputs: all.filter((d) => d.kind === 'audiooutput'),
          }),
        )
        .catch(() => undefined);
    update();
    md.addEventListener('devicechange', update);
    return () => md.removeEventListener('devicechange', update);
  }, []);
  return devices;
}
