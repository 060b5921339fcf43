import { describe, expect, it } from 'vitest';
import { StateName } from '../../../tasks/domain/constants.js';
import { buildLocalDefinition } from '../../../workflows/local/definition.js';
import { edgesOf, mainLine, type AslState } from '../../../workflows/local/traceView/graphModel.js';
import { elkGraphOf, layoutGraph } from '../../../workflows/local/traceView/layoutGraph.js';

const definition = buildLocalDefinition({ account: '111111111111', region: 'us-east-1' });
const states = definition.States as Record<string, AslState>;
const startAt = String(definition.StartAt);

/** The success path of Rectify's workflow, as README's "How it works" draws it (no approval). */
const HAPPY_PATH = [
  StateName.ValidateFinding, StateName.LoadPolicy, StateName.ShouldProceed, StateName.CheckExemption, StateName.IsExempt,
  StateName.ClassifySeverity, StateName.HowToProceed, StateName.Remediate, StateName.Verify, StateName.RecordSuccess,
];

describe('trace graph: layout input', () => {
  it('lists each transition once, catches apart from Next and Choice', () => {
    // Prepare
    const small: Record<string, AslState> = {
      A: { Type: 'Task', Next: 'B', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'F' }] },
      B: { Type: 'Choice', Choices: [{ Next: 'C' }, { Next: 'C' }], Default: 'F' },
      C: { Type: 'Succeed' },
      F: { Type: 'Fail' },
    };
    // Act
    const edges = edgesOf(small);
    // Assess
    expect(edges.map((e) => `${e.id}:${e.kind}`)).toEqual(['A→B:next', 'A→F:catch', 'B→C:choice', 'B→F:choice']);
    expect(mainLine('A', small, 'C')).toEqual(['A', 'B', 'C']);
    // Never through a catch, and without a reachable goal: the farthest state
    expect(mainLine('A', small, 'nowhere')).toEqual(['A', 'B', 'F']);
  });

  it('puts the happy path first and marks its edges straight for ELK', () => {
    // Act
    const { graph, main } = elkGraphOf({ startAt, states, goal: StateName.RecordSuccess });
    // Assess
    expect(main).toEqual(HAPPY_PATH);
    expect(graph.children!.slice(0, HAPPY_PATH.length).map((c) => c.id)).toEqual(HAPPY_PATH);
    expect(graph.children).toHaveLength(Object.keys(states).length);
    const straight = graph.edges!.filter((e) => e.layoutOptions?.['elk.layered.priority.straightness']).map((e) => e.id);
    expect(straight).toEqual(HAPPY_PATH.slice(1).map((to, i) => `${HAPPY_PATH[i]}→${to}`));
    expect(graph.layoutOptions).toMatchObject({ 'elk.algorithm': 'layered', 'elk.direction': 'DOWN' });
  });
});

describe('trace graph: ELK layout of the real definition', () => {
  it('draws the happy path as one straight column, top to bottom, with no state overlapping another', async () => {
    // Act
    const layout = await layoutGraph({ startAt, states, goal: StateName.RecordSuccess });
    // Assess: one x for the whole happy path, each state below the previous one
    const at = new Map(layout.nodes.map((n) => [n.name, n]));
    const column = HAPPY_PATH.map((name) => at.get(name)!);
    expect(new Set(column.map((n) => n.x)).size).toBe(1);
    column.slice(1).forEach((n, i) => expect(n.y).toBeGreaterThan(column[i]!.y));
    // Assess: every state placed inside the drawing, none on top of another
    expect(layout.nodes).toHaveLength(Object.keys(states).length);
    for (const n of layout.nodes) {
      expect(n.x).toBeGreaterThanOrEqual(0);
      expect(n.x + n.width).toBeLessThanOrEqual(layout.width);
      for (const m of layout.nodes) {
        if (m === n) continue;
        const apart = n.x + n.width <= m.x || m.x + m.width <= n.x || n.y + n.height <= m.y || m.y + m.height <= n.y;
        expect(apart, `${n.name} overlaps ${m.name}`).toBe(true);
      }
    }
    // Assess: every transition routed, from its source box to its target box
    expect(layout.edges).toHaveLength(edgesOf(states).length);
    for (const e of layout.edges) {
      expect(e.points.length, e.id).toBeGreaterThanOrEqual(2);
      const target = at.get(e.to)!;
      const end = e.points.at(-1)!;
      expect(end.x).toBeGreaterThanOrEqual(target.x - 1);
      expect(end.x).toBeLessThanOrEqual(target.x + target.width + 1);
    }
  });
});
