// The page behind the kycUrl that setUserKyc answers: where KazePay's hosted KYC would take the
// applicant. In the sandbox it plays the reviewer instead: it shows the applicant's KYC status and
// offers Pass and Reject (a form POST of decision=pass|reject to the same URL), which end the
// review exactly as the review timer does (status change, kycStatusNotify webhook). Self-contained
// HTML (no scripts, styles inline, no external asset), and no identity data but a masked email.
import type { SandboxRequest, SandboxResponse } from '../common/http-server';
import { HOSTED_KYC_PATH, type Cardholder } from './model';
import type { KazepayState } from './state';

const DECISIONS = { pass: 'PASSED', reject: 'REJECTED' } as const;

export function hostedKycPage(state: KazepayState, request: SandboxRequest): SandboxResponse {
  const token = request.path.slice(HOSTED_KYC_PATH.length);
  const applicant = /^[0-9a-f-]{36}$/.test(token) ? state.hostedKycApplicant(token) : undefined;
  if (!applicant)
    return page(404, 'No such KYC', '<p>This KYC link is unknown or was replaced by a newer one.</p>');
  if (request.method === 'GET' || request.method === 'HEAD')
    return page(200, 'Hosted KYC', review(applicant));
  if (request.method !== 'POST') return page(405, 'Method not allowed', '<p>Use GET or POST.</p>');

  const decision = new URLSearchParams(request.rawBody.toString('utf8')).get('decision');
  if (decision !== 'pass' && decision !== 'reject')
    return page(400, 'Bad decision', '<p>The decision must be <code>pass</code> or <code>reject</code>.</p>');
  if (!state.finishKyc(applicant.email, DECISIONS[decision]))
    return page(409, 'Already decided', review(applicant));
  // Post/redirect/get: reloading the page does not send the decision again.
  return { status: 303, headers: { location: request.path, 'cache-control': 'no-store' }, body: '' };
}

function review(applicant: Cardholder): string {
  const open = applicant.kycStatus === 'WAITING_KYC';
  const disabled = open ? '' : ' disabled';
  return `<p>Applicant: <strong>${escapeHtml(maskEmail(applicant.email))}</strong></p>
<p>KYC status: <strong id="status">${escapeHtml(applicant.kycStatus)}</strong></p>
<form method="post" action="">
<button type="submit" name="decision" value="pass"${disabled}>Pass</button>
<button type="submit" name="decision" value="reject"${disabled}>Reject</button>
</form>
<p class="note">${open ? 'Decide as KazePay\u2019s reviewer would.' : 'The review is over.'}</p>`;
}

function page(status: number, title: string, content: string): SandboxResponse {
  const body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>KazePay sandbox: ${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; }
button { font-size: 1rem; padding: 0.5rem 1.5rem; margin-right: 0.5rem; }
.note { color: #555; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${content}
</body>
</html>
`;
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // Nothing loads from elsewhere; the form may only post back here.
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    },
    body,
  };
}

/** `k***@example.com`: enough to tell applicants apart, not their address. */
function maskEmail(email: string): string {
  const at = email.indexOf('@');
  return at <= 0 ? '***' : `${email[0]}***${email.slice(at)}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
