// The failure converter named by `failureConverterPath` (see data-converter.ts). It is loaded
// twice: by the SDK outside the sandbox (client, activities, replayer) and inside the workflow
// bundle, so this module must stay sandbox-safe: it imports @temporalio/common only.
//
// With `encodeCommonAttributes`, a failure's message and stack trace move from the Failure's
// plain-text fields into `encodedAttributes`, a payload the payload codec then encrypts; the
// plain fields read "Encoded failure" and "".
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
