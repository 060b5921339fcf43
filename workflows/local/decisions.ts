/** What the scripted approver does when a run asks for approval (`--decision`). */
export const DECISIONS = ['approve', 'reject', 'timeout', 'link'] as const;
export type ScenarioDecision = (typeof DECISIONS)[number];
