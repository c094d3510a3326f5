// A flow as the typed client hands it out: its id, Temporal handle, result and `state` query, and
// the messages a caller may send it (each input checked by the contract before anything is sent).
import type { WorkflowHandle } from '@temporalio/client';
import {
  type ActivationCodeOutcome,
  activationCodeSchema,
  type FlowStatus,
  type KycResubmission,
  kycResubmissionSchema,
  type OutcomeResolution,
  outcomeResolutionSchema,
  type ProviderNotification,
  providerNotificationSchema,
  providerNotificationSignal,
  providePinSchema,
  providePinUpdate,
  resolveOutcomeUpdate,
  resubmitKycUpdate,
  stateQuery,
  submitActivationCodeUpdate,
} from '../contract';
import { checkInput } from './errors';

/** A started (or already existing) flow. */
export interface Flow<Result, Status = FlowStatus> {
  workflowId: string;
  handle: WorkflowHandle;
  /** The flow's result; rejects with WorkflowFailedError (cause: the contract's failure type). */
  result(): Promise<Result>;
  /** The `state` query. */
  state(): Promise<Status>;
}

export const flowOf = <R, S = FlowStatus>(handle: WorkflowHandle): Flow<R, S> => ({
  workflowId: handle.workflowId,
  handle,
  result: () => handle.result() as Promise<R>,
  state: () => handle.query(stateQuery) as Promise<S>,
});

/** The messages of the contract, sent to one flow (Temporal's errors pass through). */
export interface FlowMessages {
  /** physicalCardActivation: the code the cardholder received. */
  submitActivationCode(code: string): Promise<ActivationCodeOutcome>;
  /** physicalCardActivation: the PIN as a secret-store handle, never the PIN itself. */
  providePin(pinHandle: string): Promise<{ accepted: true }>;
  /** WasabiCard kycVerification: a corrected resubmission (only while AWAITING_RESUBMISSION). */
  resubmitKyc(resubmission: KycResubmission): Promise<{ accepted: true; submissions: number }>;
  /** An operator's answer to a flow in NEEDS_RECONCILIATION. */
  resolveOutcome(resolution: OutcomeResolution): Promise<{ accepted: true }>;
  /** A verified provider notification: makes the flow read the provider now. */
  providerNotification(notification: ProviderNotification): Promise<void>;
}

/** `handle` is reached only once the input passed its check: a refused input sends nothing. */
export const messagesOf = (handle: () => WorkflowHandle): FlowMessages => ({
  async submitActivationCode(code) {
    const args = [checkInput('submitActivationCode', activationCodeSchema, { code })] as const;
    return handle().executeUpdate(submitActivationCodeUpdate, { args: [...args] });
  },
  async providePin(pinHandle) {
    const args = [checkInput('providePin', providePinSchema, { pinHandle })] as const;
    return handle().executeUpdate(providePinUpdate, { args: [...args] });
  },
  async resubmitKyc(resubmission) {
    const args = [checkInput('resubmitKyc', kycResubmissionSchema, resubmission)] as const;
    return handle().executeUpdate(resubmitKycUpdate, { args: [...args] });
  },
  async resolveOutcome(resolution) {
    const args = [checkInput('resolveOutcome', outcomeResolutionSchema, resolution)] as const;
    return handle().executeUpdate(resolveOutcomeUpdate, { args: [...args] });
  },
  async providerNotification(notification) {
    const p = checkInput('providerNotification', providerNotificationSchema, notification);
    return handle().signal(providerNotificationSignal, p);
  },
});
