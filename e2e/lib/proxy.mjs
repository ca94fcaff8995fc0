// A TCP proxy the tests can cut: bytes go through unchanged (so SigV4's signed host is the
// proxy's), `cut()` destroys every open connection and stops listening (the browser then gets
// "connection refused", as with a dead relay or a lost network), `restore()` listens again on
// the same port.
import net from 'node:net';

export async function startProxy(targetPort, options = {}) {
  const sockets = new Set();
  let server = null;
  let port = options.port ?? 0;
  let connections = 0;

  const handle = (client) => {
    connections += 1;
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  };

  const listen = () => new Promise((resolve, reject) => {
    server = net.createServer(handle);
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      port = server.address().port;
      resolve();
    });
  });

  await listen();
  return {
    get port() { return port; },
    get url() { return `http://127.0.0.1:${port}`; },
    get connections() { return connections; },
    get listening() { return server !== null; },
    /** Stops listening and drops every open connection, both ways. */
    async cut() {
      if (!server) return;
      const s = server;
      server = null;
      const closed = new Promise((resolve) => s.close(resolve));
      for (const sock of sockets) sock.destroy();
      sockets.clear();
      await closed;
    },
    /** Listens again on the same port. */
    async restore() {
      if (server) return;
      await listen();
    },
    stop() { return this.cut(); },
  };
}
