/** A state of an ASL definition, as far as the graph needs it. */
export interface AslState {
  readonly Type: string;
  readonly Next?: string;
  readonly Default?: string;
  readonly End?: boolean;
  readonly Choices?: readonly { readonly Next: string }[];
  readonly Catch?: readonly { readonly Next: string; readonly ErrorEquals: readonly string[] }[];
}

/** A transition the definition allows: `next` (Next), `choice` (a Choice rule or its Default), `catch` (a Catch). */
export interface GraphEdge {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly kind: 'next' | 'choice' | 'catch';
}

/** Every transition of a definition, one per distinct (from, to, kind), in definition order. */
export function edgesOf(states: Readonly<Record<string, AslState>>): GraphEdge[] {
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const add = (from: string, to: string, kind: GraphEdge['kind']) => {
    const id = `${from}→${to}`;
    // Two rules of one Choice to the same state draw one arrow; a catch beside a Next to the same state stays one too.
    if (seen.has(id) || !(to in states)) return;
    seen.add(id);
    edges.push({ id, from, to, kind });
  };
  for (const [name, state] of Object.entries(states)) {
    if (state.Next) add(name, state.Next, 'next');
    for (const rule of state.Choices ?? []) add(name, rule.Next, 'choice');
    if (state.Default) add(name, state.Default, 'choice');
    for (const c of state.Catch ?? []) add(name, c.Next, 'catch');
  }
  return edges;
}

/**
 * The main line the graph draws as one straight column: the shortest path over Next and Choice
 * transitions (never a Catch) from `startAt` to `goal` — for Rectify, ValidateFinding to
 * RecordSuccess. Without a goal, or when the goal cannot be reached, the path to the farthest
 * state reachable that way.
 */
export function mainLine(startAt: string, states: Readonly<Record<string, AslState>>, goal?: string): string[] {
  const edges = edgesOf(states).filter((e) => e.kind !== 'catch');
  const previous = new Map<string, string | undefined>([[startAt, undefined]]);
  const queue = [startAt];
  let last = startAt;
  while (queue.length > 0) {
    const current = queue.shift()!;
    last = current;
    if (current === goal) break;
    for (const e of edges) {
      if (e.from === current && !previous.has(e.to)) {
        previous.set(e.to, current);
        queue.push(e.to);
      }
    }
  }
  const end = goal !== undefined && previous.has(goal) ? goal : last;
  const path: string[] = [];
  for (let at: string | undefined = end; at !== undefined; at = previous.get(at)) path.unshift(at);
  return path;
}
