/**
 * The two roles the member stack holds (docs/decisions/010). Each task that acts on a member
 * resource names the one it needs; the admin stack lets each task role assume only that one,
 * and each member role trusts only the task roles that need it.
 */
export const MemberRole = {
  /** Only read actions: CheckExemption, ClassifySeverity, AwaitApproval (snapshot and plan), Verify. */
  read: 'read',
  /** Every declared action, reads and writes, and iam:PassRole to the runbooks' roles: Remediate, Rollback. */
  change: 'change',
} as const;
export type MemberRole = (typeof MemberRole)[keyof typeof MemberRole];
