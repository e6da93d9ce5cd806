/** Ports: embedded services prefer a port but never assume it is free. */
import net from 'node:net';

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen({ port: 0, host, exclusive: true }, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The preferred port when it is free, else another free one. `onFallback` says so in the log: a port that moves
 * silently leaves an operator pointing devices at the wrong one.
 */
export async function choosePort(preferred: number, onFallback: (chosen: number) => void, host = '127.0.0.1'): Promise<number> {
  if (preferred === 0) return freePort(host);
  if (await isPortFree(preferred, host)) return preferred;
  const chosen = await freePort(host);
  onFallback(chosen);
  return chosen;
}
