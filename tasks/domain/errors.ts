import { ErrorName } from './constants.js';

/**
 * Base of every error a task throws on purpose. `name` is what Step Functions matches in
 * Retry/Catch (the Lambda runtime reports it as `errorType`), so it is always one of
 * {@link ErrorName}.
 */
export class RectifyError extends Error {
  constructor(name: ErrorName, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
  }
}

/** The finding could not be parsed into a remediation request. */
export class InvalidFindingError extends RectifyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorName.InvalidFinding, message, options);
  }
}

/** Verify read the resource back and it is not compliant (yet): retried with backoff. */
export class NotYetCompliantError extends RectifyError {
  constructor(message: string) {
    super(ErrorName.NotYetCompliant, message);
  }
}

/** A playbook step failed; the workflow rolls back. */
export class RemediationFailedError extends RectifyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorName.RemediationFailed, message, options);
  }
}

/** Restoring the snapshot failed, or the restored resource does not match it. */
export class RollbackFailedError extends RectifyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorName.RollbackFailed, message, options);
  }
}

/**
 * A finding's control parameters (`Compliance.SecurityControlParameters`) cannot be honoured: an
 * unknown name, a value out of range, or a policy setting less strict than the control. Fail
 * closed: the playbook does not guess what Security Hub will check.
 */
export class InvalidControlParametersError extends RectifyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorName.InvalidControlParameters, message, options);
  }
}

/** The policy's `playbookSettings` for a playbook are invalid, or looser than the control it fixes: fail closed. */
export class InvalidPlaybookSettingsError extends RectifyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorName.InvalidPlaybookSettings, message, options);
  }
}

/** The exemption check could not decide (e.g. tags unreadable): fail closed. */
export class ExemptionCheckFailedError extends RectifyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorName.ExemptionCheckFailed, message, options);
  }
}

/** A person rejected the approval request. */
export class ApprovalRejectedError extends RectifyError {
  constructor(message: string) {
    super(ErrorName.ApprovalRejected, message);
  }
}

/** Normalise anything thrown into `{ error, cause }` for records and escalations. */
export function describeError(error: unknown): { error: string; cause: string } {
  if (error instanceof Error) return { error: error.name, cause: error.message };
  return { error: 'Error', cause: String(error) };
}

/** The resource keeps returning to non-compliance: Rectify stops fixing it and tells its owner. */
export class FlapGuardedError extends RectifyError {
  constructor(message: string) {
    super(ErrorName.FlapGuarded, message);
  }
}

/** At the moment of change a person must (again) approve: the plan changed since approval, or the policy now asks for one. */
export class ApprovalNeededError extends RectifyError {
  constructor(message: string) {
    super(ErrorName.ApprovalNeeded, message);
  }
}

/** At the moment of change the resource is exempt (tag or register): nothing is changed. */
export class ExemptAtChangeError extends RectifyError {
  constructor(message: string) {
    super(ErrorName.ExemptAtChange, message);
  }
}

/** At the moment of change the policy or Security Hub says no: nothing is changed. */
export class SkippedAtChangeError extends RectifyError {
  constructor(message: string) {
    super(ErrorName.SkippedAtChange, message);
  }
}

/** Another control's change to the same resource is in flight: the workflow retries later (changes to one resource are serialised). */
export class ResourceBusyError extends RectifyError {
  constructor(message: string) {
    super(ErrorName.ResourceBusy, message);
  }
}

/** The plan at the moment of change is not the approved plan, and the policy says escalate: nothing is changed. */
export class PlanChangedError extends RectifyError {
  constructor(message: string) {
    super(ErrorName.PlanChanged, message);
  }
}
