import type { Socket } from "socket.io";
import { describe, expect, it } from "vitest";
import { ConnectionGate, NodeIntake } from "./connection-gate";

/** An Engine.IO connection as the gate sees it, with Socket.IO's parser recording what it is handed. */
function connection(name: string, handed: string[]) {
  const listeners: Array<(this: unknown, data: unknown) => void> = [(data) => handed.push(`${name}:${String(data)}`)];
  const conn = {
    transport: { name: "websocket" },
    listeners: () => [...listeners],
    off: (_: string, listener: (data: unknown) => void) => listeners.splice(listeners.indexOf(listener), 1),
    on: (_: string, listener: (data: unknown) => void) => listeners.push(listener),
    write: () => {},
  };
  return {
    socket: { conn } as unknown as Socket,
    send: (packet: string) => listeners[0]?.call(conn, packet),
  };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

type TestGate = { gate: ConnectionGate<string>; send: (packet: string) => void };

/** An intake of `limit` and a gate for each of `names`, all recording into one `handed` list. */
function gatesOn<const Names extends readonly string[]>(limit: number, ...names: Names) {
  const intake = new NodeIntake(limit);
  const handed: string[] = [];
  const gates = names.map((name) => {
    const { socket, send } = connection(name, handed);
    const gate = new ConnectionGate(socket, { maxInFlight: 1000, rate: undefined, onRefused: () => {}, intake }, name);
    return { gate, send };
  }) as { [K in keyof Names]: TestGate };
  return { intake, handed, gates };
}

describe("NodeIntake: the node's bound on requests under way", () => {
  it("hands on no more than the bound, then lets held connections go round-robin as requests settle", async () => {
    const {
      intake,
      handed,
      gates: [a, b],
    } = gatesOn(2, "a", "b");
    for (let id = 1; id <= 5; id++) a.send(`2${id}["e"]`);
    for (let id = 1; id <= 5; id++) b.send(`2${id}["e"]`);
    await nextTurn();
    expect(handed).toEqual(['a:21["e"]', 'a:22["e"]']);
    expect(intake.size).toBe(2);

    // Each settle makes room for one; the held connections take turns, a before b (a was held first).
    const order: string[] = [];
    for (let settled = 0; settled < 8; settled++) {
      const before = handed.length;
      const last = handed.at(-1) as string;
      (last.startsWith("a") ? a : b).gate.settled();
      await nextTurn();
      await nextTurn();
      order.push(...handed.slice(before).map((packet) => packet[0] as string));
    }
    expect(handed).toHaveLength(10);
    expect(intake.size).toBe(2);
    // Round-robin within the bound: the held connections alternate, one event per settle.
    expect(order.join("")).toBe("abababbb");
  });

  it("packets that are not events pass without counting, in their order: one behind a held event waits with it", async () => {
    const {
      intake,
      handed,
      gates: [a],
    } = gatesOn(1, "a");
    a.send("0{}");
    a.send('21["e"]');
    a.send('22["e"]');
    a.send("1");
    await nextTurn();
    expect(handed).toEqual(["a:0{}", 'a:21["e"]']);
    expect(intake.size).toBe(1);
    a.gate.settled();
    await nextTurn();
    expect(handed).toEqual(["a:0{}", 'a:21["e"]', 'a:22["e"]', "a:1"]);
    expect(intake.size).toBe(1);
  });

  it("a closed connection gives back what it never settled, and a late settle is not counted twice", async () => {
    const {
      intake,
      handed,
      gates: [a, b],
    } = gatesOn(3, "a", "b");
    for (let id = 1; id <= 3; id++) a.send(`2${id}["e"]`);
    b.send('21["e"]');
    await nextTurn();
    expect(intake.size).toBe(3);
    expect(handed.filter((packet) => packet.startsWith("b"))).toEqual([]);

    // a's connection drops (a packet Socket.IO could not decode, a client gone) with 3 under way.
    a.gate.close();
    await nextTurn();
    expect(handed.filter((packet) => packet.startsWith("b"))).toEqual(['b:21["e"]']);
    expect(intake.size).toBe(1);
    // Its requests still finish and settle: the node's count is already back.
    a.gate.settled();
    a.gate.settled();
    expect(intake.size).toBe(1);
    b.gate.settled();
    expect(intake.size).toBe(0);
  });

  it("a connection closed while held is forgotten: the others go on", async () => {
    const {
      intake,
      handed,
      gates: [a, b, c],
    } = gatesOn(1, "a", "b", "c");
    a.send('21["e"]');
    b.send('21["e"]');
    c.send('21["e"]');
    await nextTurn();
    b.gate.close();
    a.gate.settled();
    await nextTurn();
    await nextTurn();
    expect(handed).toEqual(['a:21["e"]', 'c:21["e"]']);
  });
});
