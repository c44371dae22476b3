import { connect, createServer, type Socket } from "node:net";

/**
 * A TCP forwarder in front of the nodes, as a load balancer would be: clients connect to its
 * URL; `switchTo` sends new connections to another node and `dropAll` cuts the open ones,
 * so a client reconnects through it to the new node.
 */
export interface TcpProxy {
  url: string;
  switchTo(nodeUrl: string): void;
  dropAll(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(nodeUrl: string): Promise<TcpProxy> {
  let target = new URL(nodeUrl);
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => {
        open.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    switchTo: (url) => {
      target = new URL(url);
    },
    dropAll: () => {
      for (const socket of open) socket.destroy();
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
