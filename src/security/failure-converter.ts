// The failure converter named by `failureConverterPath` (see data-converter.ts). It is loaded
// twice: by the SDK outside the sandbox (client, activities, replayer) and inside the workflow
// bundle, so this module must stay sandbox-safe: it imports @temporalio/common only.
//
// With `encodeCommonAttributes`, a failure's message and stack trace move from the Failure's
// plain-text fields into `encodedAttributes`, a payload the payload codec then encrypts. The SDK
// leaves "Encoded failure" as the plain message, which is what the Web UI shows first; here the
// plain message is a headline an operator can act on: what kind of failure it is (the failure
// type, an activity or child type, a timeout kind), never its text, which may quote a provider.
// Decoding reads the message back from `encodedAttributes` and ignores the headline.
import {
  DefaultFailureConverter,
  type PayloadConverter,
  type ProtoFailure,
  type SerializationContext,
} from '@temporalio/common';

const TIMEOUT_KINDS: Record<number, string> = {
  1: 'start-to-close',
  2: 'schedule-to-start',
  3: 'schedule-to-close',
  4: 'heartbeat',
};

/**
 * A name from code (a type or class name) as it is, or the fallback when it does not look like
 * one: not an identifier, over 80 characters, or holding a run of digits (a card number).
 */
const identifier = (name: string | null | undefined, fallback: string) =>
  name && /^[A-Za-z][A-Za-z0-9_.:-]{0,79}$/.test(name) && !/\d{6}/.test(name) ? name : fallback;

/** The plain-text headline of an encoded failure: its kind only, nothing from its message. */
export function failureHeadline(failure: ProtoFailure): string {
  const kind = (() => {
    if (failure.applicationFailureInfo)
      return identifier(failure.applicationFailureInfo.type, 'ApplicationFailure');
    if (failure.activityFailureInfo)
      return `activity ${identifier(failure.activityFailureInfo.activityType?.name, '?')} failed`;
    if (failure.childWorkflowExecutionFailureInfo)
      return `child workflow ${identifier(failure.childWorkflowExecutionFailureInfo.workflowType?.name, '?')} failed`;
    if (failure.nexusOperationExecutionFailureInfo)
      return `Nexus operation ${identifier(failure.nexusOperationExecutionFailureInfo.operation, '?')} failed`;
    if (failure.timeoutFailureInfo)
      return `${TIMEOUT_KINDS[failure.timeoutFailureInfo.timeoutType ?? 0] ?? 'unknown'} timeout`;
    if (failure.canceledFailureInfo) return 'canceled';
    if (failure.terminatedFailureInfo) return 'terminated';
    if (failure.serverFailureInfo) return 'server failure';
    return 'failure';
  })();
  return `${kind} (message encrypted: open it with the codec server)`;
}

class HeadlineFailureConverter extends DefaultFailureConverter {
  override errorToFailure(
    err: unknown,
    payloadConverter: PayloadConverter,
    context?: SerializationContext,
  ): ProtoFailure {
    const failure = super.errorToFailure(err, payloadConverter, context);
    if (failure.encodedAttributes) failure.message = failureHeadline(failure);
    return failure;
  }
}

export const failureConverter = new HeadlineFailureConverter({ encodeCommonAttributes: true });
