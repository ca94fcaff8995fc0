// A TCP proxy the tests can cut: bytes go through unchanged (so SigV4's signed host is the
// proxy's), `cut()` destroys every open connection and stops listening (the browser then gets
// "connection refused", as with a dead relay or a lost network), `restore()` listens again on
// the same port. `freeze()` keeps every connection open but forwards nothing (an endpoint that
// hangs: requests wait, no error comes), `thaw()` forwards again what waited.
import net from 'node:net';

export async function startProxy(targetPort, options = {}) {
  const sockets = new Set();
  let server = null;
  let port = options.port ?? 0;
  let connections = 0;
  let frozen = false;
  const clients = new Set();

  const handle = (client) => {
    connections += 1;
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    clients.add(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
      clients.delete(client);
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
    // After pipe(), which starts the flow: a connection opened while frozen waits too.
    if (frozen) client.pause();
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
    /** Stops forwarding: connections stay open, requests get no answer until `thaw()`. */
    freeze() {
      frozen = true;
      for (const c of clients) c.pause();
    },
    /** Forwards again, including what waited. */
    thaw() {
      frozen = false;
      for (const c of clients) c.resume();
    },
    stop() { return this.cut(); },
  };
}
